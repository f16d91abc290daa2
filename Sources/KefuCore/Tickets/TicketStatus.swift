/// Where a ticket stands (Zendesk's lifecycle, which every helpdesk team knows):
/// new → open → pending (waiting on the customer) / on hold (waiting on a third party, e.g. the
/// courier or the platform) → solved → closed. A solved ticket reopens; a closed one is final
/// (a new question becomes a follow-up ticket).
public enum TicketStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case new
    case open
    case pending
    case onHold = "on_hold"
    case solved
    case closed

    /// Counts as work to do (views "open", overdue, the customer's open tickets).
    public var isActive: Bool { self != .solved && self != .closed }

    /// The statuses this one may move to by hand or by the API.
    public var next: [TicketStatus] {
        switch self {
        case .new: [.open, .pending, .onHold, .solved]
        case .open: [.pending, .onHold, .solved]
        case .pending: [.open, .onHold, .solved]
        case .onHold: [.open, .pending, .solved]
        case .solved: [.open, .closed]
        case .closed: []
        }
    }

    /// Checks a move; the same status is no move. Throws `.conflict` (code
    /// "transition_not_allowed", field "status") naming what is allowed.
    public func check(to target: TicketStatus) throws(DomainError) {
        guard target != self, !next.contains(target) else { return }
        let tail = next.isEmpty ? "\(rawValue) is final" : "allowed next: " + next.map(\.rawValue).joined(separator: ", ")
        throw DomainError(.conflict, code: "transition_not_allowed",
                          message: "a ticket that is \(rawValue) cannot become \(target.rawValue); " + tail, field: "status")
    }

    /// The status after the team answers the customer publicly: a new ticket is being worked
    /// on, so it opens; everything else stays as the agent set it.
    public var afterTeamReply: TicketStatus { self == .new ? .open : self }

    /// The status after the customer writes again (in a linked conversation or a reply): a
    /// ticket waiting on them, or already solved, needs the team again.
    public var afterCustomerReply: TicketStatus {
        switch self {
        case .pending, .solved: .open
        default: self
        }
    }
}

/// How the ticket reached the shop.
public enum TicketSource: String, Codable, Hashable, Sendable, CaseIterable {
    case chat, form, email, phone, social, api
}

/// 紧急 / 一般: how soon the customer needs an answer (seed 004 §4.1, 问题的紧急程度).
public enum TicketUrgency: String, Codable, Hashable, Sendable, CaseIterable {
    case urgent, normal
}

/// The team's own ordering of work.
public enum TicketPriority: String, Codable, Hashable, Sendable, CaseIterable {
    case low, normal, high, urgent

    public var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }
}

/// What a timeline entry of a ticket is.
public enum TicketEntryKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A private note among the team.
    case note
    /// A public answer to the customer (also sent into the linked conversation).
    case reply
    /// The customer wrote (a message in a linked conversation, a form's text).
    case customer
    /// A field changed (status, assignee, type …): `changes` says which.
    case change
    /// A conversation or an order was linked.
    case link
    /// An after-sale case of the ticket moved, or a step of the complaint procedure was done.
    case afterSale = "case"
    /// A compensation was proposed, decided or reversed.
    case compensation
}
