import Foundation

/// The stable name of each kind of domain event (the outbox's `kind` column, the event
/// catalogue in docs/architecture.md, webhook and automation triggers).
public enum EventKind: String, Codable, Hashable, Sendable, CaseIterable {
    case conversationOpened = "conversation.opened"
    case messageCreated = "message.created"
    case statusChanged = "conversation.status_changed"
    case assigneeChanged = "conversation.assignee_changed"
    case inboxChanged = "conversation.inbox_changed"
    case queued = "conversation.queued"
    case firstHumanReply = "conversation.first_human_reply"
    case botHandedOver = "conversation.bot_handover"
    case merged = "conversation.merged"
    case attributesChanged = "conversation.attributes_changed"
    case orderUpdated = "order.updated"
    case orderPaid = "order.paid"
    case priceChanged = "order.price_changed"
    case reminderSent = "order.reminder_sent"
    case ticketCreated = "ticket.created"
    case ticketUpdated = "ticket.updated"
    case ticketCommented = "ticket.commented"
    case caseUpdated = "case.updated"
    case compensationApproved = "compensation.approved"
    case slaWarned = "sla.warned"
    case slaBreached = "sla.breached"
    case calendarUpdated = "calendar.updated"
}

/// What happened: one case per kind, each with its facts.
public enum Fact: Hashable, Sendable {
    case conversationOpened(ConversationOpened)
    case messageCreated(MessageCreated)
    case statusChanged(StatusChanged)
    case assigneeChanged(AssigneeChanged)
    case inboxChanged(InboxChanged)
    case queued(Queued)
    case firstHumanReply(FirstHumanReply)
    case botHandedOver(BotHandedOver)
    case merged(ConversationMerged)
    case attributesChanged(AttributesChanged)
    case orderUpdated(OrderUpdated)
    case orderPaid(OrderPaid)
    case priceChanged(PriceChanged)
    case reminderSent(ReminderSent)
    case ticketCreated(TicketCreated)
    case ticketUpdated(TicketUpdated)
    case ticketCommented(TicketCommented)
    case caseUpdated(CaseUpdated)
    case compensationApproved(CompensationApproved)
    case slaWarned(SLAAlert)
    case slaBreached(SLAAlert)
    case calendarUpdated(CalendarUpdated)

    public var kind: EventKind {
        switch self {
        case .conversationOpened: .conversationOpened
        case .messageCreated: .messageCreated
        case .statusChanged: .statusChanged
        case .assigneeChanged: .assigneeChanged
        case .inboxChanged: .inboxChanged
        case .queued: .queued
        case .firstHumanReply: .firstHumanReply
        case .botHandedOver: .botHandedOver
        case .merged: .merged
        case .attributesChanged: .attributesChanged
        case .orderUpdated: .orderUpdated
        case .orderPaid: .orderPaid
        case .priceChanged: .priceChanged
        case .reminderSent: .reminderSent
        case .ticketCreated: .ticketCreated
        case .ticketUpdated: .ticketUpdated
        case .ticketCommented: .ticketCommented
        case .caseUpdated: .caseUpdated
        case .compensationApproved: .compensationApproved
        case .slaWarned: .slaWarned
        case .slaBreached: .slaBreached
        case .calendarUpdated: .calendarUpdated
        }
    }

    /// The conversation the event is about, after it.
    public var conversation: ConversationSnapshot? {
        switch self {
        case .conversationOpened(let f): f.conversation
        case .messageCreated(let f): f.conversation
        case .statusChanged(let f): f.conversation
        case .assigneeChanged(let f): f.conversation
        case .inboxChanged(let f): f.conversation
        case .queued(let f): f.conversation
        case .firstHumanReply(let f): f.conversation
        case .botHandedOver(let f): f.conversation
        case .merged(let f): f.conversation
        case .attributesChanged(let f): f.conversation
        case .orderUpdated, .orderPaid, .priceChanged, .reminderSent, .ticketCreated, .ticketUpdated, .ticketCommented, .caseUpdated,
             .compensationApproved, .slaWarned, .slaBreached, .calendarUpdated: nil
        }
    }

    /// The order the event is about, after it.
    public var order: OrderSnapshot? {
        switch self {
        case .orderUpdated(let f): f.order
        case .orderPaid(let f): f.order
        case .priceChanged(let f): f.order
        case .reminderSent(let f): f.order
        default: nil
        }
    }

    /// The ticket the event is about, after it.
    public var ticket: TicketSnapshot? {
        switch self {
        case .ticketCreated(let f): f.ticket
        case .ticketUpdated(let f): f.ticket
        case .ticketCommented(let f): f.ticket
        default: nil
        }
    }

    /// The same fact about the conversation as it stands later (several facts of one
    /// operation all carry the final state).
    public func with(_ snapshot: ConversationSnapshot) -> Fact {
        switch self {
        case .conversationOpened(var f): f.conversation = snapshot; return .conversationOpened(f)
        case .messageCreated(var f): f.conversation = snapshot; return .messageCreated(f)
        case .statusChanged(var f): f.conversation = snapshot; return .statusChanged(f)
        case .assigneeChanged(var f): f.conversation = snapshot; return .assigneeChanged(f)
        case .inboxChanged(var f): f.conversation = snapshot; return .inboxChanged(f)
        case .queued(var f): f.conversation = snapshot; return .queued(f)
        case .firstHumanReply(var f): f.conversation = snapshot; return .firstHumanReply(f)
        case .botHandedOver(var f): f.conversation = snapshot; return .botHandedOver(f)
        case .merged(var f): f.conversation = snapshot; return .merged(f)
        case .attributesChanged(var f): f.conversation = snapshot; return .attributesChanged(f)
        case .orderUpdated, .orderPaid, .priceChanged, .reminderSent, .ticketCreated, .ticketUpdated, .ticketCommented, .caseUpdated,
             .compensationApproved, .slaWarned, .slaBreached, .calendarUpdated: return self
        }
    }
}

/// One fact with who caused it, when, in which shop. Written to the event outbox in the
/// transaction of the change it describes, then handed to the listeners after commit.
public struct DomainEvent: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var accountID: UUID
    public var occurredAt: Date
    public var actor: EventActor
    public var fact: Fact

    public init(id: UUID, accountID: UUID, occurredAt: Date, actor: EventActor, fact: Fact) {
        self.id = id
        self.accountID = accountID
        self.occurredAt = occurredAt
        self.actor = actor
        self.fact = fact
    }

    public var kind: EventKind { fact.kind }
}

extension DomainEvent: Codable {
    private enum Keys: String, CodingKey { case id, accountId, occurredAt, actor, kind, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        id = try c.decode(UUID.self, forKey: .id)
        accountID = try c.decode(UUID.self, forKey: .accountId)
        occurredAt = try c.decode(Date.self, forKey: .occurredAt)
        actor = try c.decode(EventActor.self, forKey: .actor)
        switch try c.decode(EventKind.self, forKey: .kind) {
        case .conversationOpened: fact = .conversationOpened(try c.decode(ConversationOpened.self, forKey: .data))
        case .messageCreated: fact = .messageCreated(try c.decode(MessageCreated.self, forKey: .data))
        case .statusChanged: fact = .statusChanged(try c.decode(StatusChanged.self, forKey: .data))
        case .assigneeChanged: fact = .assigneeChanged(try c.decode(AssigneeChanged.self, forKey: .data))
        case .inboxChanged: fact = .inboxChanged(try c.decode(InboxChanged.self, forKey: .data))
        case .queued: fact = .queued(try c.decode(Queued.self, forKey: .data))
        case .firstHumanReply: fact = .firstHumanReply(try c.decode(FirstHumanReply.self, forKey: .data))
        case .botHandedOver: fact = .botHandedOver(try c.decode(BotHandedOver.self, forKey: .data))
        case .merged: fact = .merged(try c.decode(ConversationMerged.self, forKey: .data))
        case .attributesChanged: fact = .attributesChanged(try c.decode(AttributesChanged.self, forKey: .data))
        case .orderUpdated: fact = .orderUpdated(try c.decode(OrderUpdated.self, forKey: .data))
        case .orderPaid: fact = .orderPaid(try c.decode(OrderPaid.self, forKey: .data))
        case .priceChanged: fact = .priceChanged(try c.decode(PriceChanged.self, forKey: .data))
        case .reminderSent: fact = .reminderSent(try c.decode(ReminderSent.self, forKey: .data))
        case .ticketCreated: fact = .ticketCreated(try c.decode(TicketCreated.self, forKey: .data))
        case .ticketUpdated: fact = .ticketUpdated(try c.decode(TicketUpdated.self, forKey: .data))
        case .ticketCommented: fact = .ticketCommented(try c.decode(TicketCommented.self, forKey: .data))
        case .caseUpdated: fact = .caseUpdated(try c.decode(CaseUpdated.self, forKey: .data))
        case .compensationApproved: fact = .compensationApproved(try c.decode(CompensationApproved.self, forKey: .data))
        case .slaWarned: fact = .slaWarned(try c.decode(SLAAlert.self, forKey: .data))
        case .slaBreached: fact = .slaBreached(try c.decode(SLAAlert.self, forKey: .data))
        case .calendarUpdated: fact = .calendarUpdated(try c.decode(CalendarUpdated.self, forKey: .data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(accountID, forKey: .accountId)
        try c.encode(occurredAt, forKey: .occurredAt)
        try c.encode(actor, forKey: .actor)
        try c.encode(kind, forKey: .kind)
        switch fact {
        case .conversationOpened(let f): try c.encode(f, forKey: .data)
        case .messageCreated(let f): try c.encode(f, forKey: .data)
        case .statusChanged(let f): try c.encode(f, forKey: .data)
        case .assigneeChanged(let f): try c.encode(f, forKey: .data)
        case .inboxChanged(let f): try c.encode(f, forKey: .data)
        case .queued(let f): try c.encode(f, forKey: .data)
        case .firstHumanReply(let f): try c.encode(f, forKey: .data)
        case .botHandedOver(let f): try c.encode(f, forKey: .data)
        case .merged(let f): try c.encode(f, forKey: .data)
        case .attributesChanged(let f): try c.encode(f, forKey: .data)
        case .orderUpdated(let f): try c.encode(f, forKey: .data)
        case .orderPaid(let f): try c.encode(f, forKey: .data)
        case .priceChanged(let f): try c.encode(f, forKey: .data)
        case .reminderSent(let f): try c.encode(f, forKey: .data)
        case .ticketCreated(let f): try c.encode(f, forKey: .data)
        case .ticketUpdated(let f): try c.encode(f, forKey: .data)
        case .ticketCommented(let f): try c.encode(f, forKey: .data)
        case .caseUpdated(let f): try c.encode(f, forKey: .data)
        case .compensationApproved(let f): try c.encode(f, forKey: .data)
        case .slaWarned(let f): try c.encode(f, forKey: .data)
        case .slaBreached(let f): try c.encode(f, forKey: .data)
        case .calendarUpdated(let f): try c.encode(f, forKey: .data)
        }
    }
}
