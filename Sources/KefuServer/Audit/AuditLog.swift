import Fluent
import Foundation
import Vapor

/// Records administrative actions. Call it inside the same transaction as the
/// change, so the change and its record land together or not at all.
enum AuditLog {
    static func record(
        _ action: String, target: String, id targetID: String?, details: [String: String] = [:],
        by principal: Principal, ip: String?, at now: Date, on db: any Database
    ) async throws {
        let entry = AuditEntry()
        entry.accountID = principal.accountID
        entry.actorType = principal.kind.rawValue
        entry.actorID = principal.actorID
        entry.actorLabel = principal.label
        entry.action = action
        entry.targetType = target
        entry.targetID = targetID
        entry.details = Self.encode(details)
        entry.ip = ip
        entry.createdAt = now
        try await entry.create(on: db)
    }

    /// Records an action done from the command line (`kefu setup`, `kefu demo`).
    static func recordSystem(_ action: String, accountID: UUID, target: String, id targetID: String?,
                             details: [String: String] = [:], at now: Date, on db: any Database) async throws {
        let entry = AuditEntry()
        entry.accountID = accountID
        entry.actorType = "system"
        entry.actorID = nil
        entry.actorLabel = "kefu cli"
        entry.action = action
        entry.targetType = target
        entry.targetID = targetID
        entry.details = encode(details)
        entry.ip = nil
        entry.createdAt = now
        try await entry.create(on: db)
    }

    static func encode(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(details), as: UTF8.self)) ?? "{}"
    }
}
