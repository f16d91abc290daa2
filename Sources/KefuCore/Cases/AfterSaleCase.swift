import Foundation

/// What the customer asks for after the sale (售后类型).
public enum CaseKind: String, Codable, Hashable, Sendable, CaseIterable {
    case refundOnly = "refund_only"           // 仅退款
    case returnRefund = "return_refund"       // 退货退款
    case exchange                             // 换货
    case resend                               // 补发
    case repair                               // 维修
    case compensation                         // 补偿
    case priceProtection = "price_protection" // 价保

    /// The goods come back before the case is done.
    public var needsReturn: Bool { self == .returnRefund || self == .exchange || self == .repair }
}

/// Why (售后原因).
public enum CaseReason: String, Codable, Hashable, Sendable, CaseIterable {
    case quality                               // 质量问题
    case wrongItem = "wrong_item"              // 发错货
    case missingItem = "missing_item"          // 少件
    case damaged                               // 破损
    case notAsDescribed = "not_as_described"   // 描述不符
    case changedMind = "changed_mind"          // 不想要了
    case slowDelivery = "slow_delivery"        // 物流太慢
    case priceDrop = "price_drop"              // 降价 (价保)
    case other
}

/// Where an after-sale case stands. requested → seller_review → agreed / refused →
/// awaiting_return → return_received → done → closed; the platform can step in
/// (platform_intervention, 平台介入 / 小二介入) and rule for the buyer (→ agreed) or the seller
/// (→ refused).
public enum CaseState: String, Codable, Hashable, Sendable, CaseIterable {
    case requested
    case sellerReview = "seller_review"
    case agreed
    case refused
    case awaitingReturn = "awaiting_return"
    case returnReceived = "return_received"
    case done
    case closed
    case platformIntervention = "platform_intervention"

    public var isOpen: Bool { self != .done && self != .closed }

    /// The moves allowed from here for a case of `kind`.
    public func next(for kind: CaseKind) -> [CaseState] {
        switch self {
        case .requested: [.sellerReview, .agreed, .refused, .platformIntervention, .closed]
        case .sellerReview: [.agreed, .refused, .platformIntervention]
        case .agreed: kind.needsReturn ? [.awaitingReturn, .platformIntervention] : [.done, .platformIntervention]
        case .refused: [.sellerReview, .platformIntervention, .closed]
        case .awaitingReturn: [.returnReceived, .platformIntervention, .closed]
        case .returnReceived: [.done, .platformIntervention]
        case .done: [.closed]
        case .closed: []
        case .platformIntervention: [.agreed, .refused, .done, .closed]
        }
    }

    /// Throws `.conflict` (code "transition_not_allowed", field "state") naming the allowed moves.
    public func check(to target: CaseState, kind: CaseKind) throws(DomainError) {
        guard target != self else { return }
        let allowed = next(for: kind)
        guard !allowed.contains(target) else { return }
        let tail = allowed.isEmpty ? "\(rawValue) is final" : "allowed next: " + allowed.map(\.rawValue).joined(separator: ", ")
        throw DomainError(.conflict, code: "transition_not_allowed",
                          message: "a \(kind.rawValue) case that is \(rawValue) cannot become \(target.rawValue); " + tail, field: "state")
    }
}

/// The platform's ruling after it stepped in.
public enum CaseRuling: String, Codable, Hashable, Sendable, CaseIterable {
    case buyerSupported = "buyer_supported"
    case sellerSupported = "seller_supported"

    /// Where the case goes on the ruling.
    public var state: CaseState { self == .buyerSupported ? .agreed : .refused }
}

/// The customer's answer to the proposed solution.
public enum CaseCustomerAnswer: String, Codable, Hashable, Sendable, CaseIterable {
    case accepted, refused
}

/// The seed's complaint procedure (004 ch. 5: 倾听与道歉 → 调查 → 提出方案 → 跟进), each step timed
/// and audited on the case.
public enum ComplaintStep: String, Codable, Hashable, Sendable, CaseIterable {
    case acknowledge   // 倾听、道歉、安抚情绪
    case investigate   // 核实情况
    case propose       // 提出解决方案
    case followUp = "follow_up"  // 跟进处理结果
}

/// How long each step of a case may take, per shop (hours); a platform may set a case's own due
/// time through the API, which wins. Marketplaces grant unanswered refund requests automatically,
/// so the first answer is the one that matters most.
public struct CaseDeadlinePolicy: Codable, Hashable, Sendable {
    /// Hours allowed in each state, by raw state name; a state left out has no deadline.
    public var hours: [String: Int]
    /// Warn this many hours before a deadline.
    public var warnHours: Int

    public init(hours: [String: Int], warnHours: Int) {
        self.hours = hours
        self.warnHours = warnHours
    }

    /// Answer a request within 24 h (as Taobao / Tmall do for 仅退款), decide after review within
    /// 48 h, the buyer returns within 7 days, a received return is finished within 48 h.
    public static let standard = CaseDeadlinePolicy(
        hours: [CaseState.requested.rawValue: 24, CaseState.sellerReview.rawValue: 48, CaseState.agreed.rawValue: 48,
                CaseState.awaitingReturn.rawValue: 168, CaseState.returnReceived.rawValue: 48,
                CaseState.platformIntervention.rawValue: 72],
        warnHours: 4)

    public func validate() throws(DomainError) {
        for (state, h) in hours.sorted(by: { $0.key < $1.key }) {
            guard CaseState(rawValue: state) != nil else { throw .invalid("deadlines.hours", "unknown case state '\(state)'") }
            guard (1...2160).contains(h) else { throw .invalid("deadlines.hours", "hours for \(state) must be 1–2160, got \(h)") }
        }
        guard (0...168).contains(warnHours) else { throw .invalid("deadlines.warnHours", "warnHours must be 0–168") }
    }

    /// The due time of a case entering `state` at `now` (nil: no deadline).
    public func due(entering state: CaseState, at now: Date) -> Date? {
        guard state.isOpen, let h = hours[state.rawValue] else { return nil }
        return now.addingTimeInterval(Double(h) * 3600)
    }

    /// How the deadline stands: seconds left (negative when overdue) and whether to warn.
    public func standing(due: Date?, now: Date) -> (secondsLeft: Int, warn: Bool, overdue: Bool)? {
        guard let due else { return nil }
        let left = Int(due.timeIntervalSince(now).rounded(.down))
        return (left, left <= warnHours * 3600, left < 0)
    }
}
