import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class InboxesTests: XCTestCase {
    func testCreateRenameAndDeactivate() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        // act
        let created = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后","description":"退换货"}"#)
        XCTAssertEqual(created.status, .created)
        let inbox = try created.content.decode(InboxDTO.self)
        XCTAssertTrue(inbox.widgetKey.hasPrefix("ibx_"))
        XCTAssertGreaterThanOrEqual(inbox.widgetKey.count, 4 + 24, "at least 144 random bits")
        let renamed = try await app.send(.PATCH, "/api/v1/inboxes/\(inbox.id)", as: admin, json: #"{"name":"售后服务","active":false}"#)
        // check
        let after = try renamed.content.decode(InboxDTO.self)
        XCTAssertEqual(after.name, "售后服务")
        XCTAssertFalse(after.active)
        XCTAssertEqual(after.widgetKey, inbox.widgetKey)
    }

    func testDuplicateNamesAndBadInputAreRefused() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let dup = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售前"}"#)
        XCTAssertEqual(dup.status, .conflict)
        XCTAssertEqual(dup.errorField, "name")
        let missing = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"description":"x"}"#)
        XCTAssertEqual(missing.status, .badRequest)
        XCTAssertEqual(missing.errorField, "name")
        let unknown = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"x","color":"red"}"#)
        XCTAssertEqual(unknown.errorField, "color")
        let count = try await Inbox.query(on: app.db).count()
        XCTAssertEqual(count, 1)
    }

    func testMembersSeeAgentIdsOfEachInbox() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        let list = try await app.send(.GET, "/api/v1/inboxes", as: agent)
        let items = try list.content.decode(ItemsDTO<InboxDTO>.self).items
        XCTAssertEqual(items.map(\.agentIds), [[shop.agent.id!]])
    }
}
