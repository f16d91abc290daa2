import Fluent
import Foundation
import KefuCore
import Vapor

/// An automation rule (`automation_rules`). Changed only by ``AutomationRules``.
final class AutomationRuleRow: Model, @unchecked Sendable {
    static let schema = "automation_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    /// Tried in this order, lowest first.
    @Field(key: "position") var position: Int
    @Field(key: "enabled") var enabled: Bool
    /// ``AutomationTrigger/key``: "message.created", "timer:ticket.pending".
    @Field(key: "trigger_key") var triggerKey: String
    /// ``AutomationRuleBody`` as JSON.
    @Field(key: "body") var bodyJSON: String
    /// A time rule has looked at every object that came due up to here.
    @OptionalField(key: "timer_watermark") var timerWatermark: Date?
    @OptionalField(key: "last_fired_at") var lastFiredAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var body: AutomationRuleBody? { try? JSONDecoder().decode(AutomationRuleBody.self, from: Data(bodyJSON.utf8)) }

    /// The typed rule (nil only if a stored body no longer parses, which saving prevents).
    var rule: AutomationRule? {
        guard let body, case .success(let rule) = body.parse(id: id!, createdAt: createdAt) else { return nil }
        return rule
    }
}

/// One firing of a rule on one object (`automation_runs`): the firing log, and the work queue of
/// the rule's actions. Written only by ``AutomationRuns``.
final class AutomationRunRow: Model, @unchecked Sendable {
    static let schema = "automation_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "rule_id") var ruleID: UUID
    @Field(key: "rule_name") var ruleName: String
    @Field(key: "target_type") var targetType: String
    @Field(key: "target_id") var targetID: UUID
    @OptionalField(key: "contact_id") var contactID: UUID?
    /// An event kind, or "timer:<timer>".
    @Field(key: "trigger") var trigger: String
    /// What makes the firing unique for its rule and object: "event:<id>", "timer:<anchor>".
    @Field(key: "occurrence") var occurrence: String
    /// 0 for a person's or Kefu's change; n for a change made by a rule at depth n − 1.
    @Field(key: "depth") var depth: Int
    /// planned → running → done | failed; stopped (loop guard) never runs.
    @Field(key: "status") var status: String
    @OptionalField(key: "reason") var reason: String?
    /// The actions (``AutomationRuleBody/Action`` list) as planned, JSON.
    @Field(key: "actions") var actionsJSON: String
    /// Each action's result, JSON (``AutomationActionResult`` list).
    @OptionalField(key: "results") var resultsJSON: String?
    /// Whether the run sent the customer a message (the per-customer rate limit).
    @Field(key: "replied") var replied: Bool
    @Field(key: "lease_until") var leaseUntil: Date
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}
}

/// What became of one action of a run.
struct AutomationActionResult: Content, Hashable {
    var type: String
    /// ok, failed, skipped, rate_limited.
    var result: String
    var detail: String?
}
