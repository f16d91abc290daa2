import Fluent
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTVapor
import XCTest

final class AuditLogTests: XCTestCase {
    func testAdministrativeActionsAreRecordedWithActorAndAddress() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        // act
        _ = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#)
        _ = try await app.send(.PATCH, "/api/v1/agents/\(shop.agent.id!)", as: admin, json: #"{"agentNumber":18}"#)
        _ = try await app.send(.POST, "/api/v1/api-tokens", as: admin, json: #"{"name":"ERP"}"#)
        // check
        let page = try await app.send(.GET, "/api/v1/audit-log", as: admin).content.decode(AuditPageDTO.self)
        XCTAssertEqual(Array(page.items.prefix(3).map(\.action)), ["api_token.create", "agent.update", "inbox.create"])
        let update = page.items[1]
        XCTAssertEqual(update.actor.type, "user")
        XCTAssertEqual(update.actor.id, shop.admin.id)
        XCTAssertTrue(update.actor.label.contains("admin@shop.test"))
        XCTAssertEqual(update.targetId, shop.agent.id!.uuidString)
        XCTAssertEqual(update.details["agentNumber"], "18")
        XCTAssertEqual(page.items.last?.action, "account.create")
    }

    func testPagesWithACursor() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        for i in 0..<5 { _ = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"inbox \#(i)"}"#) }
        let first = try await app.send(.GET, "/api/v1/audit-log?limit=2", as: admin).content.decode(AuditPageDTO.self)
        XCTAssertEqual(first.items.count, 2)
        let cursor = try XCTUnwrap(first.nextCursor)
        let second = try await app.send(.GET, "/api/v1/audit-log?limit=2&before=\(cursor)", as: admin).content.decode(AuditPageDTO.self)
        XCTAssertEqual(second.items.count, 2)
        XCTAssertLessThan(second.items[0].id, first.items[1].id)
        let bad = try await app.send(.GET, "/api/v1/audit-log?limit=5000", as: admin)
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.errorField, "limit")
        do { let value = try await app.send(.GET, "/api/v1/audit-log?before=abc", as: admin).errorField; XCTAssertEqual(value, "before") }
    }

    func testTheDatabaseRefusesToChangeOrDeleteEntries() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let sql = app.db as! any SQLDatabase
        let before = try await AuditEntry.query(on: app.db).count()
        XCTAssertGreaterThan(before, 0)
        do {
            try await sql.raw("UPDATE audit_log SET action = 'forged'").run()
            XCTFail("update was allowed")
        } catch {}
        do {
            try await sql.raw("DELETE FROM audit_log").run()
            XCTFail("delete was allowed")
        } catch {}
        let after = try await AuditEntry.query(on: app.db).filter(\.$action == "forged").count()
        XCTAssertEqual(after, 0)
        do { let value = try await AuditEntry.query(on: app.db).count(); XCTAssertEqual(value, before) }
    }
}
