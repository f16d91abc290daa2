import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class AgentsTests: XCTestCase {
    func testAdminCreatesAnAgentWithNumberRoleAndInboxes() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        // act
        let response = try await app.send(.POST, "/api/v1/agents", as: admin, json: """
            {"email":"Qiang@Shop.Test","password":"secret pass 9","displayName":"阿强","agentNumber":9,"role":"supervisor","inboxIds":["\(shop.inbox.id!)"]}
            """)
        // check
        XCTAssertEqual(response.status, .created, response.body.string)
        let user = try response.content.decode(UserDTO.self)
        XCTAssertEqual(user.email, "qiang@shop.test")
        XCTAssertEqual(user.agentNumber, 9)
        XCTAssertEqual(user.role, .supervisor)
        XCTAssertEqual(user.inboxIds, [shop.inbox.id!])
        _ = try await Credentials.signIn(app, email: "qiang@shop.test", password: "secret pass 9")
    }

    func testNumberIsTheNextFreeOneWhenOmitted() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop") // numbers 1, 2, 8 are taken
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let response = try await app.send(.POST, "/api/v1/agents", as: admin,
                                          json: #"{"email":"n@shop.test","password":"secret pass 9","displayName":"新人"}"#)
        XCTAssertEqual(try response.content.decode(UserDTO.self).agentNumber, 3)
    }

    func testConflictsAreRefusedWithTheField() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let email = try await app.send(.POST, "/api/v1/agents", as: admin,
                                       json: #"{"email":"agent@shop.test","password":"secret pass 9","displayName":"x"}"#)
        XCTAssertEqual(email.status, .conflict)
        XCTAssertEqual(email.errorField, "email")
        let number = try await app.send(.POST, "/api/v1/agents", as: admin,
                                        json: #"{"email":"x@shop.test","password":"secret pass 9","displayName":"x","agentNumber":8}"#)
        XCTAssertEqual(number.status, .conflict)
        XCTAssertEqual(number.errorField, "agentNumber")
        let count = try await User.query(on: app.db).count()
        XCTAssertEqual(count, 3)
    }

    func testBadInputGetsA400NamingTheFieldAndChangesNothing() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let path = "/api/v1/agents/\(shop.agent.id!)"
        let cases: [(json: String, code: String, field: String?)] = [
            (#"{"displayName": "x", "nickname": "y"}"#, "unknown_field", "nickname"),
            (#"{"agentNumber": "eight"}"#, "invalid_field", "agentNumber"),
            (#"{"agentNumber": 0}"#, "invalid_field", "agentNumber"),
            (#"{"active": "yes"}"#, "invalid_field", "active"),
            (#"{"role": "boss"}"#, "invalid_field", "role"),
            (#"{"displayName": "   "}"#, "invalid_field", "displayName"),
            (#"{"inboxIds": ["not-a-uuid"]}"#, "invalid_field", "inboxIds[0]"),
            (#"{"displayName": "x""#, "malformed_json", nil),
            (#"["displayName"]"#, "malformed_json", nil),
            ("", "missing_body", nil),
        ]
        for c in cases {
            // act
            let response = try await app.send(.PATCH, path, as: admin, json: c.json)
            // check
            XCTAssertEqual(response.status, .badRequest, c.json)
            XCTAssertEqual(response.errorCode, c.code, c.json + " " + response.body.string)
            XCTAssertEqual(response.errorField, c.field, c.json)
        }
        let agent = try await User.find(shop.agent.id!, on: app.db)
        XCTAssertEqual(agent?.displayName, "小美")
        XCTAssertEqual(agent?.agentNumber, 8)
    }

    func testOversizedBodyIs413() async throws {
        let app = try await TestApp.make(for: self) { $0.maxBodyBytes = 4096 }
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let big = String(repeating: "x", count: 10_000)
        // over a real socket, so the body is streamed and capped as in production
        try await app.testable(method: .running(port: 0)).test(.POST, "/api/v1/inboxes", beforeRequest: { req async throws in
            admin.apply(to: &req.headers, method: .POST)
            req.headers.contentType = .json
            req.body = ByteBuffer(string: #"{"name":"\#(big)"}"#)
        }, afterResponse: { response async throws in
            XCTAssertEqual(response.status, .payloadTooLarge)
            XCTAssertEqual(response.errorCode, "payload_too_large")
        })
        do { let count = try await Inbox.query(on: app.db).count(); XCTAssertEqual(count, 1) }
    }

    func testUnknownIdsAre404() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        do { let value = try await app.send(.GET, "/api/v1/agents/\(UUID())", as: admin).status; XCTAssertEqual(value, .notFound) }
        do { let value = try await app.send(.GET, "/api/v1/agents/not-a-uuid", as: admin).status; XCTAssertEqual(value, .notFound) }
        do { let value = try await app.send(.PATCH, "/api/v1/agents/\(UUID())", as: admin, json: #"{"active":false}"#).status; XCTAssertEqual(value, .notFound) }
    }

    func testDeactivationEndsSessionsAndBlocksSignIn() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        let response = try await app.send(.PATCH, "/api/v1/agents/\(shop.agent.id!)", as: admin, json: #"{"active":false}"#)
        XCTAssertEqual(response.status, .ok)
        do { let value = try await app.send(.GET, "/api/v1/auth/me", as: agent).status; XCTAssertEqual(value, .unauthorized) }
        let again = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"\#(TestShop.password)"}"#)
        XCTAssertEqual(again.status, .unauthorized)
    }

    func testRoleRules() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let owner = try await Credentials.signIn(app, email: "owner@shop.test")
        // an admin can neither make an owner nor touch one
        do { let value = try await app.send(.PATCH, "/api/v1/agents/\(shop.agent.id!)", as: admin, json: #"{"role":"owner"}"#).status; XCTAssertEqual(value, .forbidden) }
        do { let value = try await app.send(.PATCH, "/api/v1/agents/\(shop.owner.id!)", as: admin, json: #"{"active":false}"#).status; XCTAssertEqual(value, .forbidden) }
        // the last owner cannot step down or be deactivated
        let stepDown = try await app.send(.PATCH, "/api/v1/agents/\(shop.owner.id!)", as: owner, json: #"{"role":"admin"}"#)
        XCTAssertEqual(stepDown.status, .conflict)
        let selfDeactivate = try await app.send(.PATCH, "/api/v1/agents/\(shop.owner.id!)", as: owner, json: #"{"active":false}"#)
        XCTAssertEqual(selfDeactivate.status, .forbidden)
        // an owner promotes the admin to owner
        let promoted = try await app.send(.PATCH, "/api/v1/agents/\(shop.admin.id!)", as: owner, json: #"{"role":"owner"}"#)
        XCTAssertEqual(try promoted.content.decode(UserDTO.self).role, .owner)
    }

    func testResetPasswordByAdminEndsTheMembersSessions() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        let response = try await app.send(.PATCH, "/api/v1/agents/\(shop.agent.id!)", as: admin, json: #"{"password":"reset by admin 1"}"#)
        XCTAssertEqual(response.status, .ok)
        do { let value = try await app.send(.GET, "/api/v1/auth/me", as: agent).status; XCTAssertEqual(value, .unauthorized) }
        _ = try await Credentials.signIn(app, email: "agent@shop.test", password: "reset by admin 1")
    }
}
