import Fluent
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest

final class DatabaseSetupTests: XCTestCase {
    func testSQLitePragmasAreSetOnEveryPooledConnection() async throws {
        try XCTSkipIf(TestApp.postgresURL != nil, "SQLite only")
        let app = try await TestApp.make(for: self)
        let loops = Array(app.eventLoopGroup.makeIterator()).count
        do { let value = try await DatabaseSetup.sqlitePragmaValues(app, "journal_mode"); XCTAssertEqual(value, Array(repeating: "wal", count: loops)) }
        do { let value = try await DatabaseSetup.sqlitePragmaValues(app, "synchronous"); XCTAssertEqual(value, Array(repeating: "1", count: loops), "NORMAL") }
        do { let value = try await DatabaseSetup.sqlitePragmaValues(app, "busy_timeout"); XCTAssertEqual(value, Array(repeating: "5000", count: loops)) }
        do { let value = try await DatabaseSetup.sqlitePragmaValues(app, "foreign_keys"); XCTAssertEqual(value, Array(repeating: "1", count: loops)) }
    }

    func testSynchronousFullCanBeChosen() async throws {
        try XCTSkipIf(TestApp.postgresURL != nil, "SQLite only")
        let app = try await TestApp.make(for: self) { $0.sqliteSynchronous = .full }
        let values = try await DatabaseSetup.sqlitePragmaValues(app, "synchronous")
        XCTAssertEqual(Set(values), ["2"], "FULL")
    }

    func testEveryTableCarriesAccountId() async throws {
        let app = try await TestApp.make(for: self)
        let sql = app.db as! any SQLDatabase
        let tables: [String]
        let columnsOf: (String) async throws -> [String]
        if TestApp.postgresURL != nil {
            tables = try await sql.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")
                .all().map { try $0.decode(column: "name", as: String.self) }
            columnsOf = { table in
                try await sql.raw("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)")
                    .all().map { try $0.decode(column: "name", as: String.self) }
            }
        } else {
            tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .all().map { try $0.decode(column: "name", as: String.self) }
            columnsOf = { table in
                try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all().map { try $0.decode(column: "name", as: String.self) }
            }
        }
        XCTAssertTrue(tables.contains("users"))
        // `accounts.id` is the account id itself; `_fluent_migrations` is Fluent's bookkeeping and
        // `event_cursors` the durable listeners' (one row per listener, no shop's data). On SQLite,
        // `message_search` and FTS5's shadow tables of it are an index of `messages` keyed by its
        // rowid (every search joins `messages` on its `account_id`, like an index of a table), and
        // `message_search_progress` the backfill's position (one row).
        let bookkeeping: Set = ["accounts", "_fluent_migrations", "event_cursors", "message_search", "message_search_data", "message_search_idx",
                                "message_search_docsize", "message_search_config", "message_search_progress"]
        for table in tables where !bookkeeping.contains(table) {
            let columns = try await columnsOf(table)
            XCTAssertTrue(columns.contains("account_id"), "\(table) has no account_id column")
        }
    }

    func testAWrongDatabaseURLStopsWithOneClearLine() async throws {
        let app = try await Application.make(.testing)
        addTeardownBlock { try await app.asyncShutdown() }
        var settings = try TestApp.settings()
        settings.database = .postgres(url: "postgres://kefu:wrong@127.0.0.1:1/none")
        do {
            try await KefuApplication.configure(app, settings: settings)
            XCTFail("configure succeeded with an unreachable database")
        } catch let error as ConfigurationError {
            XCTAssertEqual(error.variable, "KEFU_DATABASE_URL")
            XCTAssertFalse(error.line.contains("\n"))
        }
    }
}
