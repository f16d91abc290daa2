import Foundation

/// An SLA policy as a shop writes it: which tickets and conversations it covers, the calendar
/// its targets count on, the targets per priority and when to warn. Policies are ordered; the
/// first that matches applies.
public struct SLAPolicyRules: Codable, Hashable, Sendable {
    /// Which tickets and conversations the policy covers. Every list left empty matches anything;
    /// a filled list matches when the subject's value is in it (tags: any of them).
    public struct Conditions: Codable, Hashable, Sendable {
        public var targetTypes: [SLATargetType]
        public var inboxIds: [UUID]
        public var channels: [String]
        public var ticketTypes: [String]
        public var priorities: [SLAPriority]
        public var tags: [String]
        /// The customer's level as the shop platform gives it (regular, member, vip …).
        public var customerTiers: [String]

        public init(targetTypes: [SLATargetType] = [], inboxIds: [UUID] = [], channels: [String] = [],
                    ticketTypes: [String] = [], priorities: [SLAPriority] = [], tags: [String] = [], customerTiers: [String] = []) {
            self.targetTypes = targetTypes
            self.inboxIds = inboxIds
            self.channels = channels
            self.ticketTypes = ticketTypes
            self.priorities = priorities
            self.tags = tags
            self.customerTiers = customerTiers
        }

        enum CodingKeys: String, CodingKey { case targetTypes, inboxIds, channels, ticketTypes, priorities, tags, customerTiers }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            targetTypes = try c.decodeIfPresent([SLATargetType].self, forKey: .targetTypes) ?? []
            inboxIds = try c.decodeIfPresent([UUID].self, forKey: .inboxIds) ?? []
            channels = try c.decodeIfPresent([String].self, forKey: .channels) ?? []
            ticketTypes = try c.decodeIfPresent([String].self, forKey: .ticketTypes) ?? []
            priorities = try c.decodeIfPresent([SLAPriority].self, forKey: .priorities) ?? []
            tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
            customerTiers = try c.decodeIfPresent([String].self, forKey: .customerTiers) ?? []
        }
    }

    /// A promised time: `metric` within `minutes` of business time for `priority`.
    public struct Target: Codable, Hashable, Sendable {
        public var metric: SLAMetric
        public var priority: SLAPriority
        public var minutes: Int

        public init(metric: SLAMetric, priority: SLAPriority, minutes: Int) {
            self.metric = metric
            self.priority = priority
            self.minutes = minutes
        }
    }

    /// When a running metric warns: `minutesBefore` its due time, or when `percent` of its
    /// target has passed (business time either way). Neither: no warning.
    public struct Warning: Codable, Hashable, Sendable {
        public var minutesBefore: Int?
        public var percent: Int?

        public init(minutesBefore: Int? = nil, percent: Int? = nil) {
            self.minutesBefore = minutesBefore
            self.percent = percent
        }

        /// Business seconds after the start at which a target of `target` seconds warns; nil: never.
        public func warnAfter(target: Int) -> Int? {
            if let minutesBefore { return max(0, target - minutesBefore * 60) }
            if let percent { return target * percent / 100 }
            return nil
        }
    }

    public var conditions: Conditions
    /// The business-hours calendar targets count on; nil: around the clock.
    public var calendarId: UUID?
    public var targets: [Target]
    public var warning: Warning

    public init(conditions: Conditions = Conditions(), calendarId: UUID? = nil, targets: [Target], warning: Warning = Warning()) {
        self.conditions = conditions
        self.calendarId = calendarId
        self.targets = targets
        self.warning = warning
    }

    public static let maxTargets = SLAMetric.allCases.count * SLAPriority.allCases.count
    public static let maxConditionValues = 100
    /// A year: longer is not a promise anyone can keep.
    public static let maxMinutes = 525_600

    /// Target seconds of `metric` at `priority`, if the policy sets one.
    public func target(_ metric: SLAMetric, _ priority: SLAPriority) -> Int? {
        targets.first { $0.metric == metric && $0.priority == priority }.map { $0.minutes * 60 }
    }

    /// Every problem, each naming its field (`targets[2].minutes`, `warning.percent` …).
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        func add(_ field: String, _ message: String) { out.append(FieldProblem(field: field, message: message)) }
        let lists: [(String, Int)] = [("conditions.targetTypes", conditions.targetTypes.count), ("conditions.inboxIds", conditions.inboxIds.count),
                                      ("conditions.channels", conditions.channels.count), ("conditions.ticketTypes", conditions.ticketTypes.count),
                                      ("conditions.priorities", conditions.priorities.count), ("conditions.tags", conditions.tags.count),
                                      ("conditions.customerTiers", conditions.customerTiers.count)]
        for (field, count) in lists where count > Self.maxConditionValues {
            add(field, "\(field) has \(count) values; at most \(Self.maxConditionValues)")
        }
        for (field, values) in [("conditions.channels", conditions.channels), ("conditions.ticketTypes", conditions.ticketTypes),
                                ("conditions.tags", conditions.tags)] {
            for (index, value) in values.enumerated() where value.trimmingCharacters(in: .whitespaces).isEmpty || value.count > 64 {
                add("\(field)[\(index)]", "\(field)[\(index)] must be 1 to 64 characters")
            }
        }
        if targets.isEmpty { add("targets", "targets: a policy needs at least one target") }
        if targets.count > Self.maxTargets { add("targets", "targets: at most \(Self.maxTargets), one per metric and priority") }
        var seen = Set<String>()
        for (index, target) in targets.enumerated() {
            if !(1...Self.maxMinutes).contains(target.minutes) {
                add("targets[\(index)].minutes", "targets[\(index)].minutes must be 1 to \(Self.maxMinutes); got \(target.minutes)")
            }
            if !seen.insert("\(target.metric.rawValue)/\(target.priority.rawValue)").inserted {
                add("targets[\(index)]", "targets[\(index)]: \(target.metric.rawValue) for \(target.priority.rawValue) is set twice")
            }
        }
        if warning.minutesBefore != nil, warning.percent != nil {
            add("warning", "warning: give minutesBefore or percent, not both")
        }
        if let minutes = warning.minutesBefore, !(1...Self.maxMinutes).contains(minutes) {
            add("warning.minutesBefore", "warning.minutesBefore must be 1 to \(Self.maxMinutes); got \(minutes)")
        }
        if let percent = warning.percent, !(1...99).contains(percent) {
            add("warning.percent", "warning.percent must be 1 to 99; got \(percent)")
        }
        return out
    }

    /// Whether the policy covers `subject`.
    public func matches(_ subject: SLASubject) -> Bool {
        let c = conditions
        if !c.targetTypes.isEmpty, !c.targetTypes.contains(subject.type) { return false }
        if !c.inboxIds.isEmpty, !(subject.inboxID.map(c.inboxIds.contains) ?? false) { return false }
        if !c.channels.isEmpty, !c.channels.contains(subject.channel) { return false }
        if !c.ticketTypes.isEmpty, !(subject.ticketType.map(c.ticketTypes.contains) ?? false) { return false }
        if !c.priorities.isEmpty, !c.priorities.contains(subject.priority) { return false }
        if !c.tags.isEmpty, Set(c.tags).isDisjoint(with: subject.tags) { return false }
        if !c.customerTiers.isEmpty, !(subject.customerTier.map(c.customerTiers.contains) ?? false) { return false }
        return true
    }
}

/// What an SLA policy is matched against: a ticket or a conversation as it stands.
public struct SLASubject: Hashable, Sendable {
    public var type: SLATargetType
    public var id: UUID
    public var inboxID: UUID?
    /// A conversation's channel ("web", …) or a ticket's source ("chat", "form", "email" …).
    public var channel: String
    /// A ticket's type; nil for a conversation.
    public var ticketType: String?
    public var priority: SLAPriority
    public var tags: Set<String>
    /// The customer's level (the platform's tier), if known.
    public var customerTier: String?
    public var phase: SLAPhase
    /// When the ticket or conversation began.
    public var createdAt: Date

    public init(type: SLATargetType, id: UUID, inboxID: UUID?, channel: String, ticketType: String?, priority: SLAPriority,
                tags: Set<String>, customerTier: String? = nil, phase: SLAPhase, createdAt: Date) {
        self.type = type
        self.id = id
        self.inboxID = inboxID
        self.channel = channel
        self.ticketType = ticketType
        self.priority = priority
        self.tags = tags
        self.customerTier = customerTier
        self.phase = phase
        self.createdAt = createdAt
    }
}

/// A named business-hours calendar (售前 9:00–24:00, 售后 9:00–18:00 with a lunch break).
public enum SLACalendarRules {
    public static let maxName = 60

    public static func problems(name: String, hours: BusinessHours) -> [FieldProblem] {
        var out: [FieldProblem] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > maxName {
            out.append(FieldProblem(field: "name", message: "name must be 1 to \(maxName) characters"))
        }
        do throws(DomainError) {
            try hours.validate()
        } catch {
            // The calendar's hours are its `hours` field.
            out.append(FieldProblem(field: "hours", message: error.message.replacingOccurrences(of: "businessHours.", with: "hours.")))
        }
        return out
    }
}
