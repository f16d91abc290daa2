import Foundation
import KefuCore
import Vapor

struct SenderDTO: Content, Equatable {
    var id: UUID?
    var name: String?
    var agentNumber: Int?
}

struct AttachmentDTO: Content, Equatable {
    var id: String
    var name: String
    var contentType: String
    var size: Int
    var url: String

    /// Attachments are addressed by shop and id, so even this public read is scoped by account.
    static func url(for id: String, accountID: UUID) -> String { "/api/v1/attachments/\(accountID.uuidString.lowercased())/\(id)" }
}

struct MessageDTO: Content, Equatable {
    var id: UUID
    var conversationId: UUID
    var seq: Int
    var senderType: SenderType
    var sender: SenderDTO?
    var text: String
    var `private`: Bool
    var attachments: [AttachmentDTO]
    var event: String?
    /// Structured content beside the text (the FAQ bot's articles and buttons).
    var payload: MessagePayload?
    var clientMessageId: UUID?
    var createdAt: Date
}

/// What a message carries beside its text, for clients that render more than text.
struct MessagePayload: Content, Equatable {
    struct ArticleRef: Content, Equatable {
        var id: UUID
        var slug: String
        var title: String
        var snippet: String
        var url: String
    }
    var type: MessageKind
    var articles: [ArticleRef]
    /// Offer "talk to an agent" under this message.
    var handover: Bool
    /// A product or order card ("card.product", "card.order").
    var card: CardDTO? = nil
    /// An after-sale case's solution ("card.case").
    var afterSale: CaseCardDTO? = nil

    static func decode(_ json: String?) -> MessagePayload? {
        guard let json, !json.isEmpty else { return nil }
        return try? JSONDecoder().decode(MessagePayload.self, from: Data(json.utf8))
    }
}

/// What the shopper sees of an after-sale case: its state and the solution to accept or refuse.
struct CaseCardDTO: Content, Equatable {
    var caseId: UUID
    var ticketNumber: String
    var kind: CaseKind
    var state: CaseState
    var solution: String
    var answer: CaseCustomerAnswer?
}

struct ContactSummaryDTO: Content, Equatable {
    var id: UUID
    var name: String?
}

struct ConversationDTO: Content {
    var id: UUID
    var inboxId: UUID
    var contactId: UUID
    var contact: ContactSummaryDTO
    var status: ConversationStatus
    var assigneeId: UUID?
    var priority: ConversationPriority
    var tags: [String]
    var snoozedUntil: Date?
    var channel: String
    var lastSeq: Int
    var lastMessageAt: Date?
    var lastMessagePreview: String?
    var unreadCount: Int
    /// How far the shopper has read (for 已读 marks) and how far the team has.
    var visitorReadSeq: Int
    var agentReadSeq: Int
    var mergedIntoId: UUID?
    /// The FAQ bot answers this conversation (no agent yet).
    var botActive: Bool
    /// Waiting in the inbox's queue since (nil: not queued).
    var queuedAt: Date?
    var assignedAt: Date?
    var firstResponseAt: Date?
    /// The shopper's oldest message no person has answered yet.
    var awaitingSince: Date?
    var createdAt: Date

    init(_ c: Conversation, contact: Contact?) {
        id = c.id!; inboxId = c.inboxID; contactId = c.contactID
        self.contact = ContactSummaryDTO(id: c.contactID, name: contact?.name)
        status = c.status; assigneeId = c.assigneeID; priority = c.priority; tags = c.tagList
        snoozedUntil = c.snoozedUntil; channel = c.channel; lastSeq = c.lastSeq; lastMessageAt = c.lastMessageAt
        lastMessagePreview = c.lastMessagePreview; unreadCount = c.agentUnread
        visitorReadSeq = c.visitorReadSeq; agentReadSeq = c.agentReadSeq; mergedIntoId = c.mergedIntoID; botActive = c.botActive
        queuedAt = c.queuedAt; assignedAt = c.assignedAt; firstResponseAt = c.firstResponseAt; awaitingSince = c.awaitingSince
        createdAt = c.createdAt
    }
}

struct PageDTO<Item: Content>: Content {
    var items: [Item]
    var hasMore: Bool
}

struct CursorPageDTO<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

/// The JSON encoder for every realtime frame: ISO 8601 dates like the REST API.
enum FrameCoder {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func encode<T: Encodable>(_ value: T) -> String {
        (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? #"{"type":"error","code":"internal_error","message":"encoding failed"}"#
    }
}

/// Server → client frames (see docs/protocol.md).
enum ServerFrame {
    struct Ack: Encodable {
        var type = "ack"
        var clientMessageId: UUID
        var conversationId: UUID
        var messageId: UUID
        var seq: Int
        var createdAt: Date
        var duplicate: Bool
    }

    struct MessageFrame: Encodable {
        var type = "message"
        var conversationId: UUID
        var message: MessageDTO
    }

    struct Resumed: Encodable {
        var type = "resumed"
        var conversationId: UUID
        var fromSeq: Int
        var toSeq: Int
    }

    struct Typing: Encodable {
        var type = "typing"
        var conversationId: UUID
        var sender: TypingSender
        var typing: Bool
    }

    struct TypingSender: Encodable {
        var type: SenderType
        var name: String?
    }

    struct Read: Encodable {
        var type = "read"
        var conversationId: UUID
        var reader: String
        var seq: Int
    }

    /// To a member's own sockets: the status they (in any tab) now show.
    struct Presence: Encodable {
        var type = "presence"
        var userId: UUID
        var status: PresenceStatus
    }

    /// To a shop's agents: teammates' statuses that changed in the last moment (coalesced).
    struct PresenceChanges: Encodable {
        var type = "presence.changes"
        var changes: [PresenceChange]
    }

    struct PresenceChange: Encodable {
        var userId: UUID
        var status: PresenceStatus
    }

    /// To a waiting shopper: place in the inbox's queue (0 = an agent has it) and estimated wait.
    struct Queue: Encodable {
        var type = "queue"
        var conversationId: UUID
        var position: Int
        var etaSeconds: Int
    }

    struct ConversationUpdated: Encodable {
        var type = "conversation.updated"
        var conversation: ConversationDTO
    }

    struct Error: Encodable {
        var type = "error"
        var code: String
        var message: String
        var field: String?
        var ref: String?
    }

    struct Pong: Encodable { var type = "pong" }
    /// A ticket (or a case or compensation on it) changed: ticket lists and the ticket's page
    /// showing it load it again. Sent to who may see the ticket; carries no content.
    struct TicketChanged: Encodable {
        var type = "ticket.changed"
        var ticketId: UUID
        var number: String
    }

    /// An SLA clock of a ticket or conversation warned or breached: countdowns, the ticket's page
    /// and the breach list load again. Sent to who may see the ticket or conversation.
    /// A rule's `notify` action: a notice for the members it names.
    struct AutomationNotice: Encodable {
        var type = "automation.notice"
        var ruleId: UUID
        var ruleName: String
        var targetType: String
        var targetId: UUID
        var text: String
        var at: Date
    }

    struct SLAAlertFrame: Encodable {
        var type = "sla.alert"
        var kind: String
        var targetType: SLATargetType
        var targetId: UUID
        var metric: SLAMetric
        var at: Date
    }

    /// An order of a customer changed (platform update, price change, reminder): order panels
    /// showing that customer load it again.
    struct OrderUpdated: Encodable {
        var type = "order.updated"
        var contactId: UUID
        var externalId: String
        var status: String
    }
}
