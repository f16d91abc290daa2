import Fluent
import Foundation
import KefuCore

/// A row a shop orders by hand (SLA policies, automation rules: first tried first).
protocol Positioned: Model where IDValue == UUID {
    var position: Int { get set }
}

enum Ordering {
    /// Gives `rows` (all of the shop's) the order of `ids`, which must name each once, in one
    /// audited transaction (`action`, e.g. "sla_policy.reorder", on `target`).
    static func reorder<Row: Positioned>(_ rows: [Row], as ids: [UUID], noun: String, action: String, target: String,
                                         by principal: Principal, ip: String?, now: Date, on db: any Database) async throws {
        guard ids.count == rows.count, Set(ids) == Set(rows.compactMap(\.id)) else {
            throw DomainError.invalid("ids", "ids must list each of the shop's \(rows.count) \(noun) exactly once")
        }
        try await db.transaction { tx in
            for row in rows {
                row.position = ids.firstIndex(of: row.id!)!
                try await row.update(on: tx)
            }
            try await AuditLog.record(action, target: target, id: nil, details: ["order": ids.map { $0.uuidString.lowercased() }.joined(separator: ",")],
                                      by: principal, ip: ip, at: now, on: tx)
        }
    }
}

extension SLAPolicy: Positioned {}
extension AutomationRuleRow: Positioned {}
