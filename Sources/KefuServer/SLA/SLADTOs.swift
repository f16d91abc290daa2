import Foundation
import KefuCore
import Vapor

struct SLACalendarDTO: Content {
    var id: UUID
    var name: String
    var hours: BusinessHours
    /// Policies whose current version counts on this calendar.
    var policyIds: [UUID]
    var createdAt: Date
    var updatedAt: Date
}

struct SLACalendarInput: StrictContent {
    static let allowedFields: Set<String> = ["name", "hours"]
    var name: String?
    var hours: BusinessHours?
}

struct SLAPolicyDTO: Content {
    var id: UUID
    var name: String
    var position: Int
    var enabled: Bool
    var version: Int
    var conditions: SLAPolicyRules.Conditions
    var calendarId: UUID?
    var targets: [SLAPolicyRules.Target]
    var warning: SLAPolicyRules.Warning
    var createdAt: Date
    var updatedAt: Date

    init(_ p: SLAPolicy) {
        let rules = p.rules ?? SLAPolicyRules(targets: [])
        id = p.id!; name = p.name; position = p.position; enabled = p.enabled; version = p.version
        conditions = rules.conditions; calendarId = rules.calendarId; targets = rules.targets; warning = rules.warning
        createdAt = p.createdAt; updatedAt = p.updatedAt
    }
}

struct SLAPolicyInput: StrictContent {
    static let allowedFields: Set<String> = ["name", "enabled", "conditions", "calendarId", "targets", "warning"]
    var name: String?
    var enabled: Bool?
    var conditions: SLAPolicyRules.Conditions?
    /// Present and null: around the clock.
    var calendarId: UUID??
    var targets: [SLAPolicyRules.Target]?
    var warning: SLAPolicyRules.Warning?

    enum CodingKeys: String, CodingKey { case name, enabled, conditions, calendarId, targets, warning }

    init(name: String?, enabled: Bool? = nil, conditions: SLAPolicyRules.Conditions?, calendarId: UUID??, targets: [SLAPolicyRules.Target]?,
         warning: SLAPolicyRules.Warning?) {
        self.name = name
        self.enabled = enabled
        self.conditions = conditions
        self.calendarId = calendarId
        self.targets = targets
        self.warning = warning
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        conditions = try c.decodeIfPresent(SLAPolicyRules.Conditions.self, forKey: .conditions)
        if c.contains(.calendarId) { calendarId = .some(try c.decodeIfPresent(UUID.self, forKey: .calendarId)) }
        targets = try c.decodeIfPresent([SLAPolicyRules.Target].self, forKey: .targets)
        warning = try c.decodeIfPresent(SLAPolicyRules.Warning.self, forKey: .warning)
    }
}

struct SLAOrderInput: StrictContent {
    static let allowedFields: Set<String> = ["ids"]
    var ids: [UUID]
}

/// One metric clock of a ticket or conversation, as the workbench shows it.
struct SLAClockDTO: Content {
    var id: UUID
    var metric: SLAMetric
    var state: SLAClock.State
    var policyId: UUID
    var policyName: String?
    var policyVersion: Int
    var targetSeconds: Int
    /// Counted (business) seconds so far, at `asOf`.
    var elapsedSeconds: Int
    var activatedAt: Date
    var dueAt: Date?
    var warnAt: Date?
    var warnedAt: Date?
    var breachedAt: Date?
    var finishedAt: Date?
}

struct SLAEventDTO: Content {
    var at: Date
    var kind: SLAEventKind
    var metric: SLAMetric?
    var clockId: UUID?
    var policyId: UUID?
    var policyVersion: Int?
}

/// The SLA of one ticket or conversation: its policy, clocks and log.
struct SLAStatusDTO: Content {
    var targetType: SLATargetType
    var targetId: UUID
    var policyId: UUID?
    var policyName: String?
    var policyVersion: Int?
    var asOf: Date
    /// The earliest due time of a running clock (negative time left when breached).
    var nextDueAt: Date?
    var clocks: [SLAClockDTO]
    var events: [SLAEventDTO]
}

/// The next due time of each listed ticket or conversation (lists show a countdown).
struct SLADueDTO: Content {
    var targetId: UUID
    var metric: SLAMetric
    var dueAt: Date?
    var breached: Bool
    /// Running, or paused (waiting on the customer): a paused clock has no due time.
    var state: SLAClock.State
}

/// A running clock that breached or is due soon, for the supervisors' breach list.
struct SLABreachDTO: Content {
    var clockId: UUID
    var targetType: SLATargetType
    var targetId: UUID
    /// The ticket's number and subject, or the conversation's customer (empty when they left no name).
    var title: String
    /// The customer (a page names an anonymous visitor by it).
    var contactId: UUID?
    var inboxId: UUID?
    var assigneeId: UUID?
    var metric: SLAMetric
    var dueAt: Date?
    var breachedAt: Date?
    var state: SLAClock.State
}

/// How well promised times were kept (`GET /sla/report`).
struct SLAReportDTO: Content {
    struct Counts: Content {
        var clocks: Int
        var metOnTime: Int
        var metLate: Int
        var breachedOpen: Int
        var openOnTime: Int
        var cancelled: Int
        /// Met on time ÷ (met on time + met late + breached and open); null when none yet.
        var achievement: Double?

        init(_ s: SLAReport.Summary) {
            clocks = s.clocks; metOnTime = s.metOnTime; metLate = s.metLate; breachedOpen = s.breachedOpen
            openOnTime = s.openOnTime; cancelled = s.cancelled; achievement = s.achievement
        }
    }
    struct ByMetric: Content { var metric: SLAMetric; var counts: Counts }
    struct ByPolicy: Content { var policyId: UUID; var name: String?; var counts: Counts }
    struct ByDay: Content { var day: String; var counts: Counts }

    var days: Int
    var timeZone: String
    var targetType: SLATargetType?
    var total: Counts
    var byMetric: [ByMetric]
    var byPolicy: [ByPolicy]
    var byDay: [ByDay]
}
