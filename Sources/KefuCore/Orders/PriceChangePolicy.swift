import Foundation

/// How far each role may lower a price on its own before payment (改价).
///
/// JSON: `{"maxDiscountPercent":{"agent":10,"supervisor":30,"admin":100,"owner":100},
/// "maxShippingDiscountPercent":{"agent":100},"rolesAllowedToRaise":["supervisor","admin","owner"]}`
/// (only `maxDiscountPercent` is required).
public struct PriceChangeLimits: Codable, Sendable, Hashable {
    /// The largest discount on a unit price, in percent of the original (0...100), by role
    /// name ("agent", "supervisor", "admin", "owner"). A role left out may give none.
    public var maxDiscountPercent: [String: Int]
    /// The same for the shipping fee; a role left out here uses its ``maxDiscountPercent``.
    /// Free shipping (包邮) is a 100 % discount.
    public var maxShippingDiscountPercent: [String: Int]
    /// Roles that may raise a price or fee without approval; for the others a raise needs it.
    public var rolesAllowedToRaise: Set<String>

    public init(maxDiscountPercent: [String: Int], maxShippingDiscountPercent: [String: Int] = [:],
                rolesAllowedToRaise: Set<String> = ["supervisor", "admin", "owner"]) {
        self.maxDiscountPercent = maxDiscountPercent
        self.maxShippingDiscountPercent = maxShippingDiscountPercent
        self.rolesAllowedToRaise = rolesAllowedToRaise
    }

    /// Agents 10 %, supervisors 30 %, admins and owners anything; the same for shipping.
    /// Agents up to 10 % off on their own; supervisors 30 % off prices and any shipping fee
    /// (包邮, free shipping, is the most common concession); admins and owners anything.
    public static let standard = PriceChangeLimits(maxDiscountPercent: ["agent": 10, "supervisor": 30, "admin": 100, "owner": 100],
                                                   maxShippingDiscountPercent: ["agent": 10, "supervisor": 100, "admin": 100, "owner": 100])

    enum CodingKeys: String, CodingKey { case maxDiscountPercent, maxShippingDiscountPercent, rolesAllowedToRaise }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxDiscountPercent = try c.decode([String: Int].self, forKey: .maxDiscountPercent)
        maxShippingDiscountPercent = try c.decodeIfPresent([String: Int].self, forKey: .maxShippingDiscountPercent) ?? [:]
        rolesAllowedToRaise = try c.decodeIfPresent(Set<String>.self, forKey: .rolesAllowedToRaise) ?? ["supervisor", "admin", "owner"]
    }

    /// Throws `.invalid` (field "priceChangeLimits") naming an unknown role or a percentage
    /// outside 0...100.
    public func validate() throws(DomainError) {
        func fail(_ message: String) -> DomainError { .invalid("priceChangeLimits", "priceChangeLimits." + message) }
        let roles = Role.allCases.map(\.rawValue)
        for (name, map) in [("maxDiscountPercent", maxDiscountPercent), ("maxShippingDiscountPercent", maxShippingDiscountPercent)] {
            for role in map.keys.sorted() {
                guard roles.contains(role) else { throw fail("\(name): unknown role '\(role)'; use \(roles.joined(separator: ", "))") }
                guard let percent = map[role], (0...100).contains(percent) else {
                    throw fail("\(name).\(role) must be between 0 and 100, got \(map[role] ?? 0)")
                }
            }
        }
        for role in rolesAllowedToRaise.sorted() where !roles.contains(role) {
            throw fail("rolesAllowedToRaise: unknown role '\(role)'; use \(roles.joined(separator: ", "))")
        }
    }

    /// The largest discount `role` may give on its own on `target`, in percent.
    public func limit(for role: String, on target: PriceChangeTarget) -> Int {
        let own = target == .shippingFee ? maxShippingDiscountPercent[role] ?? maxDiscountPercent[role] : maxDiscountPercent[role]
        return min(max(own ?? 0, 0), 100)
    }
}

/// What a price change is about.
public enum PriceChangeTarget: String, Codable, Sendable {
    case unitPrice = "unit_price"
    case shippingFee = "shipping_fee"

    var label: String { self == .unitPrice ? "unit price" : "shipping fee" }
}

/// The answer to a price change request.
public enum PriceChangeDecision: Equatable, Sendable {
    /// The requester may make the change.
    case allowed
    /// Over the requester's limit: a role with a higher limit must approve. The text says
    /// why and who may approve.
    case needsApproval(String)
    /// Not possible at all (paid order, negative price, no reason, …).
    case refused(DomainError)
}

/// The rule for changing a unit price or the shipping fee of an order before payment.
///
/// - Only while the order ``OrderStatus/isBeforePayment``.
/// - The new amount is in the original's currency, not negative, and a reason is given.
/// - Lowering: the discount, (original − new) ÷ original in percent **rounded up** (9.01 %
///   counts as 10 %, so anything above a limit is caught), is allowed up to the role's limit
///   (``PriceChangeLimits/limit(for:on:)``); above it the change needs approval. Lowering to
///   zero (free shipping, a free gift) is 100 %.
/// - Raising needs approval unless the role is in ``PriceChangeLimits/rolesAllowedToRaise``.
/// - Leaving the amount as it is is allowed.
///
/// An approver is anyone for whom ``decide(original:new:role:limits:orderStatus:target:reason:)``
/// answers `.allowed`; the approval text names those roles.
public enum PriceChangePolicy {
    public static let maxReasonLength = 200

    /// (original − new) ÷ original in percent, rounded up; 0 when `new` is not lower, 100 when
    /// it is zero. Both amounts must be in one currency and not negative.
    public static func discountPercent(original: Money, new: Money) -> Int {
        guard new.minor < original.minor, original.minor > 0 else { return 0 }
        let cut = original.minor - max(new.minor, 0)
        // cut ≤ original, so the quotient is at most 100: no overflow with a full-width product.
        let (quotient, remainder) = original.minor.dividingFullWidth(cut.multipliedFullWidth(by: 100))
        return Int(quotient) + (remainder > 0 ? 1 : 0)
    }

    /// Whether `role` may change `target` from `original` to `new`; see the type.
    public static func decide(original: Money, new: Money, role: String, limits: PriceChangeLimits,
                              orderStatus: OrderStatus, target: PriceChangeTarget = .unitPrice,
                              reason: String) -> PriceChangeDecision {
        let field = target == .unitPrice ? "unitPrice" : "shippingFee"
        guard orderStatus.isBeforePayment else {
            return .refused(.conflict("status", "the \(target.label) can only change before payment; this order is \(orderStatus.rawValue)"))
        }
        guard new.currency == original.currency else {
            return .refused(DomainError(.invalid, code: "currency_mismatch",
                                        message: "the new \(target.label) is in \(new.currency) but the order is in \(original.currency)", field: field))
        }
        guard !new.isNegative, !original.isNegative else {
            return .refused(.invalid(field, "the \(target.label) must not be negative, got \(new.isNegative ? new : original)"))
        }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .refused(.invalid("reason", "say why the \(target.label) changes")) }
        guard trimmed.count <= maxReasonLength else {
            return .refused(.invalid("reason", "reason is longer than \(maxReasonLength) characters"))
        }
        if new == original { return .allowed }
        if new > original {
            if limits.rolesAllowedToRaise.contains(role) { return .allowed }
            let approvers = sortedRoles(limits.rolesAllowedToRaise)
            guard !approvers.isEmpty else {
                return .refused(.forbidden("no role may raise the \(target.label)"))
            }
            return .needsApproval("raising the \(target.label) from \(original) to \(new) needs approval by \(list(approvers))")
        }
        let percent = discountPercent(original: original, new: new)
        let own = limits.limit(for: role, on: target)
        if percent <= own { return .allowed }
        let approvers = sortedRoles(Set(Role.allCases.map(\.rawValue)).filter { limits.limit(for: $0, on: target) >= percent })
        guard !approvers.isEmpty else {
            return .refused(.forbidden("a discount of \(percent)% on the \(target.label) is above every role's limit"))
        }
        return .needsApproval("a discount of \(percent)% on the \(target.label) is above the \(role) limit of \(own)%; needs approval by \(list(approvers))")
    }

    /// Role names lowest first (agent … owner), unknown names after them alphabetically.
    static func sortedRoles(_ names: Set<String>) -> [String] {
        names.sorted { a, b in
            switch (Role(rawValue: a), Role(rawValue: b)) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }
    }

    /// "a supervisor", "a supervisor or an admin", "a supervisor, an admin or an owner".
    static func list(_ roles: [String]) -> String {
        let named = roles.map { ($0.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + $0 }
        guard named.count > 1 else { return named.first ?? "" }
        return named.dropLast().joined(separator: ", ") + " or " + named[named.count - 1]
    }
}
