import Fluent
import SQLKit

/// A write transaction on one pooled connection. On SQLite it is taken up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once
/// (SQLITE_BUSY, no busy wait) when another writer committed in between. On PostgreSQL it
/// is a plain `BEGIN`.
enum WriteTransaction {
    static func run<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await db.withConnection { conn in
            let sql = conn as! any SQLDatabase
            try await sql.raw(sql.dialect.name == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(conn)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
