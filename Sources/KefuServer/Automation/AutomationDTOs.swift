import Foundation
import KefuCore
import Vapor

extension AutomationRuleBody: StrictContent {
    static let allowedFields: Set<String> = ["name", "enabled", "trigger", "conditions", "actions"]
}

struct AutomationRuleDTO: Content {
    var id: UUID
    var name: String
    var enabled: Bool
    var position: Int
    var trigger: AutomationRuleBody.Trigger
    var conditions: AutomationRuleBody.Conditions
    var actions: [AutomationRuleBody.Action]
    var createdAt: Date
    var updatedAt: Date
    var lastFiredAt: Date?
    var firings7d: Int

    init(_ row: AutomationRuleRow, firings7d: Int) {
        let body = row.body ?? AutomationRuleBody(name: row.name, trigger: .init(kind: "event"), actions: [])
        id = row.id!; name = row.name; enabled = row.enabled; position = row.position
        trigger = body.trigger; conditions = body.conditions; actions = body.actions
        createdAt = row.createdAt; updatedAt = row.updatedAt; lastFiredAt = row.lastFiredAt
        self.firings7d = firings7d
    }
}

struct AutomationOrderInput: StrictContent {
    static let allowedFields: Set<String> = ["ids"]
    var ids: [UUID]
}

/// Try a rule (saved or not) on a conversation or ticket: nothing is changed.
struct AutomationTestInput: StrictContent {
    static let allowedFields: Set<String> = ["rule", "targetType", "targetId"]
    var rule: AutomationRuleBody
    var targetType: AutomationTarget
    var targetId: UUID
}

struct AutomationTestDTO: Content {
    struct Trigger: Content {
        var applies: Bool
        /// event, target_type, due, not_due.
        var reason: String
        /// For a timer: when the object's timer started and when it comes (came) due.
        var since: Date?
        var dueAt: Date?
    }
    struct Condition: Content {
        var group: String
        var index: Int
        var field: String
        var op: String
        var value: AutomationRuleBody.Value
        var passed: Bool
        var actual: [String]?
    }
    struct Action: Content {
        var type: String
        var detail: String?
    }
    var matched: Bool
    var trigger: Trigger
    var conditions: [Condition]
    var actions: [Action]
}

struct AutomationRunDTO: Content {
    var id: UUID
    var ruleId: UUID
    var ruleName: String
    var targetType: String
    var targetId: UUID
    var trigger: String
    var depth: Int
    var status: String
    var reason: String?
    var actions: [AutomationActionResult]
    var createdAt: Date
    var finishedAt: Date?

    init(_ row: AutomationRunRow) {
        id = row.id!; ruleId = row.ruleID; ruleName = row.ruleName; targetType = row.targetType; targetId = row.targetID
        trigger = row.trigger; depth = row.depth; status = row.status; reason = row.reason
        createdAt = row.createdAt; finishedAt = row.finishedAt
        if let json = row.resultsJSON, let results = try? JSONDecoder().decode([AutomationActionResult].self, from: Data(json.utf8)) {
            actions = results
        } else {
            let planned = (try? JSONDecoder().decode([AutomationRuleBody.Action].self, from: Data(row.actionsJSON.utf8))) ?? []
            actions = planned.map { AutomationActionResult(type: $0.type, result: row.status == "stopped" ? "skipped" : "planned", detail: nil) }
        }
    }
}
