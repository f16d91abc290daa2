import Fluent
import Foundation
import KefuCore
import Vapor

struct ReminderStatsDTO: Content {
    struct ByRule: Content {
        var ruleId: UUID
        var name: String
        var sent: Int
        var paid: Int
        var rate: Double
        var medianMinutesToPay: Int?
    }
    struct ByAgent: Content {
        var agentId: UUID
        var name: String
        var agentNumber: Int?
        var sent: Int
        var paid: Int
        var rate: Double
        var medianMinutesToPay: Int?
    }
    var days: Int
    var byRule: [ByRule]
    var byAgent: [ByAgent]
    var total: ReminderStats.Summary
}

/// `GET /api/v1/reminders/stats?days=30`: how many reminded orders were paid afterwards,
/// and how soon, per rule (automatic) and per agent (manual).
struct ReminderStatsController {
    func stats(_ req: Request) async throws -> ReminderStatsDTO {
        let principal = try req.requirePrincipal()
        let raw = req.query[String.self, at: "days"] ?? "30"
        guard let days = Int(raw), (1...366).contains(days) else {
            throw DomainError.invalid("days", "days must be an integer from 1 to 366, got '\(raw)'")
        }
        let since = req.now.addingTimeInterval(-Double(days) * 86_400)
        let reminders = try await Reminder.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$sentAt >= since).limit(200_000).all()
        let summary = ReminderStats.summarize(reminders.map {
            ReminderRecord(ruleID: $0.ruleID?.uuidString, agentID: $0.agentID?.uuidString, sentAt: $0.sentAt, paidAt: $0.paidAt)
        })
        let rules = try await ReminderRuleRecord.query(on: req.db).filter(\.$accountID == principal.accountID).all()
        let users = try await User.query(on: req.db).filter(\.$accountID == principal.accountID).all()
        let byRule = summary.byRule.compactMap { key, value -> ReminderStatsDTO.ByRule? in
            guard let id = UUID(uuidString: key) else { return nil }
            return .init(ruleId: id, name: rules.first { $0.id == id }?.name ?? "", sent: value.sent, paid: value.paid, rate: value.rate,
                         medianMinutesToPay: value.medianMinutesToPay)
        }.sorted { $0.sent > $1.sent }
        let byAgent = summary.byAgent.compactMap { key, value -> ReminderStatsDTO.ByAgent? in
            guard let id = UUID(uuidString: key) else { return nil }
            let user = users.first { $0.id == id }
            return .init(agentId: id, name: user?.displayName ?? "", agentNumber: user?.agentNumber, sent: value.sent, paid: value.paid,
                         rate: value.rate, medianMinutesToPay: value.medianMinutesToPay)
        }.sorted { $0.sent > $1.sent }
        return ReminderStatsDTO(days: days, byRule: byRule, byAgent: byAgent, total: summary.total)
    }
}
