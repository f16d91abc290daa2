import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// A shop's calendars and SLA policies, and the only writer of them (audited). Every save of a
/// policy is a new version; clocks started under an older one keep theirs.
struct SLASetup {
    let app: Application

    static let maxCalendars = 50
    static let maxPolicies = 100
    static let maxName = 80

    // MARK: calendars

    func calendars(_ accountID: UUID) async throws -> [SLACalendarDTO] {
        let rows = try await SLACalendar.query(on: app.db).filter(\.$accountID == accountID).sort(\.$name).all()
        let policies = try await SLAPolicy.query(on: app.db).filter(\.$accountID == accountID).all()
        return rows.map { dto($0, policies: policies) }
    }

    func calendar(_ id: UUID?, accountID: UUID, on db: (any Database)? = nil) async throws -> SLACalendar {
        guard let id, let row = try await SLACalendar.query(on: db ?? app.db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("calendar")
        }
        return row
    }

    func dto(_ row: SLACalendar, policies: [SLAPolicy]) -> SLACalendarDTO {
        SLACalendarDTO(id: row.id!, name: row.name, hours: row.hours,
                       policyIds: policies.filter { $0.rules?.calendarId == row.id }.compactMap(\.id),
                       createdAt: row.createdAt, updatedAt: row.updatedAt)
    }

    func saveCalendar(_ input: SLACalendarInput, id: UUID?, by principal: Principal, ip: String?) async throws -> SLACalendarDTO {
        let now = app.kefu.clock.now()
        let accountID = principal.accountID
        let row: SLACalendar
        if let id {
            row = try await calendar(id, accountID: accountID)
        } else {
            guard input.name != nil else { throw DomainError.invalid("name", "name is required") }
            guard input.hours != nil else { throw DomainError.invalid("hours", "hours is required") }
            let count = try await SLACalendar.query(on: app.db).filter(\.$accountID == accountID).count()
            guard count < Self.maxCalendars else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxCalendars) calendars") }
            row = SLACalendar()
            row.id = app.kefu.ids.make()
            row.accountID = accountID
            row.createdAt = now
        }
        let name = (input.name ?? row.name).trimmingCharacters(in: .whitespacesAndNewlines)
        let previous: BusinessHours? = id == nil ? nil : row.hours
        guard let hours = input.hours ?? previous else { throw DomainError.invalid("hours", "hours is required") }
        if let error = DomainError.invalid(SLACalendarRules.problems(name: name, hours: hours)) { throw error }
        if try await SLACalendar.query(on: app.db).filter(\.$accountID == accountID).filter(\.$name == name)
            .filter(\.$id != row.id!).first() != nil {
            throw DomainError.conflict("name", "a calendar named '\(name)' exists")
        }
        row.name = name
        row.hours = hours
        row.updatedAt = now
        let creating = id == nil
        let app = self.app
        try await app.write { unit in
            if creating { try await row.create(on: unit.db) } else { try await row.update(on: unit.db) }
            try await AuditLog.record(creating ? "sla_calendar.create" : "sla_calendar.update", target: "sla_calendar", id: row.id!.uuidString,
                                      details: ["name": name], by: principal, ip: ip, at: now, on: unit.db)
            // Running clocks on this calendar count the rest of their target on the new hours;
            // inboxes that keep their hours by it copy them (``InboxCalendarListener``).
            if let previous, previous != hours {
                try await app.slaClocks.recalendar(row.id!, accountID: accountID, from: previous, to: hours, in: unit)
                unit.record([.calendarUpdated(CalendarUpdated(calendarID: row.id!, name: name, hours: hours))], accountID: accountID,
                            actor: principal.actor)
            }
        }
        app.slaPolicies.forget(accountID)
        let policies = try await SLAPolicy.query(on: app.db).filter(\.$accountID == accountID).all()
        return dto(row, policies: policies)
    }

    /// A new calendar for an inbox's hours, named after the inbox (or "name (2)" … when taken).
    func calendarForInbox(named name: String, hours: BusinessHours, by principal: Principal, ip: String?) async throws -> SLACalendarDTO {
        var candidate = String(name.prefix(SLACalendarRules.maxName - 5))
        var n = 2
        while try await SLACalendar.query(on: app.db).filter(\.$accountID == principal.accountID).filter(\.$name == candidate).first() != nil {
            candidate = "\(name.prefix(SLACalendarRules.maxName - 5)) (\(n))"
            n += 1
        }
        return try await saveCalendar(SLACalendarInput(name: candidate, hours: hours), id: nil, by: principal, ip: ip)
    }

    /// Deletes a calendar no policy counts on and no inbox keeps its hours by.
    func deleteCalendar(_ id: UUID?, by principal: Principal, ip: String?) async throws {
        let row = try await calendar(id, accountID: principal.accountID)
        let inboxes = try await Inbox.query(on: app.db).filter(\.$accountID == principal.accountID).filter(\.$calendarID == row.id!).all()
        guard inboxes.isEmpty else {
            throw DomainError.conflict("id", "the inboxes " + inboxes.map { "'\($0.name)'" }.joined(separator: ", ")
                                       + " keep their business hours by this calendar; give them other hours first")
        }
        let users = try await SLAPolicy.query(on: app.db).filter(\.$accountID == principal.accountID).all()
            .filter { $0.rules?.calendarId == row.id }
        guard users.isEmpty else {
            throw DomainError.conflict("id", "the calendar is used by the policies " + users.map { "'\($0.name)'" }.joined(separator: ", ")
                                       + "; give them another calendar first")
        }
        let now = app.kefu.clock.now()
        try await app.db.transaction { tx in
            try await row.delete(on: tx)
            try await AuditLog.record("sla_calendar.delete", target: "sla_calendar", id: row.id!.uuidString,
                                      details: ["name": row.name], by: principal, ip: ip, at: now, on: tx)
        }
        app.slaPolicies.forget(principal.accountID)
    }

    // MARK: policies

    func policies(_ accountID: UUID) async throws -> [SLAPolicyDTO] {
        try await SLAPolicy.query(on: app.db).filter(\.$accountID == accountID).sort(\.$position).sort(\.$createdAt).all().map(SLAPolicyDTO.init)
    }

    func policy(_ id: UUID?, accountID: UUID) async throws -> SLAPolicy {
        guard let id, let row = try await SLAPolicy.query(on: app.db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("SLA policy")
        }
        return row
    }

    func savePolicy(_ input: SLAPolicyInput, id: UUID?, by principal: Principal, ip: String?) async throws -> SLAPolicyDTO {
        let now = app.kefu.clock.now()
        let accountID = principal.accountID
        let row: SLAPolicy
        var rules: SLAPolicyRules
        if let id {
            row = try await policy(id, accountID: accountID)
            rules = row.rules ?? SLAPolicyRules(targets: [])
        } else {
            guard input.name != nil else { throw DomainError.invalid("name", "name is required") }
            guard input.targets != nil else { throw DomainError.invalid("targets", "targets are required") }
            let existing = try await SLAPolicy.query(on: app.db).filter(\.$accountID == accountID).all()
            guard existing.count < Self.maxPolicies else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxPolicies) SLA policies") }
            row = SLAPolicy()
            row.id = app.kefu.ids.make()
            row.accountID = accountID
            row.position = (existing.map(\.position).max() ?? -1) + 1
            row.enabled = true
            row.version = 0
            row.createdAt = now
            rules = SLAPolicyRules(targets: [])
        }
        if let conditions = input.conditions { rules.conditions = conditions }
        if let calendarId = input.calendarId { rules.calendarId = calendarId }
        if let targets = input.targets { rules.targets = targets }
        if let warning = input.warning { rules.warning = warning }
        let name = (input.name ?? row.name).trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if name.isEmpty || name.count > Self.maxName { problems.append(FieldProblem(field: "name", message: "name must be 1 to \(Self.maxName) characters")) }
        problems += rules.problems()
        problems += try await references(rules, accountID: accountID)
        if let error = DomainError.invalid(problems) { throw error }
        rules.conditions.tags = rules.conditions.tags.map { $0.trimmingCharacters(in: .whitespaces) }
        row.name = name
        if let enabled = input.enabled { row.enabled = enabled }
        row.rulesJSON = String(decoding: try JSONSorted.encoder.encode(rules), as: UTF8.self)
        row.version += 1
        row.updatedAt = now
        let creating = id == nil
        let version = SLAPolicyVersion()
        version.id = app.kefu.ids.make()
        version.accountID = accountID
        version.policyID = row.id!
        version.version = row.version
        version.name = name
        version.rulesJSON = row.rulesJSON
        version.createdAt = now
        try await app.db.transaction { tx in
            if creating { try await row.create(on: tx) } else { try await row.update(on: tx) }
            try await version.create(on: tx)
            try await AuditLog.record(creating ? "sla_policy.create" : "sla_policy.update", target: "sla_policy", id: row.id!.uuidString,
                                      details: ["name": name, "version": String(row.version), "enabled": String(row.enabled)],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        app.slaPolicies.forget(accountID)
        return SLAPolicyDTO(row)
    }

    /// The calendar and inboxes named must be the shop's; ticket types the shop's own.
    private func references(_ rules: SLAPolicyRules, accountID: UUID) async throws -> [FieldProblem] {
        var out: [FieldProblem] = []
        if let calendarId = rules.calendarId,
           try await SLACalendar.query(on: app.db).filter(\.$accountID == accountID).filter(\.$id == calendarId).first() == nil {
            out.append(FieldProblem(field: "calendarId", message: "calendarId: no calendar \(calendarId.uuidString.lowercased()) in this shop"))
        }
        if !rules.conditions.inboxIds.isEmpty {
            let known = Set(try await Inbox.query(on: app.db).filter(\.$accountID == accountID).all(\.$id))
            for (index, id) in rules.conditions.inboxIds.enumerated() where !known.contains(id) {
                out.append(FieldProblem(field: "conditions.inboxIds[\(index)]", message: "conditions.inboxIds[\(index)]: no inbox \(id.uuidString.lowercased()) in this shop"))
            }
        }
        if !rules.conditions.ticketTypes.isEmpty {
            let settings = try await TicketSettingsStore.load(accountID, now: app.kefu.clock.now(), on: app.db)
            let keys = Set(TicketSettingsStore.types(settings).map(\.key))
            for (index, key) in rules.conditions.ticketTypes.enumerated() where !keys.contains(key) {
                out.append(FieldProblem(field: "conditions.ticketTypes[\(index)]",
                                        message: "conditions.ticketTypes[\(index)]: '\(key)' is not one of the shop's ticket types: " + keys.sorted().joined(separator: ", ")))
            }
        }
        return out
    }

    func deletePolicy(_ id: UUID?, by principal: Principal, ip: String?) async throws {
        let row = try await policy(id, accountID: principal.accountID)
        let now = app.kefu.clock.now()
        try await app.db.transaction { tx in
            try await row.delete(on: tx)
            try await AuditLog.record("sla_policy.delete", target: "sla_policy", id: row.id!.uuidString,
                                      details: ["name": row.name], by: principal, ip: ip, at: now, on: tx)
        }
        app.slaPolicies.forget(principal.accountID)
    }

    /// Puts the policies in the order of `ids`, which must name each of the shop's policies once.
    func reorder(_ ids: [UUID], by principal: Principal, ip: String?) async throws -> [SLAPolicyDTO] {
        let rows = try await SLAPolicy.query(on: app.db).filter(\.$accountID == principal.accountID).all()
        try await Ordering.reorder(rows, as: ids, noun: "SLA policies", action: "sla_policy.reorder", target: "sla_policy", by: principal, ip: ip,
                                   now: app.kefu.clock.now(), on: app.db)
        app.slaPolicies.forget(principal.accountID)
        return try await policies(principal.accountID)
    }
}

/// The enabled policies of a shop in order, with the calendars they count on: read on every
/// ticket and conversation event, so cached (forgotten at once on this instance's writes, after
/// ``SLAPolicyCatalog/ttl`` on the others).
struct SLAPolicyCatalog: Sendable {
    struct Entry: Sendable {
        var applied: SLAApplied
        var name: String
    }
    var policies: [Entry]
    var calendars: [UUID: BusinessHours]
    /// Whether the shop has running or paused clocks (policies turned off still finish theirs).
    var hasOpenClocks = false

    /// Nothing to do for this shop's events: no enabled policy and no clock left open.
    var isIdle: Bool { policies.isEmpty && !hasOpenClocks }

    static let ttl: Duration = .seconds(10)

    func first(matching subject: SLASubject) -> Entry? {
        policies.first { $0.applied.rules.matches(subject) }
    }

    func hours(_ rules: SLAPolicyRules) -> SLAHours {
        rules.calendarId.flatMap { calendars[$0] }.map(SLAHours.calendar) ?? .always
    }

    static func load(_ accountID: UUID, on db: any Database) async throws -> SLAPolicyCatalog {
        let rows = try await SLAPolicy.query(on: db).filter(\.$accountID == accountID).filter(\.$enabled == true)
            .sort(\.$position).sort(\.$createdAt).all()
        let calendars = try await SLACalendar.query(on: db).filter(\.$accountID == accountID).all()
        let open = rows.isEmpty ? try await (db as! any SQLDatabase).raw("""
            SELECT 1 AS one FROM sla_clocks WHERE account_id = \(bind: accountID) AND state IN ('running', 'paused') LIMIT 1
            """).first() != nil : true
        return SLAPolicyCatalog(
            policies: rows.compactMap { row in
                row.rules.map { Entry(applied: SLAApplied(policyID: row.id!, version: row.version, rules: $0), name: row.name) }
            },
            calendars: Dictionary(calendars.map { ($0.id!, $0.hours) }, uniquingKeysWith: { a, _ in a }), hasOpenClocks: open)
    }
}

final class SLAPolicyCache: Sendable {
    let cache = TTLCache<UUID, SLAPolicyCatalog>(ttl: SLAPolicyCatalog.ttl, limit: 10_000)

    func catalog(_ accountID: UUID, on db: any Database) async throws -> SLAPolicyCatalog {
        try await cache.value(accountID) { try await SLAPolicyCatalog.load(accountID, on: db) } ?? SLAPolicyCatalog(policies: [], calendars: [:])
    }

    func forget(_ accountID: UUID) { cache.forget(accountID) }
}

struct SLAPolicyCacheKey: StorageKey { typealias Value = SLAPolicyCache }

extension Application {
    var sla: SLASetup { SLASetup(app: self) }

    /// The shops' enabled SLA policies, cached.
    var slaPolicies: SLAPolicyCache { configured(SLAPolicyCacheKey.self) }
}
