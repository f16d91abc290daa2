/// The rules for applying a platform's update (`PUT /api/v1/orders/{externalId}`) to a
/// stored order: which status moves are allowed, and when the money may still change.
public enum OrderTransition {
    /// The status to store after the platform asked for `requested`, and the status before a
    /// refund or return request to store with it.
    ///
    /// - `current` nil (a new order): any status is accepted; `statusBeforeRequest` is nil
    ///   (not known for an order that arrives already in a request).
    /// - `requested == current`: nothing changes; the given `statusBeforeRequest` is kept.
    /// - otherwise the move must be allowed by ``OrderStatus/transition(to:statusBeforeRequest:)``.
    ///   Entering refund_requested or return_requested returns `current` as the status before
    ///   the request; every other move returns nil. Rejecting a request goes back to
    ///   `statusBeforeRequest` only; when that is not known (nil), any status the graph allows
    ///   after the request is accepted, as the platform is the one that knows.
    ///
    /// A refused move throws `.conflict` (code "transition_not_allowed", field "status"):
    /// "an order that is shipped cannot become unpaid; allowed next: delivered,
    /// refund_requested, return_requested" (the allowed statuses sorted by name), or
    /// "…; completed is final".
    public static func check(current: OrderStatus?, statusBeforeRequest: OrderStatus?,
                             requested: OrderStatus) throws(DomainError) -> (status: OrderStatus, statusBeforeRequest: OrderStatus?) {
        guard let current else { return (requested, nil) }
        guard requested != current else { return (current, statusBeforeRequest) }
        let before = current.isRequest ? statusBeforeRequest ?? requested : statusBeforeRequest
        do {
            _ = try current.transition(to: requested, statusBeforeRequest: before)
        } catch {
            let start = "an order that is \(current.rawValue) cannot become \(requested.rawValue); "
            let allowed = allowedNext(current, statusBeforeRequest: statusBeforeRequest).map(\.rawValue).sorted()
            throw DomainError(.conflict, code: "transition_not_allowed",
                              message: start + (allowed.isEmpty ? "\(current.rawValue) is final" : "allowed next: " + allowed.joined(separator: ", ")),
                              field: "status")
        }
        return (requested, requested.isRequest ? current : nil)
    }

    /// The statuses `current` may move to, given the status before its request (for a
    /// request: the outcome and, when known, that status; when not known, every rejection
    /// the graph allows).
    public static func allowedNext(_ current: OrderStatus, statusBeforeRequest: OrderStatus?) -> [OrderStatus] {
        guard current.isRequest, let before = statusBeforeRequest else { return current.nextInOrder }
        return current.nextInOrder.filter { $0 == current.requestOutcome || $0 == before }
    }

    /// Checks that the money of an order in status `current` may go from `old` to `new`:
    /// the skus, quantities and unit prices of the lines (in order), the shipping fee and the
    /// discount may change only before payment (created, unpaid). Titles may always change.
    /// Throws `.conflict` (code "amounts_locked", field "lines", "shippingFee" or "discount",
    /// the first that differs): "the order is paid; its lines, shipping fee and discount can
    /// change only while it is created or unpaid (the lines differ)".
    public static func checkAmountsChange(current: OrderStatus, old: OrderAmounts, new: OrderAmounts) throws(DomainError) {
        guard !current.isBeforePayment else { return }
        func money(_ lines: [OrderLine]) -> [String] {
            lines.map { "\($0.sku)\u{0}\($0.quantity)\u{0}\($0.unitPrice.minor)\u{0}\($0.unitPrice.currency)" }
        }
        let changed: (field: String, label: String)? =
            money(old.lines) != money(new.lines) ? ("lines", "the lines differ")
            : old.shippingFee != new.shippingFee ? ("shippingFee", "the shipping fee differs: \(old.shippingFee) → \(new.shippingFee)")
            : old.discount != new.discount ? ("discount", "the discount differs: \(old.discount) → \(new.discount)")
            : nil
        guard let changed else { return }
        throw DomainError(.conflict, code: "amounts_locked",
                          message: "the order is \(current.rawValue); its lines, shipping fee and discount can change only while it is created or unpaid (\(changed.label))",
                          field: changed.field)
    }
}
