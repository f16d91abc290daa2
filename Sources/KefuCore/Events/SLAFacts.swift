import Foundation

/// An SLA clock warned (its warning time came) or breached (its due time passed): fired by
/// the SLA timer at the exact moment, once, whichever instance claims it.
public struct SLAAlert: Codable, Hashable, Sendable {
    public var clockID: UUID
    public var targetType: SLATargetType
    public var targetID: UUID
    public var metric: SLAMetric
    public var policyID: UUID
    public var policyVersion: Int
    /// The moment it was due (for a warning: the warning's moment).
    public var at: Date
    public var dueAt: Date?
    /// The ticket's or conversation's inbox, when it has one (who may see the alert).
    public var inboxID: UUID?

    enum CodingKeys: String, CodingKey {
        case clockID = "clockId", targetType, targetID = "targetId", metric, policyID = "policyId", policyVersion, at, dueAt, inboxID = "inboxId"
    }

    public init(clockID: UUID, targetType: SLATargetType, targetID: UUID, metric: SLAMetric, policyID: UUID, policyVersion: Int,
                at: Date, dueAt: Date?, inboxID: UUID?) {
        self.clockID = clockID
        self.targetType = targetType
        self.targetID = targetID
        self.metric = metric
        self.policyID = policyID
        self.policyVersion = policyVersion
        self.at = at
        self.dueAt = dueAt
        self.inboxID = inboxID
    }
}

/// A business-hours calendar's hours or name changed: inboxes that keep their hours by it copy them.
public struct CalendarUpdated: Codable, Hashable, Sendable {
    public var calendarID: UUID
    public var name: String
    public var hours: BusinessHours

    enum CodingKeys: String, CodingKey { case calendarID = "calendarId", name, hours }

    public init(calendarID: UUID, name: String, hours: BusinessHours) {
        self.calendarID = calendarID
        self.name = name
        self.hours = hours
    }
}
