import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import KefuCore
import NIOCore
import SQLKit
import Vapor

/// Chooses and prepares the database: SQLite (default, embedded) or PostgreSQL.
enum DatabaseSetup {
    /// Registers the database with the application.
    static func register(_ app: Application, settings: KefuSettings) throws {
        switch settings.database {
        case .sqlite(let path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(url.path), sqlLogLevel: nil), as: .sqlite)
        case .postgres(let raw):
            var config: SQLPostgresConfiguration
            do {
                config = try SQLPostgresConfiguration(url: raw)
            } catch {
                throw ConfigurationError(variable: "KEFU_DATABASE_URL", message: "is not a valid PostgreSQL URL (\(error))")
            }
            config.searchPath = nil
            app.databases.use(
                .postgres(configuration: config, maxConnectionsPerEventLoop: settings.postgresPoolSize,
                          connectionPoolTimeout: .seconds(10), sqlLogLevel: .debug),
                as: .psql)
        }
    }

    /// The SQLite pragmas set on every connection. SQLite has exactly one pooled
    /// connection per event loop and keeps it open for the life of the process,
    /// so setting them on each loop's connection at start covers every connection.
    static func sqlitePragmas(_ settings: KefuSettings) -> [String] {
        [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = \(settings.sqliteSynchronous.rawValue)",
            "PRAGMA busy_timeout = \(settings.sqliteBusyTimeoutMilliseconds)",
            "PRAGMA foreign_keys = ON",
        ]
    }

    /// Brings the database up: pragmas (SQLite), then migrations. With PostgreSQL,
    /// several instances may start together: an advisory lock lets one migrate at a time.
    static func prepare(_ app: Application, settings: KefuSettings) async throws {
        switch settings.database {
        case .sqlite:
            for loop in app.eventLoopGroup.makeIterator() {
                let db = app.databases.database(logger: app.logger, on: loop)! as! any SQLDatabase
                for pragma in sqlitePragmas(settings) {
                    try await db.raw(SQLQueryString(pragma)).run()
                }
            }
            try await app.autoMigrate()
            try await SQLitePlannerStats.pin(app)
        case .postgres:
            let db = app.db as! any PostgresDatabase
            let migrate: @Sendable (PostgresConnection) -> EventLoopFuture<Void> = { conn in
                let promise = conn.eventLoop.makePromise(of: Void.self)
                promise.completeWithTask {
                    _ = try await conn.query("SELECT pg_advisory_lock(\(migrationLockKey))", logger: app.logger).get()
                    do {
                        try await app.autoMigrate()
                    } catch {
                        _ = try? await conn.query("SELECT pg_advisory_unlock(\(migrationLockKey))", logger: app.logger).get()
                        throw error
                    }
                    _ = try await conn.query("SELECT pg_advisory_unlock(\(migrationLockKey))", logger: app.logger).get()
                }
                return promise.futureResult
            }
            try await db.withConnection(migrate).get()
        }
    }

    /// Reads a pragma's value on every pooled SQLite connection (for tests and `/ready`).
    static func sqlitePragmaValues(_ app: Application, _ name: String) async throws -> [String] {
        var values: [String] = []
        for loop in app.eventLoopGroup.makeIterator() {
            let db = app.databases.database(logger: app.logger, on: loop)! as! any SQLDatabase
            let rows = try await db.raw(SQLQueryString("PRAGMA \(unsafeRaw: name)")).all()
            if let row = rows.first, let column = row.allColumns.first {
                if let s = try? row.decode(column: column, as: String.self) { values.append(s) }
                else if let i = try? row.decode(column: column, as: Int.self) { values.append(String(i)) }
            }
        }
        return values
    }

    static let migrationLockKey: Int64 = 0x4B_45_46_55 // "KEFU"
}
