import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The SLA clocks of tickets and conversations, and the only writer of them (`sla_subjects`,
/// `sla_clocks`, `sla_events`): ``SLAListener`` hands it what happened, in the listener's
/// transaction (exactly once); the timer (``fireDue(now:)``) warns and breaches at the exact
/// moment, once, whichever instance claims the clock. The rules are ``SLAEngine``'s.
struct SLAClocks {
    let app: Application

    static let timerJob = "sla.timers"
    /// Clocks taken per timer pass.
    static let batch = 200
    /// How long a claimed clock is kept from other instances while one works on it.
    static let lease: TimeInterval = 30
    /// Metrics a reopened case resumes.
    static let reopenable: [SLAMetric] = [.requesterWait, .agentWork, .resolution]

    // MARK: reacting

    /// A ticket's or conversation's row in `sla_subjects`: the policy it is under and whether a
    /// reply clock is open.
    struct SubjectRow: Sendable {
        var policyID: UUID?
        var policyVersion: Int?
        var priority: String
        var replyOpen: Bool
    }

    static func subjectRow(_ type: SLATargetType, _ id: UUID, accountID: UUID, on sql: any SQLDatabase) async throws -> SubjectRow? {
        guard let row = try await sql.raw("""
            SELECT policy_id, policy_version, priority, reply_open FROM sla_subjects
            WHERE target_id = \(bind: id) AND target_type = \(bind: type.rawValue) AND account_id = \(bind: accountID)
            """).first() else { return nil }
        return SubjectRow(policyID: try row.decodeNil(column: "policy_id") ? nil : try row.decode(column: "policy_id", as: UUID.self),
                          policyVersion: try row.decodeNil(column: "policy_version") ? nil : try row.decode(column: "policy_version", as: Int.self),
                          priority: try row.decode(column: "priority", as: String.self), replyOpen: try row.decode(column: "reply_open", as: Bool.self))
    }

    /// Applies `signal` to `subject` in `unit`; `current` is its `sla_subjects` row as read in
    /// this transaction (nil: not seen before). Nothing is written for a shop without enabled
    /// policies.
    func react(_ signal: SLASignal, at: Date, subject: SLASubject, current: SubjectRow?, firstReplied: Bool, accountID: UUID,
               in unit: UnitOfWork) async throws {
        let catalog = try await app.slaPolicies.catalog(accountID, on: unit.db)
        let sql = unit.sql
        guard current != nil || !catalog.policies.isEmpty else { return }
        let currentPolicy = current?.policyID
        let currentVersion = current?.policyVersion
        let currentPriority = current?.priority

        // The policy that applies: a first look, or a change of the fields policies look at,
        // matches again (the same policy keeps the version its clocks started with); otherwise
        // the current one.
        var applied: SLAApplied?
        if current == nil || signal == .reapplied {
            if let match = catalog.first(matching: subject) {
                applied = match.applied
                if match.applied.policyID == currentPolicy, let currentVersion, currentVersion != match.applied.version {
                    applied = try await version(match.applied.policyID, currentVersion, on: unit.db) ?? match.applied
                }
            }
        } else if let currentPolicy, let currentVersion {
            applied = catalog.policies.first { $0.applied.policyID == currentPolicy && $0.applied.version == currentVersion }?.applied
            if applied == nil { applied = try await version(currentPolicy, currentVersion, on: unit.db) }
        }
        if current == nil {
            try await sql.raw("""
                INSERT INTO sla_subjects (id, account_id, target_type, target_id, policy_id, policy_version, priority, updated_at)
                VALUES (\(bind: app.kefu.ids.make()), \(bind: accountID), \(bind: subject.type.rawValue), \(bind: subject.id),
                        \(bind: applied?.policyID), \(bind: applied?.version), \(bind: subject.priority.rawValue), \(bind: unit.now))
                """).run()
            guard applied != nil else { return }
            if signal == .started {
                try await apply(.started, at: at, subject: subject, firstReplied: firstReplied, applied: applied, catalog: catalog, accountID: accountID,
                                wasReplyOpen: false, in: unit)
                return
            }
            // Seen for the first time after it began (a policy made later, a ticket from before):
            // the policy applies now, then the signal.
            try await apply(.reapplied, at: at, subject: subject, firstReplied: firstReplied, applied: applied, catalog: catalog, accountID: accountID,
                            wasReplyOpen: false, in: unit)
            if signal == .reapplied { return }
        } else if signal == .reapplied {
            if applied?.policyID == currentPolicy && applied?.version == currentVersion && currentPriority == subject.priority.rawValue { return }
            try await sql.raw("""
                UPDATE sla_subjects SET policy_id = \(bind: applied?.policyID), policy_version = \(bind: applied?.version),
                    priority = \(bind: subject.priority.rawValue), updated_at = \(bind: unit.now)
                WHERE target_id = \(bind: subject.id) AND target_type = \(bind: subject.type.rawValue) AND account_id = \(bind: accountID)
                """).run()
        }
        try await apply(signal, at: at, subject: subject, firstReplied: firstReplied, applied: applied, catalog: catalog, accountID: accountID,
                        wasReplyOpen: current == nil ? nil : current?.replyOpen, in: unit)
    }

    /// `wasReplyOpen`: the subject row's `reply_open` before (nil: not known).
    private func apply(_ signal: SLASignal, at: Date, subject: SLASubject, firstReplied: Bool, applied: SLAApplied?, catalog: SLAPolicyCatalog,
                       accountID: UUID, wasReplyOpen: Bool?, in unit: UnitOfWork) async throws {
        let clocks = try await load(subject, in: unit)
        if clocks.isEmpty, applied == nil { return }
        let hours = applied.map { catalog.hours($0.rules) } ?? .always
        let ids = app.kefu.ids
        let outcome = SLAEngine.react(to: signal, at: at, subject: subject, clocks: clocks.map(\.clock), policy: applied,
                                      firstReplied: firstReplied, hours: hours, newID: { ids.make() })
        var earliest: Date?
        for clock in outcome.changed {
            if outcome.created.contains(clock.id) {
                guard let applied else { continue }
                try await insert(clock, subject: subject, policy: applied, accountID: accountID, in: unit)
            } else {
                try await update(clock, in: unit)
            }
            if let fire = clock.nextFireAt { earliest = min(earliest ?? fire, fire) }
        }
        let policyOf = Dictionary(clocks.map { ($0.clock.id, ($0.policyID, $0.policyVersion)) }, uniquingKeysWith: { a, _ in a })
        try await appendLog(outcome.log.map { entry in
            LogLine(entry: entry, accountID: accountID, targetType: subject.type, targetID: subject.id,
                    policy: entry.clockID.flatMap { policyOf[$0] } ?? applied.map { ($0.policyID, $0.version) })
        }, in: unit)
        if let earliest {
            let app = self.app
            unit.onCommit { SLATimer.wake(app, at: earliest) }
        }
        // Whether a reply clock is open now, for the next customer message to skip cheaply.
        var final = Dictionary(clocks.map { ($0.clock.id, $0.clock) }, uniquingKeysWith: { a, _ in a })
        for clock in outcome.changed { final[clock.id] = clock }
        let replyOpen = final.values.contains { !$0.state.isFinished && Self.replyMetrics.contains($0.metric) }
        guard replyOpen != wasReplyOpen else { return }
        try await unit.sql.raw("""
            UPDATE sla_subjects SET reply_open = \(bind: replyOpen)
            WHERE target_id = \(bind: subject.id) AND target_type = \(bind: subject.type.rawValue) AND account_id = \(bind: accountID)
              AND reply_open <> \(bind: replyOpen)
            """).run()
    }

    /// A calendar's hours changed: the running clocks of policy versions counting on it keep the
    /// time counted so far and are due by the new hours.
    func recalendar(_ calendarID: UUID, accountID: UUID, from old: BusinessHours, to new: BusinessHours, in unit: UnitOfWork) async throws {
        let versions = try await SLAPolicyVersion.query(on: unit.db).filter(\.$accountID == accountID).all()
            .filter { $0.rules?.calendarId == calendarID }
        guard !versions.isEmpty else { return }
        let using = Set(versions.map { "\($0.policyID.uuidString)/\($0.version)" })
        let rows = try await unit.sql.raw("""
            SELECT \(unsafeRaw: SLAClockRow.columns) FROM sla_clocks
            WHERE account_id = \(bind: accountID) AND state = 'running' AND policy_id IN (\(SQLList(Set(versions.map(\.policyID)).map { SQLBind($0) })))
            """).all().compactMap(SLAClockRow.init).filter { using.contains("\($0.policyID.uuidString)/\($0.policyVersion)") }
        var earliest: Date?
        for row in rows {
            var clock = row.clock
            clock.recalendar(at: unit.now, from: .calendar(old), to: .calendar(new))
            try await update(clock, in: unit)
            if let fire = clock.nextFireAt { earliest = min(earliest ?? fire, fire) }
        }
        if let earliest {
            let app = self.app
            unit.onCommit { SLATimer.wake(app, at: earliest) }
        }
    }

    /// Metrics whose open clock means a customer's message starts nothing.
    static let replyMetrics: Set<SLAMetric> = [.firstReply, .nextReply]

    private func version(_ policyID: UUID, _ version: Int, on db: any Database) async throws -> SLAApplied? {
        guard let row = try await SLAPolicyVersion.query(on: db).filter(\.$policyID == policyID).filter(\.$version == version).first(),
              let rules = row.rules else { return nil }
        return SLAApplied(policyID: policyID, version: version, rules: rules)
    }

    // MARK: the timer

    /// Warns and breaches every clock whose moment has come, each at its exact moment and
    /// once; true when more are waiting. The claimed clocks are read, locked and written back in
    /// one transaction with a statement per clock (its new timer) and one for all their log lines.
    func fireDue(now: Date) async throws -> Bool {
        let ids = try await JobClaim.claim(table: "sla_clocks", dueColumn: "fire_at", ready: "fire_at IS NOT NULL", limit: Self.batch,
                                           lease: Self.lease, now: now, on: app.db)
        if !ids.isEmpty {
            try await app.write { unit in try await fire(ids, in: unit) }
        }
        if ids.count < Self.batch, let next = try await nextFire() { SLATimer.wake(app, at: next) }
        return ids.count == Self.batch
    }

    private func fire(_ ids: [UUID], in unit: UnitOfWork) async throws {
        // Locked for the transaction (PostgreSQL; SQLite's write transaction holds the database),
        // then read again: a clock paused or met since the claim fires nothing.
        let rows = try await SLAClockRow.load(ids: ids, lock: true, on: unit.sql)
        var fired: [(row: SLAClockRow, clock: SLAClock, kinds: [(SLAEventKind, Date)])] = []
        for row in rows {
            var clock = row.clock
            let kinds = clock.fire(now: unit.now)
            try await update(clock, in: unit)
            if !kinds.isEmpty { fired.append((row, clock, kinds)) }
        }
        guard !fired.isEmpty else { return }
        let inboxes = try await inboxes(of: fired.map(\.row), on: unit.sql)
        var log: [LogLine] = []
        for (row, clock, kinds) in fired {
            var facts: [Fact] = []
            for (kind, at) in kinds {
                log.append(LogLine(entry: SLALogEntry(clockID: clock.id, metric: clock.metric, kind: kind, at: at), accountID: row.accountID,
                                   targetType: row.targetType, targetID: row.targetID, policy: (row.policyID, row.policyVersion)))
                let alert = SLAAlert(clockID: clock.id, targetType: row.targetType, targetID: row.targetID, metric: clock.metric,
                                     policyID: row.policyID, policyVersion: row.policyVersion, at: at, dueAt: clock.dueAt,
                                     inboxID: inboxes[row.targetID])
                facts.append(kind == .breached ? .slaBreached(alert) : .slaWarned(alert))
            }
            unit.record(facts, accountID: row.accountID, actor: .system)
        }
        try await appendLog(log, in: unit)
    }

    /// The inbox of each ticket or conversation (who may see the alert), one query per kind.
    private func inboxes(of rows: [SLAClockRow], on sql: any SQLDatabase) async throws -> [UUID: UUID] {
        var out: [UUID: UUID] = [:]
        for type in SLATargetType.allCases {
            let ids = Array(Set(rows.filter { $0.targetType == type }.map(\.targetID)))
            guard !ids.isEmpty else { continue }
            let table = type == .ticket ? "tickets" : "conversations"
            let accounts = Dictionary(rows.map { ($0.targetID, $0.accountID) }, uniquingKeysWith: { a, _ in a })
            let found = try await sql.raw("""
                SELECT id, account_id, inbox_id FROM \(ident: table) WHERE id IN (\(SQLList(ids.map { SQLBind($0) }))) AND inbox_id IS NOT NULL
                """).all()
            for row in found {
                let id = try row.decode(column: "id", as: UUID.self)
                guard accounts[id] == (try row.decode(column: "account_id", as: UUID.self)) else { continue }
                out[id] = try row.decode(column: "inbox_id", as: UUID.self)
            }
        }
        return out
    }

    /// The earliest timer of any clock (the next moment the timer must run).
    func nextFire() async throws -> Date? {
        let sql = app.db as! any SQLDatabase
        let row = try await sql.raw("SELECT fire_at FROM sla_clocks WHERE fire_at IS NOT NULL ORDER BY fire_at LIMIT 1").first()
        return try row?.decode(column: "fire_at", as: Date.self)
    }

    // MARK: rows

    /// The subject's unfinished clocks and its finished clocks a reopening resumes.
    private func load(_ subject: SLASubject, in unit: UnitOfWork) async throws -> [SLAClockRow] {
        try await SLAClockRow.forTarget(subject.type, subject.id, on: unit.sql).filter { row in
            !row.clock.state.isFinished || (row.clock.state == .fulfilled && Self.reopenable.contains(row.clock.metric))
        }
    }

    private func insert(_ c: SLAClock, subject: SLASubject, policy: SLAApplied, accountID: UUID, in unit: UnitOfWork) async throws {
        try await unit.sql.raw("""
            INSERT INTO sla_clocks (id, account_id, target_type, target_id, metric, policy_id, policy_version, target_seconds,
                warn_after_seconds, activated_at, state, running_since, used_seconds, due_at, warn_at, warned_at, breached_at,
                finished_at, fire_at, updated_at)
            VALUES (\(bind: c.id), \(bind: accountID), \(bind: subject.type.rawValue), \(bind: subject.id), \(bind: c.metric.rawValue),
                \(bind: policy.policyID), \(bind: policy.version), \(bind: c.targetSeconds), \(bind: c.warnAfterSeconds),
                \(bind: c.activatedAt), \(bind: c.state.rawValue), \(bind: c.runningSince), \(bind: c.usedSeconds), \(bind: c.dueAt),
                \(bind: c.warnAt), \(bind: c.warnedAt), \(bind: c.breachedAt), \(bind: c.finishedAt), \(bind: c.nextFireAt), \(bind: unit.now))
            """).run()
    }

    private func update(_ c: SLAClock, in unit: UnitOfWork) async throws {
        try await unit.sql.raw("""
            UPDATE sla_clocks SET target_seconds = \(bind: c.targetSeconds), warn_after_seconds = \(bind: c.warnAfterSeconds),
                state = \(bind: c.state.rawValue), running_since = \(bind: c.runningSince), used_seconds = \(bind: c.usedSeconds),
                due_at = \(bind: c.dueAt), warn_at = \(bind: c.warnAt), warned_at = \(bind: c.warnedAt), breached_at = \(bind: c.breachedAt),
                finished_at = \(bind: c.finishedAt), fire_at = \(bind: c.nextFireAt), updated_at = \(bind: unit.now)
            WHERE id = \(bind: c.id)
            """).run()
    }

    /// A line of the SLA log with what it is about.
    struct LogLine {
        var entry: SLALogEntry
        var accountID: UUID
        var targetType: SLATargetType
        var targetID: UUID
        var policy: (id: UUID, version: Int)?
    }

    /// Log lines, one statement.
    private func appendLog(_ lines: [LogLine], in unit: UnitOfWork) async throws {
        guard !lines.isEmpty else { return }
        let ids = app.kefu.ids
        let values = SQLList(lines.map { line in
            SQLGroupExpression(SQLList([
                SQLBind(ids.make()), SQLBind(line.accountID), SQLBind(line.targetType.rawValue), SQLBind(line.targetID),
                SQLBind(line.entry.clockID), SQLBind(line.entry.metric?.rawValue), SQLBind(line.entry.kind.rawValue), SQLBind(line.entry.at),
                SQLBind(line.policy?.id), SQLBind(line.policy?.version), SQLBind(unit.now),
            ] as [any SQLExpression]))
        })
        try await unit.sql.raw("""
            INSERT INTO sla_events (id, account_id, target_type, target_id, clock_id, metric, kind, at, policy_id, policy_version, created_at)
            VALUES \(values)
            """).run()
    }
}

/// A row of `sla_clocks`.
struct SLAClockRow: Sendable {
    var accountID: UUID
    var targetType: SLATargetType
    var targetID: UUID
    var policyID: UUID
    var policyVersion: Int
    var clock: SLAClock

    static let columns = """
        id, account_id, target_type, target_id, metric, policy_id, policy_version, target_seconds, warn_after_seconds, activated_at,
        state, running_since, used_seconds, due_at, warn_at, warned_at, breached_at, finished_at
        """

    static func forTarget(_ type: SLATargetType, _ id: UUID, on sql: any SQLDatabase) async throws -> [SLAClockRow] {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM sla_clocks WHERE target_id = \(bind: id) AND target_type = \(bind: type.rawValue)
            ORDER BY activated_at, id
            """).all().compactMap(Self.init)
    }

    /// The clocks `ids`, locked for the transaction on PostgreSQL when `lock` is set.
    static func load(ids: [UUID], lock: Bool, on sql: any SQLDatabase) async throws -> [SLAClockRow] {
        guard !ids.isEmpty else { return [] }
        let forUpdate: SQLQueryString = lock && sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        return try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM sla_clocks WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))\(forUpdate)
            """).all().compactMap(Self.init)
    }

    init?(_ row: any SQLRow) throws {
        func date(_ column: String) throws -> Date? {
            try row.decodeNil(column: column) ? nil : try row.decode(column: column, as: Date.self)
        }
        guard let type = SLATargetType(rawValue: try row.decode(column: "target_type", as: String.self)),
              let metric = SLAMetric(rawValue: try row.decode(column: "metric", as: String.self)),
              let state = SLAClock.State(rawValue: try row.decode(column: "state", as: String.self)) else { return nil }
        accountID = try row.decode(column: "account_id", as: UUID.self)
        targetType = type
        targetID = try row.decode(column: "target_id", as: UUID.self)
        policyID = try row.decode(column: "policy_id", as: UUID.self)
        policyVersion = try row.decode(column: "policy_version", as: Int.self)
        clock = SLAClock(
            id: try row.decode(column: "id", as: UUID.self), metric: metric,
            targetSeconds: try row.decode(column: "target_seconds", as: Int.self),
            warnAfterSeconds: try row.decodeNil(column: "warn_after_seconds") ? nil : try row.decode(column: "warn_after_seconds", as: Int.self),
            activatedAt: try row.decode(column: "activated_at", as: Date.self), state: state,
            runningSince: try date("running_since"), usedSeconds: try row.decode(column: "used_seconds", as: Double.self),
            dueAt: try date("due_at"), warnAt: try date("warn_at"), warnedAt: try date("warned_at"), breachedAt: try date("breached_at"),
            finishedAt: try date("finished_at"))
    }
}

/// Wakes the SLA timer at a clock's moment on this instance (the other instances find it at
/// their next regular pass, within the job's interval, if this one is gone).
enum SLATimer {
    static func wake(_ app: Application, at: Date) {
        app.jobs.wake(SLAClocks.timerJob, at: at, now: app.kefu.clock.now())
    }
}

extension Application {
    /// The SLA clocks (the only writer of them).
    var slaClocks: SLAClocks { SLAClocks(app: self) }
}
