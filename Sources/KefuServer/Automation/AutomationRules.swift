import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// A shop's automation rules, and the only writer of them (audited).
struct AutomationRules {
    let app: Application

    static let maxRules = 200

    func list(_ accountID: UUID) async throws -> [AutomationRuleDTO] {
        let rows = try await AutomationRuleRow.query(on: app.db).filter(\.$accountID == accountID).sort(\.$position).sort(\.$createdAt).all()
        let counts = try await firings(accountID, since: app.kefu.clock.now().addingTimeInterval(-7 * 86_400))
        return rows.map { AutomationRuleDTO($0, firings7d: counts[$0.id!] ?? 0) }
    }

    func row(_ id: UUID?, accountID: UUID) async throws -> AutomationRuleRow {
        guard let id, let row = try await AutomationRuleRow.query(on: app.db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("automation rule")
        }
        return row
    }

    func dto(_ row: AutomationRuleRow) async throws -> AutomationRuleDTO {
        let counts = try await firings(row.accountID, since: app.kefu.clock.now().addingTimeInterval(-7 * 86_400), rule: row.id)
        return AutomationRuleDTO(row, firings7d: counts[row.id!] ?? 0)
    }

    /// Firings that did something (done or failed) per rule since `since`.
    private func firings(_ accountID: UUID, since: Date, rule: UUID? = nil) async throws -> [UUID: Int] {
        let sql = app.db as! any SQLDatabase
        let ruleFilter: SQLQueryString = rule.map { "AND rule_id = \(bind: $0)" } ?? ""
        let rows = try await sql.raw("""
            SELECT rule_id, COUNT(*) AS n FROM automation_runs
            WHERE account_id = \(bind: accountID) AND created_at >= \(bind: since) AND status IN ('done', 'failed') \(ruleFilter)
            GROUP BY rule_id
            """).all()
        var out: [UUID: Int] = [:]
        for row in rows { out[try row.decode(column: "rule_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return out
    }

    /// Checks a body: its shape (``AutomationRuleBody/parse(id:createdAt:)``) and that the inboxes
    /// and members it names are the shop's.
    func check(_ body: AutomationRuleBody, id: UUID, accountID: UUID, now: Date) async throws -> AutomationRule {
        let rule: AutomationRule
        switch body.parse(id: id, createdAt: now) {
        case .success(let parsed): rule = parsed
        case .failure(let error): throw error
        }
        var problems: [FieldProblem] = []
        let inboxes = Set(try await Inbox.query(on: app.db).filter(\.$accountID == accountID).all(\.$id))
        let members = Set(try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$active == true).all(\.$id))
        for (group, list) in [("all", rule.all), ("any", rule.any)] {
            for (index, c) in list.enumerated() where c.field.isID {
                let known = c.field == .inbox ? inboxes : members
                if let bad = c.values.first(where: { UUID(uuidString: $0).map { !known.contains($0) } ?? true }) {
                    let what = c.field == .inbox ? "inbox" : "active member"
                    problems.append(FieldProblem(field: "conditions.\(group)[\(index)].value",
                                                 message: "conditions.\(group)[\(index)].value: no \(what) \(bad) in this shop"))
                }
            }
        }
        for (index, action) in rule.actions.enumerated() {
            switch action {
            case .assignAgent(let id) where !members.contains(id):
                problems.append(FieldProblem(field: "actions[\(index)].agentId",
                                             message: "actions[\(index)].agentId: no active member \(id.uuidString.lowercased()) in this shop"))
            case .assignInbox(let id) where !inboxes.contains(id):
                problems.append(FieldProblem(field: "actions[\(index)].inboxId",
                                             message: "actions[\(index)].inboxId: no inbox \(id.uuidString.lowercased()) in this shop"))
            default: break
            }
        }
        if let error = DomainError.invalid(problems) { throw error }
        return rule
    }

    func save(_ body: AutomationRuleBody, id: UUID?, by principal: Principal, ip: String?) async throws -> AutomationRuleDTO {
        let now = app.kefu.clock.now()
        let accountID = principal.accountID
        let row: AutomationRuleRow
        if let id {
            row = try await self.row(id, accountID: accountID)
        } else {
            let count = try await AutomationRuleRow.query(on: app.db).filter(\.$accountID == accountID).count()
            guard count < Self.maxRules else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxRules) automation rules") }
            row = AutomationRuleRow()
            row.id = app.kefu.ids.make()
            row.accountID = accountID
            row.position = (try await AutomationRuleRow.query(on: app.db).filter(\.$accountID == accountID).max(\.$position) ?? -1) + 1
            row.createdAt = now
        }
        let rule = try await check(body, id: row.id!, accountID: accountID, now: now)
        let previousKey = id == nil ? nil : row.triggerKey
        let wasEnabled = id == nil ? false : row.enabled
        let previousMinutes = id == nil ? nil : row.body?.trigger.minutes
        row.name = rule.name
        row.enabled = rule.enabled
        row.triggerKey = rule.trigger.key
        row.bodyJSON = String(decoding: try JSONSorted.encoder.encode(rule.body), as: UTF8.self)
        row.updatedAt = now
        // A time rule looks at objects that come due from now on: a new rule, a new timer or a
        // rule turned back on does not sweep the past.
        if case .time(_, let minutes) = rule.trigger,
           previousKey != row.triggerKey || !wasEnabled || row.timerWatermark == nil || previousMinutes != minutes {
            row.timerWatermark = now.addingTimeInterval(-Double(minutes) * 60)
        }
        if case .event = rule.trigger { row.timerWatermark = nil }
        let creating = id == nil
        try await app.db.transaction { tx in
            if creating { try await row.create(on: tx) } else { try await row.update(on: tx) }
            try await AuditLog.record(creating ? "automation_rule.create" : "automation_rule.update", target: "automation_rule",
                                      id: row.id!.uuidString, details: ["name": row.name, "trigger": row.triggerKey, "enabled": String(row.enabled)],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        app.automationCatalog.forget(accountID)
        if case .time = rule.trigger { app.jobs.kick(AutomationRuns.timerJob) }
        return try await dto(row)
    }

    func delete(_ id: UUID?, by principal: Principal, ip: String?) async throws {
        let row = try await self.row(id, accountID: principal.accountID)
        let now = app.kefu.clock.now()
        try await app.db.transaction { tx in
            try await row.delete(on: tx)
            try await AuditLog.record("automation_rule.delete", target: "automation_rule", id: row.id!.uuidString, details: ["name": row.name],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        app.automationCatalog.forget(principal.accountID)
    }

    func reorder(_ ids: [UUID], by principal: Principal, ip: String?) async throws -> [AutomationRuleDTO] {
        let rows = try await AutomationRuleRow.query(on: app.db).filter(\.$accountID == principal.accountID).all()
        try await Ordering.reorder(rows, as: ids, noun: "automation rules", action: "automation_rule.reorder", target: "automation_rule",
                                   by: principal, ip: ip, now: app.kefu.clock.now(), on: app.db)
        app.automationCatalog.forget(principal.accountID)
        return try await list(principal.accountID)
    }
}

/// A shop's enabled rules by trigger, in order: read on every event a rule could start on, so
/// cached (forgotten at once on this instance's writes, after ``ttl`` on the others).
struct AutomationCatalog: Sendable {
    static let ttl: Duration = .seconds(10)
    var byTrigger: [String: [AutomationRule]]

    func rules(for key: String) -> [AutomationRule] { byTrigger[key] ?? [] }
    /// Whether the shop has time rules.
    var hasTimers: Bool { byTrigger.keys.contains { $0.hasPrefix("timer:") } }

    static func load(_ accountID: UUID, on db: any Database) async throws -> AutomationCatalog {
        let rows = try await AutomationRuleRow.query(on: db).filter(\.$accountID == accountID).filter(\.$enabled == true)
            .sort(\.$position).sort(\.$createdAt).all()
        var byTrigger: [String: [AutomationRule]] = [:]
        for row in rows {
            guard let rule = row.rule else { continue }
            byTrigger[rule.trigger.key, default: []].append(rule)
        }
        return AutomationCatalog(byTrigger: byTrigger)
    }
}

final class AutomationCatalogCache: Sendable {
    let cache = TTLCache<UUID, AutomationCatalog>(ttl: AutomationCatalog.ttl, limit: 10_000)

    func catalog(_ accountID: UUID, on db: any Database) async throws -> AutomationCatalog {
        try await cache.value(accountID) { try await AutomationCatalog.load(accountID, on: db) } ?? AutomationCatalog(byTrigger: [:])
    }

    func forget(_ accountID: UUID) { cache.forget(accountID) }
}

struct AutomationCatalogCacheKey: StorageKey { typealias Value = AutomationCatalogCache }

extension Application {
    var automationRules: AutomationRules { AutomationRules(app: self) }
    /// The shops' enabled automation rules, cached.
    var automationCatalog: AutomationCatalogCache { configured(AutomationCatalogCacheKey.self) }
}
