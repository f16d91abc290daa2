import Foundation
@testable import KefuServer
import SQLKit
import XCTest

/// SQLite's planner gets Kefu's pinned statistics, so a lookup by ids within a shop uses the
/// primary key and the conversation list walks its activity index, whatever the data.
final class PlannerStatsTests: XCTestCase {
    func testStatsDescribeOneShopAndFewStatuses() {
        XCTAssertEqual(SQLitePlannerStats.stat(columns: ["account_id", "activity_us", "id"], unique: false), "1000000 1000000 10000 100")
        XCTAssertEqual(SQLitePlannerStats.stat(columns: ["status", "awaiting_since"], unique: false), "1000000 250000 2500")
        XCTAssertEqual(SQLitePlannerStats.stat(columns: ["account_id", "external_id"], unique: true), "1000000 1000000 1")
    }

    func testPlansUseThePrimaryKeyAndTheActivityIndex() async throws {
        let app = try await TestApp.make(for: self)
        guard let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" else { throw XCTSkip("SQLite only") }
        func plan(_ query: String) async throws -> String {
            try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + query)).all().map { try $0.decode(column: "detail", as: String.self) }
                .joined(separator: "; ")
        }
        let contacts = try await plan("SELECT * FROM contacts WHERE account_id = 'a' AND id IN ('x', 'y', 'z')")
        XCTAssertTrue(contacts.contains("sqlite_autoindex_contacts_1"), contacts)
        let list = try await plan("""
            SELECT * FROM conversations WHERE account_id = 'a' AND merged_into_id IS NULL AND status = 'open'
            ORDER BY activity_us DESC, id DESC LIMIT 51
            """)
        XCTAssertTrue(list.contains("conversations_activity_idx") && !list.contains("TEMP B-TREE"), list)
    }
}
