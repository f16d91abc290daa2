import Fluent
import Foundation
import SQLKit
import Vapor

/// Statistics for SQLite's query planner, written by Kefu instead of measured by `ANALYZE`.
///
/// Without statistics SQLite guesses that `account_id = ?` narrows a table down a lot, so for
/// `account_id = ? AND id IN (…)` it walks an account index over every row of the shop instead
/// of looking the ids up: 188 ms for 50 contacts of a shop with 300,000 (0.5 ms by primary key).
/// A sampled `ANALYZE` (`analysis_limit`) guesses the same; a full one takes seconds on a large
/// file and changes plans from one run to the next. Kefu knows its data's shape: most databases
/// hold one shop, so `account_id` alone selects everything; a status-like column (a handful of
/// values) keeps a quarter; any other column narrows it down a hundredfold. Pinned numbers give the
/// same plans on every machine, measured or not (docs/decisions.md).
enum SQLitePlannerStats {
    /// The row count the numbers describe (only ratios matter to the planner).
    static let rows = 1_000_000

    /// Columns with a handful of values.
    static let fewValues: Set<String> = ["status", "state", "kind", "type", "priority", "urgency", "source", "sender_type", "private",
                                         "active", "bot_active", "role", "channel"]

    /// The `sqlite_stat1` line for an index on `columns` (in order), unique or not.
    static func stat(columns: [String], unique: Bool) -> String {
        var parts = [rows]
        var matching = rows
        for (i, column) in columns.enumerated() {
            if unique && i == columns.count - 1 {
                matching = 1
            } else if fewValues.contains(column) {
                matching = max(1, matching / 4)
            } else if column != "account_id" {
                matching = max(1, matching / 100)
            }
            parts.append(matching)
        }
        return parts.map(String.init).joined(separator: " ")
    }

    /// Replaces the statistics of every index of Kefu's tables, then makes each pooled
    /// connection read them again.
    static func pin(_ app: Application) async throws {
        let sql = app.db as! any SQLDatabase
        let indexes = try await sql.raw("""
            SELECT name, tbl_name FROM sqlite_master
            WHERE type = 'index' AND tbl_name NOT LIKE 'sqlite_%' AND tbl_name <> '_fluent_migrations'
            """).all()
        var lines: [(table: String, index: String, stat: String)] = []
        for row in indexes {
            let name = try row.decode(column: "name", as: String.self)
            let table = try row.decode(column: "tbl_name", as: String.self)
            let columns = try await sql.raw("SELECT name FROM pragma_index_info(\(bind: name)) ORDER BY seqno").all()
                .map { try $0.decode(column: "name", as: String.self) }
            let unique = try await sql.raw("SELECT \"unique\" AS u FROM pragma_index_list(\(bind: table)) WHERE name = \(bind: name)").first()?
                .decode(column: "u", as: Int.self) == 1
            guard !columns.isEmpty else { continue }
            lines.append((table, name, stat(columns: columns, unique: unique)))
        }
        // A sampled ANALYZE creates the table (SQLite reserves its name); its guesses are replaced below.
        try await sql.raw("PRAGMA analysis_limit = 1").run()
        try await sql.raw("ANALYZE").run()
        try await sql.raw("DELETE FROM sqlite_stat1").run()
        for line in lines {
            try await sql.raw("INSERT INTO sqlite_stat1(tbl, idx, stat) VALUES (\(bind: line.table), \(bind: line.index), \(bind: line.stat))").run()
        }
        for loop in app.eventLoopGroup.makeIterator() {
            let db = app.databases.database(logger: app.logger, on: loop)! as! any SQLDatabase
            try await db.raw("ANALYZE sqlite_schema").run()
        }
    }
}
