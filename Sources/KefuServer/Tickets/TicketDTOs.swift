import Foundation
import KefuCore
import Vapor

/// `POST /api/v1/tickets` and `POST /api/v1/conversations/{id}/ticket`.
struct CreateTicketRequest: StrictContent {
    static let allowedFields: Set<String> = ["subject", "type", "source", "urgency", "priority", "contactId", "conversationId",
                                             "orderIds", "inboxId", "assigneeId", "tags", "fields", "description"]
    var subject: String?
    var type: String?
    var source: String?
    var urgency: String?
    var priority: String?
    var contactId: UUID?
    var conversationId: UUID?
    /// The platform's order ids (`externalId`), as the order panel shows them.
    var orderIds: [String]?
    var inboxId: UUID?
    var assigneeId: UUID?
    var tags: [String]?
    var fields: [String: String]?
    /// The first entry of the timeline: what the customer asked (a private note when made by the team).
    var description: String?
}

/// `PATCH /api/v1/tickets/{id}`; `assigneeId` / `inboxId` null clears them, absent leaves them.
struct UpdateTicketRequest: StrictContent {
    static let allowedFields: Set<String> = ["subject", "type", "status", "urgency", "priority", "inboxId", "assigneeId", "tags", "fields"]
    var subject: String?
    var type: String?
    var status: String?
    var urgency: String?
    var priority: String?
    var inboxId: UUID??
    var assigneeId: UUID??
    var tags: [String]?
    var fields: [String: String]?

    enum CodingKeys: String, CodingKey { case subject, type, status, urgency, priority, inboxId, assigneeId, tags, fields }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        urgency = try c.decodeIfPresent(String.self, forKey: .urgency)
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        if c.contains(.inboxId) { inboxId = .some(try c.decodeIfPresent(UUID.self, forKey: .inboxId)) }
        if c.contains(.assigneeId) { assigneeId = .some(try c.decodeIfPresent(UUID.self, forKey: .assigneeId)) }
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        fields = try c.decodeIfPresent([String: String].self, forKey: .fields)
    }
}

/// `POST /api/v1/tickets/{id}/entries`: a private note or a public reply.
struct TicketCommentRequest: StrictContent {
    static let allowedFields: Set<String> = ["kind", "text", "status"]
    var kind: String
    var text: String
    /// The status to leave the ticket in after a reply ("pending": waiting on the customer).
    var status: String?
}

/// `POST /api/v1/tickets/{id}/links`: a conversation or an order (by the platform's id).
struct TicketLinkRequest: StrictContent {
    static let allowedFields: Set<String> = ["conversationId", "orderId"]
    var conversationId: UUID?
    var orderId: String?
}

/// `POST /api/v1/tickets/bulk`: the same change on many tickets.
struct BulkTicketRequest: StrictContent {
    static let allowedFields: Set<String> = ["ids", "status", "assigneeId", "priority", "addTags", "removeTags"]
    var ids: [UUID]
    var status: String?
    var assigneeId: UUID??
    var priority: String?
    var addTags: [String]?
    var removeTags: [String]?

    enum CodingKeys: String, CodingKey { case ids, status, assigneeId, priority, addTags, removeTags }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ids = try c.decode([UUID].self, forKey: .ids)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        if c.contains(.assigneeId) { assigneeId = .some(try c.decodeIfPresent(UUID.self, forKey: .assigneeId)) }
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        addTags = try c.decodeIfPresent([String].self, forKey: .addTags)
        removeTags = try c.decodeIfPresent([String].self, forKey: .removeTags)
    }
}

struct BulkTicketResultDTO: Content {
    struct Item: Content {
        var id: UUID
        var ok: Bool
        var error: String?
        var field: String?
    }
    var results: [Item]
}

/// A person or a token as tickets show them.
struct TicketPersonDTO: Content {
    var id: UUID
    var name: String
}

/// A ticket in a list.
struct TicketSummaryDTO: Content {
    var id: UUID
    var number: String
    var subject: String
    var type: String
    var source: TicketSource
    var status: TicketStatus
    var urgency: TicketUrgency
    var priority: TicketPriority
    var contact: TicketPersonDTO?
    var inboxId: UUID?
    var assignee: TicketPersonDTO?
    var tags: [String]
    var createdAt: Date
    var updatedAt: Date
}

struct TicketEntryDTO: Content {
    var id: UUID
    var kind: TicketEntryKind
    var authorType: String
    var author: TicketPersonDTO?
    var text: String
    var changes: [TicketFieldChange]?
    var messageId: UUID?
    /// Pictures sent with the entry (a form's).
    var attachments: [AttachmentDTO]
    var createdAt: Date
}

struct TicketLinkDTO: Content {
    var conversationId: UUID?
    var order: TicketOrderDTO?
    var createdAt: Date
}

struct TicketOrderDTO: Content {
    var id: UUID
    var externalId: String
    var number: String
    var status: String
    var total: Int64
    var currency: String
}

/// A ticket with its timeline and links.
struct TicketDTO: Content {
    var id: UUID
    var number: String
    var subject: String
    var type: String
    var source: TicketSource
    var status: TicketStatus
    var nextStatuses: [TicketStatus]
    var urgency: TicketUrgency
    var priority: TicketPriority
    var contact: TicketPersonDTO?
    var inboxId: UUID?
    var assignee: TicketPersonDTO?
    var tags: [String]
    var fields: [String: String]
    var createdAt: Date
    var updatedAt: Date
    var firstReplyAt: Date?
    var solvedAt: Date?
    var closedAt: Date?
    var links: [TicketLinkDTO]
    var entries: [TicketEntryDTO]
}

struct TicketPageDTO: Content {
    var items: [TicketSummaryDTO]
    /// Pass as `cursor` for the next page; absent on the last page.
    var nextCursor: String?
    /// How many tickets match (all pages).
    var total: Int
}

/// `GET /api/v1/conversations/{id}/ticket-draft`: what a ticket made from the chat would carry,
/// with the proposed classification and the words that led to it.
struct TicketDraftDTO: Content {
    var subject: String
    var type: String
    var urgency: TicketUrgency
    var priority: TicketPriority
    var cues: [String]
    var contactId: UUID
    var inboxId: UUID
    var orderIds: [String]
    /// Tickets already linked to the conversation.
    var existing: [TicketSummaryDTO]
}

struct TicketTypeDTO: Content {
    var key: String
    /// A shop's own type carries its label; built-in ones are labelled by the catalogues.
    var label: String?
    var builtIn: Bool
}

/// `GET/PUT /api/v1/ticket-settings`.
struct TicketSettingsDTO: Content {
    var types: [TicketTypeDTO]
    var fields: [TicketFieldDefinition]
    var autoCloseDays: Int
}

struct TicketSettingsInput: StrictContent {
    static let allowedFields: Set<String> = ["types", "fields", "autoCloseDays"]
    var types: [TicketTypeDTO]?
    var fields: [TicketFieldDefinition]?
    var autoCloseDays: Int?
}
