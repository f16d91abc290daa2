import Foundation

/// The conversation as it stands right after an event: what most listeners need to decide
/// whether the event concerns them, without loading the row.
public struct ConversationSnapshot: Codable, Hashable, Sendable {
    public var id: UUID
    public var inboxID: UUID
    public var contactID: UUID
    public var status: ConversationStatus
    public var assigneeID: UUID?
    public var botActive: Bool
    /// Waiting in its inbox's queue since (nil: not queued; absent in events written before it existed).
    public var queuedAt: Date?

    public init(id: UUID, inboxID: UUID, contactID: UUID, status: ConversationStatus, assigneeID: UUID?, botActive: Bool,
                queuedAt: Date? = nil) {
        self.id = id
        self.inboxID = inboxID
        self.contactID = contactID
        self.status = status
        self.assigneeID = assigneeID
        self.botActive = botActive
        self.queuedAt = queuedAt
    }
}

/// A conversation began (the shopper's first message, a left message, a reminder to a
/// buyer who never chatted).
public struct ConversationOpened: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var channel: String
    public init(conversation: ConversationSnapshot, channel: String) {
        self.conversation = conversation
        self.channel = channel
    }
}

/// A message was stored.
public struct MessageCreated: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var messageID: UUID
    public var seq: Int
    public var senderType: SenderType
    public var senderID: UUID?
    public var isPrivate: Bool
    public var text: String
    /// The structured kind of the message (automatic replies, the bot, cards, forms).
    public var payloadType: MessageKind?
    /// A timeline entry's event ("conversation.assigned", …), for system messages.
    public var systemEvent: String?
    public var attachments: Int

    public init(conversation: ConversationSnapshot, messageID: UUID, seq: Int, senderType: SenderType, senderID: UUID?,
                isPrivate: Bool, text: String, payloadType: MessageKind?, systemEvent: String?, attachments: Int) {
        self.conversation = conversation
        self.messageID = messageID
        self.seq = seq
        self.senderType = senderType
        self.senderID = senderID
        self.isPrivate = isPrivate
        self.text = text
        self.payloadType = payloadType
        self.systemEvent = systemEvent
        self.attachments = attachments
    }

    /// A shopper's own message (not a left-message form, a note or a system line).
    public var isFromShopper: Bool { senderType == .visitor }
}

public struct StatusChanged: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var from: ConversationStatus
    public var to: ConversationStatus
    public var snoozedUntil: Date?
    public init(conversation: ConversationSnapshot, from: ConversationStatus, to: ConversationStatus, snoozedUntil: Date? = nil) {
        self.conversation = conversation
        self.from = from
        self.to = to
        self.snoozedUntil = snoozedUntil
    }
}

/// Why a conversation's assignee changed.
public enum AssignmentReason: String, Codable, Hashable, Sendable, CaseIterable {
    /// A person chose the assignee (the conversation's menu, a transfer, the API).
    case manual
    /// Routing gave it to an agent with room.
    case routed
    /// The assignee did not answer within the inbox's answer timeout; routing moved it on.
    case answerTimeout = "answer_timeout"
    /// An agent answered a conversation nobody had.
    case replied
}

public struct AssigneeChanged: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var from: UUID?
    public var to: UUID?
    public var reason: AssignmentReason
    /// Seconds the shopper had waited: in the queue (to an assignee from nobody), or for an
    /// answer (an answer-timeout reassignment).
    public var waitedSeconds: Double?
    public init(conversation: ConversationSnapshot, from: UUID?, to: UUID?, reason: AssignmentReason, waitedSeconds: Double? = nil) {
        self.conversation = conversation
        self.from = from
        self.to = to
        self.reason = reason
        self.waitedSeconds = waitedSeconds
    }
}

public struct InboxChanged: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var from: UUID
    public var to: UUID
    public init(conversation: ConversationSnapshot, from: UUID, to: UUID) {
        self.conversation = conversation
        self.from = from
        self.to = to
    }
}

/// The conversation joined its inbox's queue (nobody had room).
public struct Queued: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    /// 1-based place in the queue and the estimated wait when it joined.
    public var position: Int
    public var etaSeconds: Int
    public init(conversation: ConversationSnapshot, position: Int, etaSeconds: Int) {
        self.conversation = conversation
        self.position = position
        self.etaSeconds = etaSeconds
    }
}

/// The first public answer by a person on the team.
public struct FirstHumanReply: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var agentID: UUID
    /// From the conversation's start to this answer.
    public var seconds: Double
    public init(conversation: ConversationSnapshot, agentID: UUID, seconds: Double) {
        self.conversation = conversation
        self.agentID = agentID
        self.seconds = seconds
    }
}

/// Why the FAQ bot stopped answering a conversation.
public enum HandoverReason: String, Codable, Hashable, Sendable, CaseIterable {
    /// The shopper asked for a person.
    case shopperAsked = "shopper_asked"
    /// An agent answered in the bot's place.
    case agentReplied = "agent_replied"
    /// Someone gave the conversation to an agent or another inbox.
    case reassigned
    /// The shopper left a message for the team (outside business hours).
    case leftMessage = "left_message"
}

public struct BotHandedOver: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var reason: HandoverReason
    public init(conversation: ConversationSnapshot, reason: HandoverReason) {
        self.conversation = conversation
        self.reason = reason
    }
}

/// Another conversation of the same customer was appended to this one.
public struct ConversationMerged: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var sourceID: UUID
    public var messages: Int
    public init(conversation: ConversationSnapshot, sourceID: UUID, messages: Int) {
        self.conversation = conversation
        self.sourceID = sourceID
        self.messages = messages
    }
}

/// Priority or tags changed.
public struct AttributesChanged: Codable, Hashable, Sendable {
    public var conversation: ConversationSnapshot
    public var priorityFrom: ConversationPriority?
    public var priorityTo: ConversationPriority?
    public var tagsAdded: [String]
    public var tagsRemoved: [String]
    public init(conversation: ConversationSnapshot, priorityFrom: ConversationPriority? = nil, priorityTo: ConversationPriority? = nil,
                tagsAdded: [String] = [], tagsRemoved: [String] = []) {
        self.conversation = conversation
        self.priorityFrom = priorityFrom
        self.priorityTo = priorityTo
        self.tagsAdded = tagsAdded
        self.tagsRemoved = tagsRemoved
    }
}
