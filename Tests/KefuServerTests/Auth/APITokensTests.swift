import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class APITokensTests: XCTestCase {
    func testCreatedTokenWorksOnceShownAndStopsWhenRevoked() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")

        // act: create
        let created = try await app.send(.POST, "/api/v1/api-tokens", as: admin, json: #"{"name":"ERP","role":"agent"}"#)
        XCTAssertEqual(created.status, .created)
        let token = try created.content.decode(APITokenDTO.self)
        let secret = try XCTUnwrap(token.token)
        XCTAssertTrue(secret.hasPrefix("kefu_"))
        XCTAssertEqual(token.role, .agent)

        // check: it authenticates, with its role
        let bearer = Credentials(bearer: secret)
        do { let value = try await app.send(.GET, "/api/v1/agents", as: bearer).status; XCTAssertEqual(value, .ok) }
        do { let value = try await app.send(.POST, "/api/v1/inboxes", as: bearer, json: #"{"name":"x"}"#).status; XCTAssertEqual(value, .forbidden) }
        // the list never shows the secret again
        let list = try await app.send(.GET, "/api/v1/api-tokens", as: admin)
        XCTAssertFalse(list.body.string.contains(secret))
        XCTAssertNotNil(try list.content.decode(ItemsDTO<APITokenDTO>.self).items.first?.lastUsedAt)

        // act: revoke
        let revoked = try await app.send(.DELETE, "/api/v1/api-tokens/\(token.id)", as: admin)
        XCTAssertEqual(revoked.status, .noContent)
        let after = try await app.send(.GET, "/api/v1/agents", as: bearer)
        XCTAssertEqual(after.status, .unauthorized)
        XCTAssertEqual(after.errorCode, "invalid_token")
    }

    func testTokensCannotGrantAboveTheirCreatorOrBeOwners() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let owner = try await app.send(.POST, "/api/v1/api-tokens", as: admin, json: #"{"name":"x","role":"owner"}"#)
        XCTAssertEqual(owner.status, .badRequest)
        let unknown = try await app.send(.POST, "/api/v1/api-tokens", as: admin, json: #"{"name":"x","role":"root"}"#)
        XCTAssertEqual(unknown.status, .badRequest)
        XCTAssertEqual(unknown.errorField, "role")
        let count = try await APIToken.query(on: app.db).count()
        XCTAssertEqual(count, 0)
    }

    func testUnknownBearerTokenIsRefused() async throws {
        let app = try await TestApp.make(for: self)
        let response = try await app.send(.GET, "/api/v1/agents", as: Credentials(bearer: "kefu_nonsense"))
        XCTAssertEqual(response.status, .unauthorized)
    }
}
