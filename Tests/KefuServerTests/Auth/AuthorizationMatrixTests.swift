import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// Every registered route must state what it answers to each kind of caller: anonymous, the
/// agent of the conversation's inbox, an agent of another inbox of the same shop, the shop's
/// admin, and the other shop's admin and API token — with ids of shop 1's inbox A in path,
/// query and body. A route added without an expectation fails this test. The expectations
/// live beside their capability (`Matrix/Matrix+<Capability>.swift`); this file only runs them.
final class AuthorizationMatrixTests: XCTestCase {
    enum Caller: String, CaseIterable {
        case anonymous, agent1, agentB, admin1, admin2, token2
    }

    /// Expected status per caller, and the request to send (ids of shop 1, inbox A).
    struct Expectation {
        var path: String
        var json: String?
        var bytes: [UInt8]? = nil
        var status: [Caller: UInt]
    }

    typealias Rows = [String: (Caller) -> Expectation]

    /// The capabilities' parts: each sets up what its routes need and returns their rows.
    static var parts: [(MatrixWorld) async throws -> Rows] {
        [opsRows, accountsRows, conversationsRows, knowledgeRows, routingRows, phrasesRows, ordersRows, webhooksRows, ticketsRows, casesRows, formsRows, slaRows, automationRows, macrosRows]
    }

    func testEveryRouteHasAnExpectationForEveryCaller() async throws {
        // setup
        let world = try await MatrixWorld.make(for: self)
        var expectations: Rows = [:]
        for part in Self.parts {
            expectations.merge(try await part(world)) { _, _ in preconditionFailure("a route has rows in two parts") }
        }

        // act & check
        let app = world.app
        var missing: [String] = []
        for route in app.routes.all {
            let key = "\(route.method.rawValue) /\(route.path.map(\.description).joined(separator: "/"))"
            guard let expectationFor = expectations[key] else {
                missing.append(key)
                continue
            }
            for caller in Caller.allCases {
                let credentials = try await world.credentials(caller)
                let expectation = expectationFor(caller)
                let response = try await app.send(route.method, expectation.path, as: credentials, json: expectation.json,
                                                  bytes: expectation.bytes)
                XCTAssertEqual(response.status.code, expectation.status[caller], "\(key) as \(caller): \(response.body.string)")
                XCTAssertLessThan(response.status.code, 500, "\(key) as \(caller)")
                guard response.status.code == 200, !key.contains("widget"), !key.contains("attachments") else { continue }
                let body = response.body.string
                if caller == .admin2 || caller == .token2 {
                    for foreign in world.shop1Secrets {
                        XCTAssertFalse(body.contains(foreign), "\(key) as \(caller) leaked \(foreign) of the other shop")
                    }
                }
                if caller == .agentB {
                    for hidden in world.inboxASecrets {
                        XCTAssertFalse(body.contains(hidden), "\(key) as the agent of another inbox leaked \(hidden) of inbox A")
                    }
                }
            }
        }
        XCTAssertEqual(missing, [], "routes without an authorization expectation: \(missing)")
    }

    /// Shop 2's admin cannot attach shop 1's inbox to a shop 2 agent through the body.
    func testForeignIdsInBodyAreRefusedAndNothingChanges() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop1 = try await TestShop.create(app, name: "Shop One")
        let shop2 = try await TestShop.create(app, name: "Shop Two")
        let admin2 = try await Credentials.session(for: shop2.admin, on: app.db)

        // act
        let response = try await app.send(.PATCH, "/api/v1/agents/\(shop2.agent.id!)", as: admin2,
                                          json: #"{"displayName":"changed","inboxIds":["\#(shop1.inbox.id!)"]}"#)

        // check
        XCTAssertEqual(response.status, .badRequest)
        XCTAssertEqual(response.errorField, "inboxIds")
        let agent = try await User.find(shop2.agent.id!, on: app.db)
        XCTAssertEqual(agent?.displayName, "小美")
        let memberships = try await InboxMember.query(on: app.db).filter(\.$userID == shop2.agent.id!).all()
        XCTAssertEqual(memberships.map(\.inboxID), [shop2.inbox.id!])
    }
}

/// Helpers for the parts' rows.
extension AuthorizationMatrixTests {
    static func all(_ s: UInt) -> [Caller: UInt] { Dictionary(uniqueKeysWithValues: Caller.allCases.map { ($0, s) }) }

    /// Statuses for anonymous, agent of inbox A, agent of inbox B, admin 1, admin 2, token 2.
    static func row(_ anonymous: UInt, _ agent1: UInt, _ agentB: UInt, _ admin1: UInt, _ admin2: UInt, _ token2: UInt) -> [Caller: UInt] {
        [.anonymous: anonymous, .agent1: agent1, .agentB: agentB, .admin1: admin1, .admin2: admin2, .token2: token2]
    }
}
