import Fluent
import Foundation
import SQLKit

/// Durable jobs in a table (`reminder_jobs`, `webhook_deliveries`, SLA timers): rows with a status and a
/// due time. An instance claims due rows by moving their due time a lease ahead, so no other
/// instance takes them while it works; on PostgreSQL the rows are picked with
/// `FOR UPDATE SKIP LOCKED`, so two instances claiming at once never get the same row. If the
/// instance dies mid-job, the lease runs out and another instance retries the row.
enum JobClaim {
    /// `ready`: which rows wait for their due time (job tables: `status = 'pending'`; SLA clocks:
    /// a timer is set).
    static func claim(table: String, dueColumn: String, ready: SQLQueryString = "status = 'pending'", limit: Int, lease: TimeInterval,
                      now: Date, on db: any Database) async throws -> [UUID] {
        let sql = db as! any SQLDatabase
        let postgres = sql.dialect.name == "postgresql"
        let until = now.addingTimeInterval(lease)
        let lock: SQLQueryString = postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let query: SQLQueryString = """
            UPDATE \(ident: table) SET \(ident: dueColumn) = \(bind: until)
            WHERE id IN (SELECT id FROM \(ident: table) WHERE \(ready) AND \(ident: dueColumn) <= \(bind: now)
                         ORDER BY \(ident: dueColumn) LIMIT \(unsafeRaw: String(limit))\(lock))
            RETURNING id
            """
        let rows = try await sql.raw(query).all()
        return try rows.map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// Locks one row for the rest of the open transaction (PostgreSQL; SQLite's
    /// `BEGIN IMMEDIATE` already holds the whole database). True when the row exists.
    static func lockRow(table: String, id: UUID, on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id)\(lock)").first() != nil
    }

    /// Locks one job row for the rest of the open transaction (PostgreSQL; SQLite's
    /// `BEGIN IMMEDIATE` already holds the whole database) and tells whether it is still pending.
    static func lockPending(table: String, id: UUID, on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) AND status = 'pending'\(lock)").first() != nil
    }
}
