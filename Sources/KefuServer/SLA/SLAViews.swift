import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Reads of SLA clocks for the workbench: one ticket's or conversation's clocks and log, the
/// next due time of listed ones, the breach list. Scoped by the shop and by what the viewer may
/// see (the ticket or conversation is resolved first).
enum SLAViews {
    static let maxIDs = 200
    static let maxEvents = 500

    static func status(_ type: SLATargetType, _ id: UUID, accountID: UUID, app: Application) async throws -> SLAStatusDTO {
        let sql = app.db as! any SQLDatabase
        let now = app.kefu.clock.now()
        let subject = try await sql.raw("""
            SELECT policy_id, policy_version FROM sla_subjects
            WHERE target_id = \(bind: id) AND target_type = \(bind: type.rawValue) AND account_id = \(bind: accountID)
            """).first()
        let policyID = try subject.flatMap { try $0.decodeNil(column: "policy_id") ? nil : try $0.decode(column: "policy_id", as: UUID.self) }
        let policyVersion = try subject.flatMap { try $0.decodeNil(column: "policy_version") ? nil : try $0.decode(column: "policy_version", as: Int.self) }
        let order = Dictionary(uniqueKeysWithValues: SLAMetric.allCases.enumerated().map { ($1, $0) })
        let rows = try await SLAClockRow.forTarget(type, id, on: sql).filter { $0.accountID == accountID }
            .sorted { (order[$0.clock.metric]!, $0.clock.activatedAt) < (order[$1.clock.metric]!, $1.clock.activatedAt) }
        let names = try await policyNames(Set(rows.map(\.policyID)).union(policyID.map { [$0] } ?? []), accountID: accountID, on: app.db)
        let catalog = try await app.slaPolicies.catalog(accountID, on: app.db)
        let clocks = rows.map { row in
            let rules = catalog.policies.first { $0.applied.policyID == row.policyID }?.applied.rules
            let hours = rules.map(catalog.hours) ?? .always
            let c = row.clock
            return SLAClockDTO(id: c.id, metric: c.metric, state: c.state, policyId: row.policyID, policyName: names[row.policyID],
                               policyVersion: row.policyVersion, targetSeconds: c.targetSeconds,
                               elapsedSeconds: Int(c.elapsed(at: now, hours: hours).rounded()), activatedAt: c.activatedAt, dueAt: c.dueAt,
                               warnAt: c.warnAt, warnedAt: c.warnedAt, breachedAt: c.breachedAt, finishedAt: c.finishedAt)
        }
        let events = try await sql.raw("""
            SELECT at, kind, metric, clock_id, policy_id, policy_version FROM sla_events
            WHERE target_id = \(bind: id) AND target_type = \(bind: type.rawValue) AND account_id = \(bind: accountID)
            ORDER BY at, created_at LIMIT \(unsafeRaw: String(maxEvents))
            """).all().compactMap { row -> SLAEventDTO? in
            guard let kind = SLAEventKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
            return SLAEventDTO(
                at: try row.decode(column: "at", as: Date.self), kind: kind,
                metric: try row.decodeNil(column: "metric") ? nil : SLAMetric(rawValue: try row.decode(column: "metric", as: String.self)),
                clockId: try row.decodeNil(column: "clock_id") ? nil : try row.decode(column: "clock_id", as: UUID.self),
                policyId: try row.decodeNil(column: "policy_id") ? nil : try row.decode(column: "policy_id", as: UUID.self),
                policyVersion: try row.decodeNil(column: "policy_version") ? nil : try row.decode(column: "policy_version", as: Int.self))
        }
        let next = clocks.filter { $0.state == .running }.compactMap(\.dueAt).min()
        return SLAStatusDTO(targetType: type, targetId: id, policyId: policyID, policyName: policyID.flatMap { names[$0] },
                            policyVersion: policyVersion, asOf: now, nextDueAt: next, clocks: clocks, events: events)
    }

    /// For each id: the clock due first (running before paused), if any.
    static func due(_ type: SLATargetType, _ ids: [UUID], accountID: UUID, on db: any Database) async throws -> [SLADueDTO] {
        guard !ids.isEmpty else { return [] }
        let sql = db as! any SQLDatabase
        let list = SQLList(ids.map { SQLBind($0) })
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: SLAClockRow.columns) FROM sla_clocks
            WHERE account_id = \(bind: accountID) AND target_type = \(bind: type.rawValue) AND target_id IN (\(list))
              AND state IN ('running', 'paused')
            """).all().compactMap(SLAClockRow.init)
        var best: [UUID: SLAClock] = [:]
        for row in rows {
            let c = row.clock
            if let current = best[row.targetID] {
                let better = (c.state == .running && current.state != .running)
                    || (c.state == current.state && (c.dueAt ?? .distantFuture) < (current.dueAt ?? .distantFuture))
                if !better { continue }
            }
            best[row.targetID] = c
        }
        return ids.compactMap { id in
            best[id].map { SLADueDTO(targetId: id, metric: $0.metric, dueAt: $0.dueAt, breached: $0.breachedAt != nil, state: $0.state) }
        }
    }

    /// Running clocks breached or due within `within` seconds, soonest first, that the viewer may see.
    static func breaches(viewer: Viewer, within: TimeInterval, limit: Int, app: Application) async throws -> [SLABreachDTO] {
        let sql = app.db as! any SQLDatabase
        let horizon = app.kefu.clock.now().addingTimeInterval(within)
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: SLAClockRow.columns) FROM sla_clocks
            WHERE account_id = \(bind: viewer.accountID) AND state = 'running' AND due_at <= \(bind: horizon)
            ORDER BY due_at LIMIT \(unsafeRaw: String(limit * 4))
            """).all().compactMap(SLAClockRow.init)
        let ticketIDs = rows.filter { $0.targetType == .ticket }.map(\.targetID)
        let conversationIDs = rows.filter { $0.targetType == .conversation }.map(\.targetID)
        let tickets = ticketIDs.isEmpty ? [] : try await viewer.tickets(on: app.db).filter(\.$id ~~ ticketIDs).all()
        let conversations = conversationIDs.isEmpty ? [] : try await viewer.conversations(on: app.db).filter(\.$id ~~ conversationIDs).all()
        let contacts = try await Contact.query(on: app.db).filter(\.$accountID == viewer.accountID)
            .filter(\.$id ~~ Array(Set(conversations.map(\.contactID)))).all()
        let ticketOf = Dictionary(tickets.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let conversationOf = Dictionary(conversations.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let contactName = Dictionary(contacts.map { ($0.id!, $0.name ?? "") }, uniquingKeysWith: { a, _ in a })
        var out: [SLABreachDTO] = []
        for row in rows where out.count < limit {
            let c = row.clock
            switch row.targetType {
            case .ticket:
                guard let t = ticketOf[row.targetID], t.status.isActive else { continue }
                out.append(SLABreachDTO(clockId: c.id, targetType: .ticket, targetId: row.targetID, title: "\(t.numberText) \(t.subject)",
                                        contactId: t.contactID, inboxId: t.inboxID, assigneeId: t.assigneeID, metric: c.metric, dueAt: c.dueAt,
                                        breachedAt: c.breachedAt, state: c.state))
            case .conversation:
                guard let conv = conversationOf[row.targetID], conv.mergedIntoID == nil else { continue }
                out.append(SLABreachDTO(clockId: c.id, targetType: .conversation, targetId: row.targetID,
                                        title: contactName[conv.contactID] ?? "", contactId: conv.contactID, inboxId: conv.inboxID, assigneeId: conv.assigneeID,
                                        metric: c.metric, dueAt: c.dueAt, breachedAt: c.breachedAt, state: c.state))
            }
        }
        return out
    }

    /// The clocks started in the last `days` days (whole days in `zone`, today included) by outcome.
    static func report(accountID: UUID, days: Int, type: SLATargetType?, zone: TimeZone, app: Application) async throws -> SLAReportDTO {
        let sql = app.db as! any SQLDatabase
        let now = app.kefu.clock.now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let to = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now)) ?? now
        let from = calendar.date(byAdding: .day, value: -days, to: to) ?? now
        let typeFilter: SQLQueryString = type.map { " AND target_type = \(bind: $0.rawValue)" } ?? ""
        let rows = try await sql.raw("""
            SELECT metric, policy_id, state, activated_at, breached_at FROM sla_clocks
            WHERE account_id = \(bind: accountID) AND activated_at >= \(bind: from) AND activated_at < \(bind: to)\(typeFilter)
            """).all()
        let clocks: [SLAReport.Clock] = try rows.compactMap { row in
            guard let metric = SLAMetric(rawValue: try row.decode(column: "metric", as: String.self)),
                  let state = SLAClock.State(rawValue: try row.decode(column: "state", as: String.self)) else { return nil }
            return SLAReport.Clock(metric: metric, policyID: try row.decode(column: "policy_id", as: UUID.self), state: state,
                                   activatedAt: try row.decode(column: "activated_at", as: Date.self),
                                   breachedAt: try row.decodeNil(column: "breached_at") ? nil : try row.decode(column: "breached_at", as: Date.self))
        }
        let result = SLAReport.build(clocks, from: from, to: to, zone: zone)
        let names = try await policyNames(Set(result.byPolicy.keys), accountID: accountID, on: app.db)
        return SLAReportDTO(
            days: days, timeZone: zone.identifier, targetType: type, total: .init(result.total),
            byMetric: SLAMetric.allCases.compactMap { m in result.byMetric[m].map { .init(metric: m, counts: .init($0)) } },
            byPolicy: result.byPolicy.map { .init(policyId: $0.key, name: names[$0.key], counts: .init($0.value)) }
                .sorted { ($0.name ?? "", $0.policyId.uuidString) < ($1.name ?? "", $1.policyId.uuidString) },
            byDay: result.byDay.map { .init(day: $0.day, counts: .init($0.summary)) })
    }

    static func policyNames(_ ids: Set<UUID>, accountID: UUID, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await SLAPolicy.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ Array(ids)).all()
        return Dictionary(rows.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
}
