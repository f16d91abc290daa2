import Fluent
import Foundation
import KefuCore

/// A conversation between a shopper and the shop. `lastSeq` is the sequence
/// number of its newest message; it grows by one in the same transaction as
/// each message.
final class Conversation: Model, @unchecked Sendable {
    static let schema = "conversations"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "inbox_id") var inboxID: UUID
    @Field(key: "contact_id") var contactID: UUID
    @Enum(key: "status") var status: ConversationStatus
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    @Enum(key: "priority") var priority: ConversationPriority
    @Field(key: "tags") var tags: String
    @OptionalField(key: "snoozed_until") var snoozedUntil: Date?
    @Field(key: "channel") var channel: String
    @Field(key: "last_seq") var lastSeq: Int
    @OptionalField(key: "last_message_at") var lastMessageAt: Date?
    /// `last_message_at` in whole microseconds: the exact, integer key the list sorts
    /// and pages by (dates travel as floating point and do not compare exactly).
    @Field(key: "activity_us") var activityMicros: Int64
    @OptionalField(key: "last_message_preview") var lastMessagePreview: String?
    @Field(key: "agent_unread") var agentUnread: Int
    @Field(key: "visitor_unread") var visitorUnread: Int
    @Field(key: "agent_read_seq") var agentReadSeq: Int
    @Field(key: "visitor_read_seq") var visitorReadSeq: Int
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    @Field(key: "bot_active") var botActive: Bool
    /// Waiting for an agent since (nil: not queued).
    @OptionalField(key: "queued_at") var queuedAt: Date?
    @OptionalField(key: "assigned_at") var assignedAt: Date?
    @OptionalField(key: "first_response_at") var firstResponseAt: Date?
    /// The shopper's oldest message not yet answered by a person (answer timeout).
    @OptionalField(key: "awaiting_since") var awaitingSince: Date?
    /// JSON: when each automatic reply last fired here (cool-downs, greeting once).
    @OptionalField(key: "auto_state") var autoStateJSON: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
    init(accountID: UUID, inboxID: UUID, contactID: UUID, now: Date) {
        self.accountID = accountID
        self.inboxID = inboxID
        self.contactID = contactID
        self.status = .open
        self.priority = .none
        self.tags = ""
        self.channel = "web"
        self.lastSeq = 0
        self.agentUnread = 0
        self.visitorUnread = 0
        self.agentReadSeq = 0
        self.visitorReadSeq = 0
        self.botActive = false
        self.createdAt = now
        self.updatedAt = now
        self.lastMessageAt = now
        self.activityMicros = Self.micros(now)
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// Tags are kept as a comma-separated list (tags never contain commas).
    var tagList: [String] {
        get { tags.split(separator: ",").map(String.init) }
        set { tags = newValue.joined(separator: ",") }
    }
}

/// One message. `(conversation_id, seq)` is unique; so is the sender's client message id.
final class Message: Model, @unchecked Sendable {
    static let schema = "messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "conversation_id") var conversationID: UUID
    @Field(key: "seq") var seq: Int
    @Enum(key: "sender_type") var senderType: SenderType
    @OptionalField(key: "sender_id") var senderID: UUID?
    @OptionalField(key: "client_message_id") var clientMessageID: UUID?
    @Field(key: "text") var text: String
    @Field(key: "private") var isPrivate: Bool
    @Field(key: "attachments") var attachments: String
    @OptionalField(key: "event") var event: String?
    @OptionalField(key: "payload") var payload: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// An uploaded file, kept in the database so every instance can serve it.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "uploader_type") var uploaderType: String
    @Field(key: "uploader_id") var uploaderID: UUID
    @Field(key: "name") var name: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "data") var data: Data
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// When a message or a ticket first referred to it; a visitor's upload nothing refers to
    /// after a day is deleted (``Uploads/prune(_:now:)``).
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
