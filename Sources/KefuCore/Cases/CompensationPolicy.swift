import Foundation

/// What is given to make good (补偿): refunds, coupons, cash, a resend, a gift.
public enum CompensationKind: String, Codable, Hashable, Sendable, CaseIterable {
    case refund                               // 退款 (the whole line or order)
    case partialRefund = "partial_refund"     // 部分退款
    case coupon                               // 优惠券
    case cash                                 // 现金补偿 (红包)
    case resend                               // 补发 (the goods' value)
    case gift                                 // 赠品

    /// Money that leaves the shop against the order's paid amount.
    public var countsAgainstOrder: Bool { self == .refund || self == .partialRefund || self == .cash }
}

/// Where a ledger entry stands. Amounts never change: a mistake is undone by a reversal, a new
/// entry of the opposite sign.
public enum CompensationStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case pending, approved, rejected
}

/// How much each role may grant on its own, per shop: an amount (minor units) and a share of the
/// order's paid amount, whichever is lower; above it a role whose limit covers it approves.
///
/// JSON: `{"maxAmount":{"agent":2000,"supervisor":20000},"maxPercentOfOrder":{"agent":10,"supervisor":50}}`
/// (admins and owners: no limit unless listed).
public struct CompensationLimits: Codable, Hashable, Sendable {
    public var maxAmount: [String: Int64]
    public var maxPercentOfOrder: [String: Int]

    public init(maxAmount: [String: Int64], maxPercentOfOrder: [String: Int]) {
        self.maxAmount = maxAmount
        self.maxPercentOfOrder = maxPercentOfOrder
    }

    /// Agents up to ¥10 and 10 % of the order, supervisors ¥200 and 50 %, admins and owners anything.
    public static let standard = CompensationLimits(maxAmount: ["agent": 1000, "supervisor": 20000],
                                                    maxPercentOfOrder: ["agent": 10, "supervisor": 50])

    public func validate() throws(DomainError) {
        let roles = Role.allCases.map(\.rawValue)
        for (role, amount) in maxAmount.sorted(by: { $0.key < $1.key }) {
            guard roles.contains(role) else { throw .invalid("compensationLimits.maxAmount", "unknown role '\(role)'") }
            guard amount >= 0 else { throw .invalid("compensationLimits.maxAmount", "maxAmount.\(role) must not be negative") }
        }
        for (role, percent) in maxPercentOfOrder.sorted(by: { $0.key < $1.key }) {
            guard roles.contains(role) else { throw .invalid("compensationLimits.maxPercentOfOrder", "unknown role '\(role)'") }
            guard (0...100).contains(percent) else {
                throw .invalid("compensationLimits.maxPercentOfOrder", "maxPercentOfOrder.\(role) must be 0–100")
            }
        }
    }

    /// Whether `role` may grant `amount` on an order that was paid `orderPaid` (nil: no order).
    /// A role not listed in a map has no limit of that kind, except agents and supervisors,
    /// who without an entry may grant nothing on their own.
    public func covers(_ amount: Int64, role: String, orderPaid: Int64?) -> Bool {
        let bounded = role == "agent" || role == "supervisor"
        if let cap = maxAmount[role] { if amount > cap { return false } } else if bounded { return false }
        if let percent = maxPercentOfOrder[role], let paid = orderPaid, paid > 0 {
            if amount * 100 > paid * Int64(percent) { return false }
        }
        return true
    }
}

/// The rules of the compensation ledger.
public enum CompensationRules {
    /// What happens to a proposal of `amount` by `role`.
    public enum Decision: Equatable, Sendable {
        case approved
        case needsApproval
    }

    /// Checks a new entry: a positive amount; money against the order never above what is left of
    /// its paid amount (`paid` minus what was already granted, reversals counted).
    /// Throws `.invalid` (field "amount") or `.conflict` (code "over_paid_amount").
    public static func check(amount: Int64, kind: CompensationKind, paid: Int64?, alreadyGranted: Int64) throws(DomainError) {
        guard amount > 0 else { throw .invalid("amount", "amount must be a positive number of minor units (1990 = ¥19.90)") }
        guard amount <= 100_000_000_00 else { throw .invalid("amount", "amount is too large") }
        if kind.countsAgainstOrder, let paid {
            let left = paid - alreadyGranted
            guard amount <= left else {
                throw DomainError(.conflict, code: "over_paid_amount",
                                  message: "the order was paid \(paid) and \(alreadyGranted) is already granted; at most \(max(left, 0)) is left",
                                  field: "amount")
            }
        }
    }

    public static func decide(amount: Int64, role: String, orderPaid: Int64?, limits: CompensationLimits) -> Decision {
        limits.covers(amount, role: role, orderPaid: orderPaid) ? .approved : .needsApproval
    }

    /// The net granted against an order from its entries: approved amounts (reversals are negative).
    public static func granted(_ entries: [(amount: Int64, status: CompensationStatus, countsAgainstOrder: Bool)]) -> Int64 {
        entries.filter { $0.status == .approved && $0.countsAgainstOrder }.reduce(0) { $0 + $1.amount }
    }
}
