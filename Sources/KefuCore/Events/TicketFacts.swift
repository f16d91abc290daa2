import Foundation

/// A ticket as it stands right after an event.
public struct TicketSnapshot: Codable, Hashable, Sendable {
    public var id: UUID
    public var number: String
    public var subject: String
    public var type: String
    public var source: TicketSource
    public var status: TicketStatus
    public var urgency: TicketUrgency
    public var priority: TicketPriority
    public var contactID: UUID?
    public var inboxID: UUID?
    public var assigneeID: UUID?

    public init(id: UUID, number: String, subject: String, type: String, source: TicketSource, status: TicketStatus,
                urgency: TicketUrgency, priority: TicketPriority, contactID: UUID?, inboxID: UUID?, assigneeID: UUID?) {
        self.id = id
        self.number = number
        self.subject = subject
        self.type = type
        self.source = source
        self.status = status
        self.urgency = urgency
        self.priority = priority
        self.contactID = contactID
        self.inboxID = inboxID
        self.assigneeID = assigneeID
    }
}

/// One field of a ticket that changed, as text (ids as their uuid, lists joined by ", ").
public struct TicketFieldChange: Codable, Hashable, Sendable {
    public var field: String
    public var from: String?
    public var to: String?
    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}

/// A ticket was filed.
public struct TicketCreated: Codable, Hashable, Sendable {
    public var ticket: TicketSnapshot
    /// The conversation it was made from, if any.
    public var conversationID: UUID?
    public init(ticket: TicketSnapshot, conversationID: UUID?) {
        self.ticket = ticket
        self.conversationID = conversationID
    }
}

/// Fields of a ticket changed (status, assignee, type, priority, tags, custom fields, links …).
public struct TicketUpdated: Codable, Hashable, Sendable {
    public var ticket: TicketSnapshot
    public var changes: [TicketFieldChange]
    public init(ticket: TicketSnapshot, changes: [TicketFieldChange]) {
        self.ticket = ticket
        self.changes = changes
    }
    public func change(_ field: String) -> TicketFieldChange? { changes.first { $0.field == field } }
}

/// A note, a public reply or the customer's words were added to a ticket's timeline.
public struct TicketCommented: Codable, Hashable, Sendable {
    public var ticket: TicketSnapshot
    public var entryID: UUID
    public var kind: TicketEntryKind
    public var text: String
    public init(ticket: TicketSnapshot, entryID: UUID, kind: TicketEntryKind, text: String) {
        self.ticket = ticket
        self.entryID = entryID
        self.kind = kind
        self.text = text
    }
}
