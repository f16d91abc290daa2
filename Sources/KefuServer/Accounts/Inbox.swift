import Fluent
import Foundation
import KefuCore

/// A channel entry point and skill group (售前 pre-sale, 售后 after-sale, 投诉 complaints).
/// Its `widgetKey` is public: the shop's pages name it in the widget script tag.
final class Inbox: Model, @unchecked Sendable {
    static let schema = "inboxes"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var description: String?
    @Field(key: "widget_key") var widgetKey: String
    @Field(key: "active") var active: Bool
    @Enum(key: "bot_mode") var botMode: BotMode
    /// JSON of ``BusinessHours``; nil = always open.
    /// The hours as the chat path reads them: a copy of the calendar's (``calendarID``), kept
    /// current by ``InboxCalendarListener``.
    @OptionalField(key: "business_hours") var businessHoursJSON: String?
    /// The business-hours calendar the inbox keeps its hours by (nil: open around the clock).
    @OptionalField(key: "calendar_id") var calendarID: UUID?
    @Enum(key: "routing") var routing: RoutingStrategy
    @Field(key: "capacity") var capacity: Int
    @Field(key: "prefer_last_agent") var preferLastAgent: Bool
    @Field(key: "answer_timeout_seconds") var answerTimeoutSeconds: Int
    @Field(key: "auto_away_minutes") var autoAwayMinutes: Int
    /// JSON of ``AutoReplies``; nil = none.
    @OptionalField(key: "auto_replies") var autoRepliesJSON: String?
    @OptionalField(key: "status_line") var statusLine: String?
    @OptionalField(key: "status_line_starts_at") var statusLineStartsAt: Date?
    @OptionalField(key: "status_line_ends_at") var statusLineEndsAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, accountID: UUID, name: String, description: String?, widgetKey: String, active: Bool = true) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.description = description
        self.widgetKey = widgetKey
        self.active = active
        self.botMode = .off
        self.routing = .roundRobin
        self.capacity = 5
        self.preferLastAgent = true
        self.answerTimeoutSeconds = 90
        self.autoAwayMinutes = 10
    }

    var businessHours: BusinessHours? {
        guard let json = businessHoursJSON else { return nil }
        return try? JSONDecoder().decode(BusinessHours.self, from: Data(json.utf8))
    }
}

/// An agent's membership of an inbox: the agent answers that inbox's conversations.
final class InboxMember: Model, @unchecked Sendable {
    static let schema = "inbox_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "inbox_id") var inboxID: UUID
    @Field(key: "user_id") var userID: UUID

    init() {}
    init(accountID: UUID, inboxID: UUID, userID: UUID) {
        self.accountID = accountID
        self.inboxID = inboxID
        self.userID = userID
    }
}
