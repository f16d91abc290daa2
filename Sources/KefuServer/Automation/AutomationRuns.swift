import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The firing log and the queue of rules' actions; the only writer of `automation_runs`.
///
/// A rule that matches is *planned* in the transaction that decided it (the durable listener's,
/// with its cursor; the timer pass's, with the rule's watermark), unique per rule, object and
/// event or timer occurrence: it fires at most once for each. The actions job then claims planned
/// runs (→ running, one statement) and does them through the services that own the objects,
/// so a crash mid-run leaves it running, and the sweep marks it failed (interrupted): a rule's
/// message is never sent twice.
struct AutomationRuns {
    let app: Application

    static let actionsJob = "automation.actions"
    static let timerJob = "automation.timers"
    static let batch = 50
    static let lease: TimeInterval = 120

    /// Plans a firing (or records it stopped by the loop guard); false when the rule already
    /// fired for this occurrence.
    @discardableResult
    ///
    /// `order`: the rule's place among the rules planned for the same event; runs are done in
    /// the order they were planned (`created_at`), so a microsecond per place keeps the shop's order.
    func plan(_ rule: AutomationRule, subject: AutomationSubject, trigger: String, occurrence: String, depth: Int, stopped: Bool,
              order: Int = 0, accountID: UUID, in unit: UnitOfWork) async throws -> Bool {
        let plannedAt = unit.now.addingTimeInterval(Double(order) / 1_000_000)
        let actions = String(decoding: try JSONSorted.encoder.encode(rule.body.actions), as: UTF8.self)
        let status = stopped ? "stopped" : "planned"
        let reason: String? = stopped ? "loop_guard" : nil
        let rows = try await unit.sql.raw("""
            INSERT INTO automation_runs (id, account_id, rule_id, rule_name, target_type, target_id, contact_id, trigger, occurrence, depth, status,
                                         reason, actions, replied, lease_until, created_at, finished_at)
            VALUES (\(bind: unit.ids.make()), \(bind: accountID), \(bind: rule.id), \(bind: rule.name), \(bind: subject.target.rawValue),
                    \(bind: subject.id), \(bind: subject.contactID), \(bind: trigger), \(bind: occurrence), \(bind: depth), \(bind: status),
                    \(bind: reason), \(bind: actions), \(bind: false), \(bind: plannedAt), \(bind: plannedAt), \(bind: stopped ? plannedAt : nil as Date?))
            ON CONFLICT (rule_id, target_id, occurrence) DO NOTHING
            RETURNING id
            """).all()
        guard !rows.isEmpty else { return false }
        if stopped {
            unit.app.logger.warning("automation stopped by the loop guard", metadata: [
                "rule": "\(rule.id)", "target": "\(subject.id)", "depth": "\(depth)", "component": "automation"])
        } else {
            let app = unit.app
            unit.onCommit { app.jobs.kick(Self.actionsJob) }
        }
        return true
    }

    /// How deep in a chain of rules an event caused by `actor` on `targetID` is: 0 for anyone
    /// but a rule; for a rule, one more than its run on the object that made the change (the
    /// latest started by then; of runs started in the same instant, the deepest).
    func depth(of actor: EventActor, at occurredAt: Date, targetID: UUID, on sql: any SQLDatabase) async throws -> Int {
        guard case .automation(let ruleID) = actor else { return 0 }
        let row = try await sql.raw("""
            SELECT depth FROM automation_runs
            WHERE rule_id = \(bind: ruleID) AND target_id = \(bind: targetID) AND status IN ('running', 'done', 'failed')
              AND created_at <= \(bind: occurredAt)
            ORDER BY created_at DESC, depth DESC LIMIT 1
            """).first()
        return (try row?.decode(column: "depth", as: Int.self) ?? 0) + 1
    }

    // MARK: the actions job

    /// Claims planned runs (→ running) and does them, oldest first. True when a full batch was taken.
    func runDue(now: Date) async throws -> Bool {
        let sql = app.db as! any SQLDatabase
        // Runs a crashed process left running are not done again: marked failed.
        try await sql.raw("""
            UPDATE automation_runs SET status = 'failed', reason = 'interrupted', finished_at = \(bind: now)
            WHERE status = 'running' AND lease_until < \(bind: now)
            """).run()
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let claimed = try await sql.raw("""
            UPDATE automation_runs SET status = 'running', lease_until = \(bind: now.addingTimeInterval(Self.lease))
            WHERE id IN (SELECT id FROM automation_runs WHERE status = 'planned' ORDER BY created_at LIMIT \(unsafeRaw: String(Self.batch))\(lock))
            RETURNING id
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !claimed.isEmpty else { return false }
        let runs = try await AutomationRunRow.query(on: app.db).filter(\.$id ~~ claimed).sort(\.$createdAt).all()
        for run in runs {
            let (results, replied) = await AutomationExecutor(app: app, run: run).perform()
            let failed = results.contains { $0.result == "failed" }
            try await app.write { unit in
                try await unit.sql.raw("""
                    UPDATE automation_runs SET status = \(bind: failed ? "failed" : "done"), results = \(bind: String(decoding: try JSONSorted.encoder.encode(results), as: UTF8.self)),
                        replied = \(bind: replied), finished_at = \(bind: unit.now)
                    WHERE id = \(bind: run.id!)
                    """).run()
                try await unit.sql.raw("UPDATE automation_rules SET last_fired_at = \(bind: unit.now) WHERE id = \(bind: run.ruleID)").run()
            }
        }
        return claimed.count == Self.batch
    }

    /// Messages rules sent this customer within the reply window.
    func recentReplies(contactID: UUID, now: Date) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n FROM automation_runs
            WHERE contact_id = \(bind: contactID) AND replied = \(bind: true) AND finished_at >= \(bind: now.addingTimeInterval(-AutomationGuard.replyWindow))
            """).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: time rules

    /// For each enabled time rule: the objects whose timer came due since the rule last looked
    /// (its watermark) are tried once, at that moment's state; the watermark moves to now. A rule
    /// is claimed by a row lock, so two instances never look at the same window. True when a
    /// rule had more than a batch due (run again).
    func timers(now: Date) async throws -> Bool {
        let rows = try await AutomationRuleRow.query(on: app.db).filter(\.$enabled == true).filter(\.$triggerKey ~~ AutomationTimer.allCases.map { "timer:" + $0.rawValue }).all()
        var more = false
        var next: Date?
        for row in rows {
            guard let rule = row.rule, case .time(let timer, let minutes) = rule.trigger else { continue }
            let ruleID = row.id!
            let accountID = row.accountID
            let result = try await app.write { unit -> (Bool, Date?) in
                guard try await JobClaim.lockRow(table: AutomationRuleRow.schema, id: ruleID, on: unit.db),
                      let fresh = try await AutomationRuleRow.query(on: unit.db).filter(\.$id == ruleID).filter(\.$enabled == true).first()
                else { return (false, nil) }
                let span = Double(minutes) * 60
                let from = fresh.timerWatermark ?? now.addingTimeInterval(-span)
                let to = now.addingTimeInterval(-span)
                let due = from < to ? try await Self.due(timer, accountID: accountID, after: from, upTo: to, limit: Self.batch + 1, on: unit.sql) : []
                let taken = Array(due.prefix(Self.batch))
                for (id, anchor) in taken {
                    guard var subject = try await AutomationSubjects.load(timer.target, id, accountID: accountID, now: now, on: unit.sql) else { continue }
                    subject.changedTo = [:]
                    guard AutomationEngine.evaluate(rule, subject).matched else { continue }
                    try await plan(rule, subject: subject, trigger: rule.trigger.key, occurrence: "timer:\(Int64(anchor.timeIntervalSince1970 * 1000))",
                                   depth: 0, stopped: false, accountID: accountID, in: unit)
                }
                // A full batch: the next pass starts just before the last anchor taken (runs of that
                // anchor are planned once whatever happens: the occurrence is unique).
                let watermark = due.count > Self.batch ? taken.last!.1.addingTimeInterval(-0.001) : max(from, to)
                fresh.timerWatermark = watermark
                try await fresh.update(on: unit.db)
                let upcoming = try await Self.nextAnchor(timer, accountID: accountID, after: watermark, on: unit.sql)
                return (due.count > Self.batch, upcoming.map { $0.addingTimeInterval(span) })
            }
            more = more || result.0
            if let at = result.1 { next = min(next ?? at, at) }
        }
        if let next { app.jobs.wake(Self.timerJob, at: next, now: now) }
        return more
    }

    /// The objects whose timer anchor lies in (after, upTo], oldest first.
    static func due(_ timer: AutomationTimer, accountID: UUID, after: Date, upTo: Date, limit: Int,
                    on sql: any SQLDatabase) async throws -> [(UUID, Date)] {
        let (table, anchor, state) = Self.shape(timer)
        let rows = try await sql.raw("""
            SELECT id, \(unsafeRaw: anchor) AS anchor FROM \(unsafeRaw: table)
            WHERE account_id = \(bind: accountID) AND \(unsafeRaw: state) AND \(unsafeRaw: anchor) > \(bind: after) AND \(unsafeRaw: anchor) <= \(bind: upTo)
            ORDER BY \(unsafeRaw: anchor) LIMIT \(unsafeRaw: String(limit))
            """).all()
        return try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "anchor", as: Date.self)) }
    }

    /// The earliest anchor after `after` (the next moment the rule has something to look at).
    static func nextAnchor(_ timer: AutomationTimer, accountID: UUID, after: Date, on sql: any SQLDatabase) async throws -> Date? {
        let (table, anchor, state) = Self.shape(timer)
        let row = try await sql.raw("""
            SELECT \(unsafeRaw: anchor) AS anchor FROM \(unsafeRaw: table)
            WHERE account_id = \(bind: accountID) AND \(unsafeRaw: state) AND \(unsafeRaw: anchor) > \(bind: after)
            ORDER BY \(unsafeRaw: anchor) LIMIT 1
            """).first()
        return try row?.decode(column: "anchor", as: Date.self)
    }

    /// The anchor of an object for a timer (nil: the timer does not run for it now).
    static func anchor(_ timer: AutomationTimer, _ id: UUID, accountID: UUID, on sql: any SQLDatabase) async throws -> Date? {
        let (table, anchor, state) = Self.shape(timer)
        let row = try await sql.raw("""
            SELECT \(unsafeRaw: anchor) AS anchor FROM \(unsafeRaw: table) WHERE id = \(bind: id) AND account_id = \(bind: accountID) AND \(unsafeRaw: state)
            """).first()
        return try row?.decode(column: "anchor", as: Date?.self)
    }

    /// Table, anchor column and state filter of each timer (fixed SQL, no input in it).
    private static func shape(_ timer: AutomationTimer) -> (String, String, String) {
        switch timer {
        case .conversationUnanswered: ("conversations", "awaiting_since", "status = 'open' AND awaiting_since IS NOT NULL")
        case .conversationIdle: ("conversations", "last_message_at", "status = 'open' AND last_message_at IS NOT NULL")
        case .ticketPending: ("tickets", "status_changed_at", "status = 'pending' AND status_changed_at IS NOT NULL")
        case .ticketUnsolved: ("tickets", "created_at", "status IN ('new', 'open', 'pending', 'on_hold')")
        }
    }

    // MARK: reading the log

    func list(accountID: UUID, ruleID: UUID?, target: (AutomationTarget, UUID)?, limit: Int) async throws -> [AutomationRunDTO] {
        var query = AutomationRunRow.query(on: app.db).filter(\.$accountID == accountID)
        if let ruleID { query = query.filter(\.$ruleID == ruleID) }
        if let (type, id) = target { query = query.filter(\.$targetType == type.rawValue).filter(\.$targetID == id) }
        return try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit).all().map(AutomationRunDTO.init)
    }
}

extension Application {
    var automationRuns: AutomationRuns { AutomationRuns(app: self) }
}
