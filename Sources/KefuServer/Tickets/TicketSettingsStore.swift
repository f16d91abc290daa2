import Fluent
import Foundation
import KefuCore
import Vapor

/// A shop's ticket settings row, created with the built-in types on first use.
enum TicketSettingsStore {
    static let defaultAutoCloseDays = 4

    static func load(_ accountID: UUID, now: Date, on db: any Database) async throws -> TicketSettings {
        if let row = try await TicketSettings.query(on: db).filter(\.$accountID == accountID).first() { return row }
        let row = TicketSettings()
        row.accountID = accountID
        row.typesJSON = encode(TicketTypes.builtIn.map { TicketTypeDTO(key: $0, label: nil, builtIn: true) })
        row.fieldsJSON = "[]"
        row.nextNumber = TicketNumber.first
        row.autoCloseDays = defaultAutoCloseDays
        row.updatedAt = now
        do {
            try await row.create(on: db)
            return row
        } catch {
            // Another request created it first (unique per shop): use that one.
            if let row = try await TicketSettings.query(on: db).filter(\.$accountID == accountID).first() { return row }
            throw error
        }
    }

    static func types(_ row: TicketSettings) -> [TicketTypeDTO] {
        (try? JSONDecoder().decode([TicketTypeDTO].self, from: Data(row.typesJSON.utf8))) ?? []
    }

    static func fields(_ row: TicketSettings) -> [TicketFieldDefinition] {
        (try? JSONDecoder().decode([TicketFieldDefinition].self, from: Data(row.fieldsJSON.utf8))) ?? []
    }

    static func dto(_ row: TicketSettings) -> TicketSettingsDTO {
        TicketSettingsDTO(types: types(row), fields: fields(row), autoCloseDays: row.autoCloseDays)
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONSorted.encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Checks a type key against the shop's list.
    static func checkType(_ key: String, _ row: TicketSettings, field: String = "type") throws(DomainError) {
        let keys = types(row).map(\.key)
        guard keys.contains(key) else {
            throw DomainError.invalid(field, "\(field) must be one of the shop's ticket types: " + keys.joined(separator: ", ") + "; got '\(key)'")
        }
    }

    /// Replaces the settings (admins): types keep every built-in key (they may be relabelled),
    /// a shop's own types need a label; custom fields are checked by ``TicketFieldRules``.
    static func update(_ input: TicketSettingsInput, by principal: Principal, ip: String?, app: Application) async throws -> TicketSettingsDTO {
        let now = app.kefu.clock.now()
        let row = try await load(principal.accountID, now: now, on: app.db)
        if let types = input.types {
            guard (1...40).contains(types.count) else { throw DomainError.invalid("types", "a shop has 1–40 ticket types") }
            var seen = Set<String>()
            var clean: [TicketTypeDTO] = []
            for (i, t) in types.enumerated() {
                try TicketTypes.checkKey(t.key, field: "types[\(i)].key")
                guard seen.insert(t.key).inserted else { throw DomainError.invalid("types[\(i)].key", "the type '\(t.key)' is listed twice") }
                let builtIn = TicketTypes.builtIn.contains(t.key)
                let label = t.label?.trimmingWhitespace() ?? ""
                if !builtIn, !(1...40).contains(label.count) {
                    throw DomainError.invalid("types[\(i)].label", "a shop's own type needs a label of 1–40 characters")
                }
                if label.count > 40 { throw DomainError.invalid("types[\(i)].label", "a label has at most 40 characters") }
                clean.append(TicketTypeDTO(key: t.key, label: label.isEmpty ? nil : label, builtIn: builtIn))
            }
            for key in TicketTypes.builtIn where !seen.contains(key) {
                throw DomainError.invalid("types", "the built-in type '\(key)' cannot be removed")
            }
            row.typesJSON = encode(clean)
        }
        if let fields = input.fields {
            try TicketFieldRules.check(fields)
            row.fieldsJSON = encode(fields.map {
                TicketFieldDefinition(key: $0.key, label: $0.label.trimmingWhitespace(), kind: $0.kind,
                                      options: $0.options.map { $0.trimmingWhitespace() }, required: $0.required)
            })
        }
        if let days = input.autoCloseDays {
            guard (0...90).contains(days) else { throw DomainError.invalid("autoCloseDays", "autoCloseDays is 0 (never) to 90") }
            row.autoCloseDays = days
        }
        row.updatedAt = now
        try await app.db.transaction { tx in
            try await row.save(on: tx)
            try await AuditLog.record("ticket_settings.update", target: "ticket_settings", id: row.id!.uuidString,
                                      details: ["types": row.typesJSON, "fields": row.fieldsJSON, "autoCloseDays": "\(row.autoCloseDays)"],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        return dto(row)
    }
}
