/// Where an order is in its life. The allowed moves:
///
///     created           → unpaid | cancelled
///     unpaid            → paid | cancelled
///     paid              → shipped | refund_requested
///     shipped           → delivered | return_requested | refund_requested
///     delivered         → completed | return_requested | refund_requested
///     refund_requested  → refunded | back to paid, shipped or delivered (refund rejected)
///     return_requested  → returned | back to shipped or delivered (return rejected)
///     completed, cancelled, refunded, returned: final
///
/// A paid order is not cancelled directly: the money has to go back, so it goes through
/// refund_requested → refunded. A rejected request returns the order to the status it had
/// when the request was made, and only to that one; the caller keeps that status (see
/// ``transition(to:statusBeforeRequest:)``).
public enum OrderStatus: String, Codable, CaseIterable, Sendable {
    /// Being put together in the conversation; not yet shown to the buyer as payable.
    case created
    /// Placed, waiting for payment.
    case unpaid
    case paid
    case shipped
    case delivered
    case completed
    case cancelled
    case refundRequested = "refund_requested"
    case refunded
    case returnRequested = "return_requested"
    case returned

    /// The statuses this one may move to (see the type's graph).
    public var allowedNext: Set<OrderStatus> { Set(nextInOrder) }

    /// ``allowedNext`` in the order messages list them.
    var nextInOrder: [OrderStatus] {
        switch self {
        case .created: [.unpaid, .cancelled]
        case .unpaid: [.paid, .cancelled]
        case .paid: [.shipped, .refundRequested]
        case .shipped: [.delivered, .returnRequested, .refundRequested]
        case .delivered: [.completed, .returnRequested, .refundRequested]
        case .refundRequested: [.refunded, .paid, .shipped, .delivered]
        case .returnRequested: [.returned, .shipped, .delivered]
        case .completed, .cancelled, .refunded, .returned: []
        }
    }

    /// Created or unpaid: prices may still change and payment reminders apply.
    public var isBeforePayment: Bool { self == .created || self == .unpaid }

    /// Completed, cancelled, refunded or returned: nothing follows.
    public var isFinal: Bool { nextInOrder.isEmpty }

    /// refund_requested or return_requested: waiting for the shop to accept or reject.
    public var isRequest: Bool { self == .refundRequested || self == .returnRequested }

    /// The status `self` moves to when its request is accepted (refunded, returned).
    var requestOutcome: OrderStatus? {
        switch self {
        case .refundRequested: .refunded
        case .returnRequested: .returned
        default: nil
        }
    }

    /// Checks the move to `next` and returns `next`. Throws `.conflict` (code
    /// "status_transition", field "status") with a message naming the allowed statuses, e.g.
    /// "an order that is shipped cannot become unpaid; allowed: delivered, return_requested,
    /// refund_requested".
    ///
    /// Rejecting a request (refund_requested or return_requested back to an earlier status)
    /// needs `statusBeforeRequest`, the status the order had when the request was made, and
    /// `next` must be that status.
    public func transition(to next: OrderStatus, statusBeforeRequest: OrderStatus? = nil) throws(DomainError) -> OrderStatus {
        func refuse(_ message: String) -> DomainError {
            DomainError(.conflict, code: "status_transition", message: message, field: "status")
        }
        guard next != self else { throw refuse("the order is already \(rawValue)") }
        guard !isFinal else { throw refuse("an order that is \(rawValue) cannot become \(next.rawValue); \(rawValue) is final") }
        guard allowedNext.contains(next) else {
            let allowed = nextInOrder.map(\.rawValue).joined(separator: ", ")
            throw refuse("an order that is \(rawValue) cannot become \(next.rawValue); allowed: \(allowed)")
        }
        if isRequest, next != requestOutcome {
            let what = self == .refundRequested ? "refund" : "return"
            guard let before = statusBeforeRequest else {
                throw refuse("rejecting a \(what) request returns the order to the status it had before the request; that status is not known")
            }
            guard before == next else {
                throw refuse("a \(what) requested while the order was \(before.rawValue) can only be rejected back to \(before.rawValue), not \(next.rawValue)")
            }
        }
        return next
    }
}
