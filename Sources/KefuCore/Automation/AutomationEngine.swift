import Foundation

/// A conversation or ticket as a rule sees it at the moment it is tried.
public struct AutomationSubject: Hashable, Sendable {
    public var target: AutomationTarget
    public var id: UUID
    public var inboxID: UUID?
    /// A conversation's channel ("web"); a ticket's source ("chat", "form" …).
    public var channel: String
    public var status: String
    public var priority: String
    public var tags: Set<String>
    public var assigneeID: UUID?
    public var ticketType: String?
    public var customerLevel: String?
    /// The customer's message that triggered the rule, or the ticket's subject and latest text.
    public var text: String
    /// Whether the inbox's calendar is open now; nil when the inbox keeps no hours (always open).
    public var insideBusinessHours: Bool?
    /// The SLA metric of an `sla.*` event.
    public var slaMetric: String?
    /// Fields the triggering event changed, with their new value ("status" → "pending").
    public var changedTo: [String: String]
    public var contactID: UUID?

    public init(target: AutomationTarget, id: UUID, inboxID: UUID?, channel: String, status: String, priority: String, tags: Set<String>,
                assigneeID: UUID?, ticketType: String? = nil, customerLevel: String? = nil, text: String = "", insideBusinessHours: Bool? = nil,
                slaMetric: String? = nil, changedTo: [String: String] = [:], contactID: UUID? = nil) {
        self.target = target
        self.id = id
        self.inboxID = inboxID
        self.channel = channel
        self.status = status
        self.priority = priority
        self.tags = tags
        self.assigneeID = assigneeID
        self.ticketType = ticketType
        self.customerLevel = customerLevel
        self.text = text
        self.insideBusinessHours = insideBusinessHours
        self.slaMetric = slaMetric
        self.changedTo = changedTo
        self.contactID = contactID
    }
}

/// One condition's verdict, with the value it saw (the rule editor's "test against a past case").
public struct AutomationConditionResult: Hashable, Sendable {
    public var group: String
    public var index: Int
    public var condition: AutomationCondition
    public var passed: Bool
    public var actual: [String]?
}

/// Whether a rule matches a subject, and why (pure: the server builds the subject).
public enum AutomationEngine {
    /// The verdict of every condition and the rule's: all of `all`, and at least one of `any` when there are any.
    public static func evaluate(_ rule: AutomationRule, _ subject: AutomationSubject) -> (matched: Bool, results: [AutomationConditionResult]) {
        guard rule.trigger.targets.contains(subject.target) else { return (false, []) }
        var results: [AutomationConditionResult] = []
        for (index, c) in rule.all.enumerated() {
            let (passed, actual) = check(c, subject)
            results.append(AutomationConditionResult(group: "all", index: index, condition: c, passed: passed, actual: actual))
        }
        for (index, c) in rule.any.enumerated() {
            let (passed, actual) = check(c, subject)
            results.append(AutomationConditionResult(group: "any", index: index, condition: c, passed: passed, actual: actual))
        }
        let allPassed = results.filter { $0.group == "all" }.allSatisfy(\.passed)
        let anyPassed = rule.any.isEmpty || results.contains { $0.group == "any" && $0.passed }
        return (allPassed && anyPassed, results)
    }

    /// The rules of a list that match, in order.
    public static func matching(_ rules: [AutomationRule], _ subject: AutomationSubject) -> [AutomationRule] {
        rules.filter { $0.enabled && evaluate($0, subject).matched }
    }

    /// One condition against the subject, with the subject's value.
    public static func check(_ c: AutomationCondition, _ s: AutomationSubject) -> (Bool, [String]?) {
        let actual: [String]?
        switch c.field {
        case .target: actual = [s.target.rawValue]
        case .inbox: actual = s.inboxID.map { [$0.uuidString.lowercased()] }
        case .channel: actual = [s.channel]
        case .status: actual = c.op == .changedTo ? s.changedTo["status"].map { [$0] } : [s.status]
        case .priority: actual = c.op == .changedTo ? s.changedTo["priority"].map { [$0] } : [s.priority]
        case .tags: actual = s.tags.sorted()
        case .assignee: actual = s.assigneeID.map { [$0.uuidString.lowercased()] }
        case .ticketType: actual = s.ticketType.map { [$0] }
        case .customerLevel: actual = s.customerLevel.map { [$0] }
        case .text: actual = s.text.isEmpty ? nil : [s.text]
        case .businessHours: actual = [s.insideBusinessHours == false ? "outside" : "inside"]
        case .slaMetric: actual = s.slaMetric.map { [$0] }
        }
        let have = actual ?? []
        let passed: Bool
        switch c.op {
        case .is, .changedTo: passed = have.first == c.values.first && !have.isEmpty
        case .in: passed = have.contains { c.values.contains($0) }
        case .notIn: passed = !have.contains { c.values.contains($0) }
        case .isSet: passed = !have.isEmpty
        case .isEmpty: passed = have.isEmpty
        case .containsAny, .containsAll, .containsNone:
            let hits: [Bool]
            if c.field == .text {
                let folded = fold(s.text)
                hits = c.values.map { word in folded.contains(fold(word)) }
            } else {
                let tags = Set(have.map { $0.lowercased() })
                hits = c.values.map { tags.contains($0.lowercased()) }
            }
            switch c.op {
            case .containsAny: passed = hits.contains(true)
            case .containsAll: passed = hits.allSatisfy { $0 }
            default: passed = !hits.contains(true)
            }
        }
        return (passed, actual)
    }

    /// Text as words are compared: width, case and traditional forms folded.
    static func fold(_ text: String) -> String { normalizer.normalize(text) }
    private static let normalizer = TextNormalizer()

    /// The priority `escalate` sets: one step up, at least high.
    public static func escalated(_ priority: String, target: AutomationTarget) -> String {
        let ladder = target == .conversation ? ConversationPriority.allCases.map(\.rawValue) : TicketPriority.allCases.map(\.rawValue)
        let index = ladder.firstIndex(of: priority) ?? 0
        let high = ladder.firstIndex(of: "high")!
        return ladder[min(ladder.count - 1, max(high, index + 1))]
    }

    /// Whether a timer has come due for an object whose state began at `anchor`.
    public static func due(_ trigger: AutomationTrigger, anchor: Date?, now: Date) -> Bool {
        guard case .time(_, let minutes) = trigger, let anchor else { return false }
        return anchor.addingTimeInterval(Double(minutes) * 60) <= now
    }
}
