import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Automation rules (supervisors and above), trying a rule on a past conversation or ticket, and
/// the firing log (a member reads the runs of what they can see).
struct AutomationController {
    func rules(_ req: Request) async throws -> ItemsDTO<AutomationRuleDTO> {
        ItemsDTO(items: try await req.application.automationRules.list(try req.requirePrincipal().accountID))
    }

    func rule(_ req: Request) async throws -> AutomationRuleDTO {
        let rules = req.application.automationRules
        return try await rules.dto(try await rules.row(req.parameters.get("id", as: UUID.self), accountID: try req.requirePrincipal().accountID))
    }

    func create(_ req: Request) async throws -> Response {
        let body = try req.decodeStrict(AutomationRuleBody.self)
        let dto = try await req.application.automationRules.save(body, id: nil, by: try req.requirePrincipal(), ip: req.clientIP)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> AutomationRuleDTO {
        let principal = try req.requirePrincipal()
        let row = try await req.application.automationRules.row(req.parameters.get("id", as: UUID.self), accountID: principal.accountID)
        let body = try req.decodeStrict(AutomationRuleBody.self)
        return try await req.application.automationRules.save(body, id: row.id!, by: principal, ip: req.clientIP)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        try await req.application.automationRules.delete(req.parameters.get("id", as: UUID.self), by: try req.requirePrincipal(), ip: req.clientIP)
        return .noContent
    }

    func reorder(_ req: Request) async throws -> ItemsDTO<AutomationRuleDTO> {
        let input = try req.decodeStrict(AutomationOrderInput.self)
        return ItemsDTO(items: try await req.application.automationRules.reorder(input.ids, by: try req.requirePrincipal(), ip: req.clientIP))
    }

    /// What the rule would do to the conversation or ticket as it stands now: the trigger's
    /// verdict, each condition with the value it saw, the actions with their texts filled in.
    func test(_ req: Request) async throws -> AutomationTestDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(AutomationTestInput.self)
        let app = req.application
        let now = app.kefu.clock.now()
        let rule = try await app.automationRules.check(input.rule, id: UUID(), accountID: principal.accountID, now: now)
        let viewer = try await Viewer.staff(principal, on: req.db)
        switch input.targetType {
        case .conversation: _ = try await viewer.conversation(input.targetId, on: req.db)
        case .ticket: _ = try await viewer.ticket(input.targetId, on: req.db)
        }
        let sql = req.db as! any SQLDatabase
        guard let subject = try await AutomationSubjects.load(input.targetType, input.targetId, accountID: principal.accountID, now: now, on: sql) else {
            throw DomainError.notFound(input.targetType.rawValue)
        }
        var trigger = AutomationTestDTO.Trigger(applies: true, reason: "event")
        if !rule.trigger.targets.contains(input.targetType) {
            trigger = .init(applies: false, reason: "target_type")
        } else if case .time(let timer, let minutes) = rule.trigger {
            let since = try await AutomationRuns.anchor(timer, input.targetId, accountID: principal.accountID, on: sql)
            let due = since.map { $0.addingTimeInterval(Double(minutes) * 60) }
            let isDue = AutomationEngine.due(rule.trigger, anchor: since, now: now)
            trigger = .init(applies: isDue, reason: isDue ? "due" : "not_due", since: since, dueAt: due)
        }
        let (matched, results) = AutomationEngine.evaluate(rule, subject)
        let conditions = results.map { r in
            AutomationTestDTO.Condition(group: r.group, index: r.index, field: r.condition.field.rawValue, op: r.condition.op.rawValue,
                                        value: rule.body.conditions.value(r.group, r.index), passed: r.passed, actual: r.actual)
        }
        let variables = try await AutomationSubjects.variables(subject, accountID: principal.accountID, on: sql)
        let actions = rule.actions.map { action -> AutomationTestDTO.Action in
            switch action {
            case .reply(let t), .note(let t), .notify(_, let t): .init(type: action.type, detail: ReplyTemplate.render(t, variables))
            case .escalate: .init(type: action.type, detail: "priority=\(AutomationEngine.escalated(subject.priority, target: subject.target))")
            case .close: .init(type: action.type, detail: "status=\(subject.target == .conversation ? "resolved" : "solved")")
            default: .init(type: action.type, detail: action.summary)
            }
        }
        return AutomationTestDTO(matched: matched && trigger.applies, trigger: trigger, conditions: conditions, actions: actions)
    }

    /// The firing log: of one object (anyone who can see it), or of a rule or the whole shop (supervisors and above).
    func runs(_ req: Request) async throws -> ItemsDTO<AutomationRunDTO> {
        let principal = try req.requirePrincipal()
        let limit = try Paging.limit(req, default: 50, max: 200)
        let ruleID = try Self.uuid(req, "ruleId")
        let targetID = try Self.uuid(req, "targetId")
        var target: (AutomationTarget, UUID)?
        if let targetID {
            guard let raw = req.query[String.self, at: "targetType"], let type = AutomationTarget(rawValue: raw) else {
                throw DomainError.invalid("targetType", "targetType must be conversation or ticket when targetId is given")
            }
            let viewer = try await Viewer.staff(principal, on: req.db)
            switch type {
            case .conversation: _ = try await viewer.conversation(targetID, on: req.db)
            case .ticket: _ = try await viewer.ticket(targetID, on: req.db)
            }
            target = (type, targetID)
        } else if principal.role < .supervisor {
            throw DomainError.forbidden("the whole firing log is for supervisors and above; give targetType and targetId")
        }
        return ItemsDTO(items: try await req.application.automationRuns.list(accountID: principal.accountID, ruleID: ruleID, target: target, limit: limit))
    }

    private static func uuid(_ req: Request, _ name: String) throws -> UUID? {
        guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else { throw DomainError.invalid(name, "\(name) must be a UUID") }
        return id
    }
}

extension AutomationRuleBody.Conditions {
    func value(_ group: String, _ index: Int) -> AutomationRuleBody.Value {
        let list = group == "all" ? all : any
        return index < list.count ? list[index].value : .none
    }
}
