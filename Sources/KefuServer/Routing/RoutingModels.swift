import Fluent
import Foundation
import KefuCore

/// A keyword auto-reply of an inbox: when a shopper's message matches, the reply is sent
/// (marked as automatic), at most once per cool-down in a conversation.
final class KeywordRule: Model, @unchecked Sendable {
    static let schema = "keyword_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "inbox_id") var inboxID: UUID
    /// JSON array of strings.
    @Field(key: "keywords") var keywordsJSON: String
    @Field(key: "match") var match: String
    @OptionalField(key: "locale") var locale: String?
    @Field(key: "reply") var reply: String
    @Field(key: "priority") var priority: Int
    @Field(key: "cooldown_seconds") var cooldownSeconds: Int
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(accountID: UUID, inboxID: UUID, now: Date) {
        self.accountID = accountID
        self.inboxID = inboxID
        keywordsJSON = "[]"
        match = KeywordMatch.contains.rawValue
        reply = ""
        priority = 0
        cooldownSeconds = 600
        active = true
        createdAt = now
        updatedAt = now
    }

    var keywords: [String] {
        get { JSONList.decode(keywordsJSON) }
        set { keywordsJSON = JSONList.encode(newValue) }
    }

    var spec: KeywordRuleSpec {
        KeywordRuleSpec(id: id!.uuidString, keywords: keywords, match: KeywordMatch(rawValue: match) ?? .contains,
                        locale: locale, priority: priority, cooldownSeconds: cooldownSeconds)
    }
}

/// A quick phrase (快捷短语): personal (`ownerID` set) or the team's (`ownerID` nil).
final class QuickPhrase: Model, @unchecked Sendable {
    static let schema = "quick_phrases"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @Field(key: "category") var category: String
    @Field(key: "shortcut") var shortcut: String
    @Field(key: "text") var text: String
    @Field(key: "usage_count") var usageCount: Int
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(accountID: UUID, ownerID: UUID?, now: Date) {
        self.accountID = accountID
        self.ownerID = ownerID
        category = ""
        shortcut = ""
        text = ""
        usageCount = 0
        createdAt = now
        updatedAt = now
    }
}

/// An agent's availability as every instance sees it: the status the agent chose, how many
/// sockets are open (on this row's instance's count), when an instance last confirmed it, and
/// when the agent was last given a conversation (round robin).
final class AgentPresence: Model, @unchecked Sendable {
    static let schema = "agent_presence"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "user_id") var userID: UUID
    @Enum(key: "status") var status: PresenceStatus
    @Field(key: "connections") var connections: Int
    @Field(key: "seen_at") var seenAt: Date
    @OptionalField(key: "last_assigned_at") var lastAssignedAt: Date?

    init() {}
}

/// A row of the append-only reporting table: what happened to a conversation, for reports
/// (``ReportingKind``). Written only by ``ReportingListener``, from the domain events.
final class ConversationEvent: Model, @unchecked Sendable {
    static let schema = "conversation_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "conversation_id") var conversationID: UUID
    @OptionalField(key: "inbox_id") var inboxID: UUID?
    @Enum(key: "kind") var kind: ReportingKind
    @OptionalField(key: "agent_id") var agentID: UUID?
    @OptionalField(key: "from_agent_id") var fromAgentID: UUID?
    @OptionalField(key: "seconds") var seconds: Double?
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
