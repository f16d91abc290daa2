import Foundation

/// The part of a conversation its rules decide about: status, who has it, the bot, the
/// queue and the answer clock. The server reads it from the row, lets ``ConversationChange``
/// apply an operation, and writes back what changed, with the facts as domain events.
public struct ConversationState: Equatable, Sendable {
    public var id: UUID
    public var inboxID: UUID
    public var contactID: UUID
    public var status: ConversationStatus
    public var assigneeID: UUID?
    /// The FAQ bot answers (no person yet).
    public var botActive: Bool
    public var snoozedUntil: Date?
    /// Waiting in the inbox's queue since (nil: not queued).
    public var queuedAt: Date?
    public var assignedAt: Date?
    public var firstResponseAt: Date?
    /// The shopper's oldest message no person has answered yet (the answer clock).
    public var awaitingSince: Date?
    public var mergedIntoID: UUID?
    public var priority: ConversationPriority
    public var tags: [String]
    public var createdAt: Date

    public init(id: UUID, inboxID: UUID, contactID: UUID, status: ConversationStatus = .open, assigneeID: UUID? = nil,
                botActive: Bool = false, snoozedUntil: Date? = nil, queuedAt: Date? = nil, assignedAt: Date? = nil,
                firstResponseAt: Date? = nil, awaitingSince: Date? = nil, mergedIntoID: UUID? = nil,
                priority: ConversationPriority = .none, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.inboxID = inboxID
        self.contactID = contactID
        self.status = status
        self.assigneeID = assigneeID
        self.botActive = botActive
        self.snoozedUntil = snoozedUntil
        self.queuedAt = queuedAt
        self.assignedAt = assignedAt
        self.firstResponseAt = firstResponseAt
        self.awaitingSince = awaitingSince
        self.mergedIntoID = mergedIntoID
        self.priority = priority
        self.tags = tags
        self.createdAt = createdAt
    }

    public var snapshot: ConversationSnapshot {
        ConversationSnapshot(id: id, inboxID: inboxID, contactID: contactID, status: status, assigneeID: assigneeID, botActive: botActive,
                             queuedAt: queuedAt)
    }

    /// Waiting for routing: open, nobody has it, the bot is not answering, not merged away.
    public var needsAgent: Bool { status == .open && assigneeID == nil && !botActive && mergedIntoID == nil }

    /// Whether what the workbench lists (status, assignee, inbox, bot, snooze, queue,
    /// priority, tags, merge) differs: such changes are announced to the agents' sockets.
    /// The answer clock and the first-response time change silently.
    public func listedFieldsDiffer(from other: ConversationState) -> Bool {
        status != other.status || assigneeID != other.assigneeID || inboxID != other.inboxID || botActive != other.botActive
            || snoozedUntil != other.snoozedUntil || queuedAt != other.queuedAt || priority != other.priority
            || tags != other.tags || mergedIntoID != other.mergedIntoID
    }
}

/// What a message is, for the conversation's rules.
public enum MessageRole: Equatable, Sendable {
    /// The shopper wrote. `botStartsOnReopen`: the inbox's FAQ bot would take a reopened
    /// conversation nobody has (bot first, or the shop is closed).
    case shopper(botStartsOnReopen: Bool)
    /// A public answer from the team: a member (`agentID`) or an integration's token (nil).
    case teamReply(agentID: UUID?)
    /// The FAQ bot, an automatic reply, the shop's order messages: never an answer by a person.
    case automatic
    /// A private note between agents.
    case note
    /// A timeline entry ("assigned to 8号").
    case system
}
