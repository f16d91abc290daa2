import Fluent
import Foundation
import KefuCore
import Vapor

struct ReminderRuleDTO: Content {
    var id: UUID
    var name: String
    var active: Bool
    var timeZone: String
    var delayMinutes: Int
    var maxPerOrder: Int
    var quietStart: String
    var quietEnd: String
    var skipIfChattedWithinMinutes: Int
    var minimumGapMinutes: Int
    var template: String
    var createdAt: Date

    init(_ record: ReminderRuleRecord) {
        let rule = record.rule ?? ReminderRule(timeZone: "Asia/Shanghai")
        id = record.id!; name = record.name; active = record.active; timeZone = rule.timeZone; delayMinutes = rule.delayMinutes
        maxPerOrder = rule.maxPerOrder; quietStart = rule.quietStart; quietEnd = rule.quietEnd
        skipIfChattedWithinMinutes = rule.skipIfChattedWithinMinutes; minimumGapMinutes = rule.minimumGapMinutes
        template = rule.template; createdAt = record.createdAt
    }
}

struct ReminderRuleInput: StrictContent {
    static let allowedFields: Set<String> = ["name", "active", "timeZone", "delayMinutes", "maxPerOrder", "quietStart", "quietEnd",
                                             "skipIfChattedWithinMinutes", "minimumGapMinutes", "template"]
    var name: String?
    var active: Bool?
    var timeZone: String?
    var delayMinutes: Int?
    var maxPerOrder: Int?
    var quietStart: String?
    var quietEnd: String?
    var skipIfChattedWithinMinutes: Int?
    var minimumGapMinutes: Int?
    var template: String?

    func apply(to record: ReminderRuleRecord, creating: Bool, now: Date) throws(DomainError) {
        if creating, name == nil { throw .invalid("name", "name is required") }
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 100 else { throw .invalid("name", "name must be 1 to 100 characters") }
            record.name = trimmed
        }
        if let active { record.active = active }
        var rule = record.rule ?? ReminderRule(timeZone: timeZone ?? "Asia/Shanghai")
        if let timeZone { rule.timeZone = timeZone }
        if let delayMinutes { rule.delayMinutes = delayMinutes }
        if let maxPerOrder { rule.maxPerOrder = maxPerOrder }
        if let quietStart { rule.quietStart = quietStart }
        if let quietEnd { rule.quietEnd = quietEnd }
        if let skipIfChattedWithinMinutes { rule.skipIfChattedWithinMinutes = skipIfChattedWithinMinutes }
        if let minimumGapMinutes { rule.minimumGapMinutes = minimumGapMinutes }
        if let template { rule.template = template }
        try rule.validate()
        record.ruleJSON = OrderJSON.encode(rule)
        record.updatedAt = now
    }
}

struct ReminderRulesDTO: Content { var rules: [ReminderRuleDTO] }

/// Payment-reminder rules of the shop (admins write; members read) and the success statistics.
struct ReminderRulesController {
    static let maxRules = 20

    func list(_ req: Request) async throws -> ReminderRulesDTO {
        let principal = try req.requirePrincipal()
        let rules = try await ReminderRuleRecord.query(on: req.db).filter(\.$accountID == principal.accountID).sort(\.$createdAt).all()
        return ReminderRulesDTO(rules: rules.map(ReminderRuleDTO.init))
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(ReminderRuleInput.self)
        let count = try await ReminderRuleRecord.query(on: req.db).filter(\.$accountID == principal.accountID).count()
        guard count < Self.maxRules else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxRules) reminder rules") }
        let record = ReminderRuleRecord()
        record.accountID = principal.accountID
        record.active = true
        record.ruleJSON = ""
        record.createdAt = req.now
        try input.apply(to: record, creating: true, now: req.now)
        try await save(record, action: "reminder_rule.create", principal, req)
        return try await ReminderRuleDTO(record).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> ReminderRuleDTO {
        let principal = try req.requirePrincipal()
        let record = try await find(req, principal)
        try req.decodeStrict(ReminderRuleInput.self).apply(to: record, creating: false, now: req.now)
        try await save(record, action: "reminder_rule.update", principal, req)
        return ReminderRuleDTO(record)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let principal = try req.requirePrincipal()
        let record = try await find(req, principal)
        let ip = req.clientIP
        try await WriteTransaction.run(on: req.db) { tx in
            try await record.delete(on: tx)
            try await AuditLog.record("reminder_rule.delete", target: "reminder_rule", id: record.id!.uuidString, details: ["name": record.name],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        return .noContent
    }

    private func find(_ req: Request, _ principal: Principal) async throws -> ReminderRuleRecord {
        guard let id = req.parameters.get("id", as: UUID.self),
              let record = try await ReminderRuleRecord.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else { throw DomainError.notFound("reminder rule") }
        return record
    }

    /// Saves, audits and (for an active rule) schedules the shop's unpaid orders, together.
    private func save(_ record: ReminderRuleRecord, action: String, _ principal: Principal, _ req: Request) async throws {
        let ip = req.clientIP
        let now = req.application.kefu.clock.now()
        try await WriteTransaction.run(on: req.db) { tx in
            try await record.save(on: tx)
            if record.active { try await Reminders.scheduleExisting(record, on: tx, now: now) }
            try await AuditLog.record(action, target: "reminder_rule", id: record.id!.uuidString,
                                      details: ["name": record.name, "active": String(record.active), "rule": record.ruleJSON],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.jobs.kick(Reminders.jobName)
    }
}
