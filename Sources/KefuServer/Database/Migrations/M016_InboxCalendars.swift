import Fluent
import Foundation
import SQLKit

/// Inboxes keep their business hours by a calendar (`inboxes.calendar_id`; `business_hours` stays
/// the copy the chat path reads). Each inbox that had hours gets a calendar of its own, named
/// after it, with those hours.
struct M016_InboxCalendars: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(Inbox.schema).field("calendar_id", .uuid).update()
        let rows = try await sql.raw("SELECT id, account_id, name, business_hours FROM inboxes WHERE business_hours IS NOT NULL").all()
        let now = Date()
        for row in rows {
            let inbox = try row.decode(column: "id", as: UUID.self)
            let account = try row.decode(column: "account_id", as: UUID.self)
            let name = try row.decode(column: "name", as: String.self)
            let hours = try row.decode(column: "business_hours", as: String.self)
            var candidate = name
            var n = 2
            while try await sql.raw("SELECT id FROM sla_calendars WHERE account_id = \(bind: account) AND name = \(bind: candidate)").first() != nil {
                candidate = "\(name) (\(n))"
                n += 1
            }
            let calendar = UUID()
            try await sql.raw("""
                INSERT INTO sla_calendars (id, account_id, name, hours, created_at, updated_at)
                VALUES (\(bind: calendar), \(bind: account), \(bind: candidate), \(bind: hours), \(bind: now), \(bind: now))
                """).run()
            try await sql.raw("UPDATE inboxes SET calendar_id = \(bind: calendar) WHERE id = \(bind: inbox)").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Inbox.schema).deleteField("calendar_id").update()
    }
}
