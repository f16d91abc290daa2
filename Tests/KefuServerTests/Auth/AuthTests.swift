import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class AuthTests: XCTestCase {
    func testSignInSetsAHardenedCookieAndReturnsTheMember() async throws {
        // setup
        let app = try await TestApp.make(for: self) { $0.secureCookies = true }
        let shop = try await TestShop.create(app, name: "Shop")

        // act
        let response = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":" Agent@Shop.test ","password":"\#(TestShop.password)"}"#)

        // check
        XCTAssertEqual(response.status, .ok, response.body.string)
        let cookie = try XCTUnwrap(response.headers.setCookie?[AuthenticationMiddleware.cookieName])
        XCTAssertTrue(cookie.isHTTPOnly)
        XCTAssertTrue(cookie.isSecure)
        XCTAssertEqual(cookie.sameSite, .lax)
        XCTAssertGreaterThanOrEqual(cookie.string.count, 43, "at least 256 bits, base64url")
        let body = try response.content.decode(SessionDTO.self)
        XCTAssertEqual(body.user.agentNumber, 8)
        XCTAssertEqual(body.user.inboxIds, [shop.inbox.id!])
        XCTAssertEqual(body.account.name, "Shop")
        XCTAssertNotNil(body.csrfToken)
        let stored = try await UserSession.query(on: app.db).filter(\.$userID == shop.agent.id!).all()
        XCTAssertEqual(stored.count, 1)
        XCTAssertNotEqual(stored[0].tokenHash, cookie.string, "only a hash of the token is stored")
    }

    func testWrongPasswordAndUnknownEmailGetTheSameAnswer() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let wrong = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"wrong password"}"#)
        let unknown = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"ghost@shop.test","password":"wrong password"}"#)
        XCTAssertEqual(wrong.status, .unauthorized)
        XCTAssertEqual(unknown.status, .unauthorized)
        XCTAssertEqual(wrong.body.string, unknown.body.string)
        XCTAssertEqual(wrong.errorCode, "invalid_credentials")
    }

    func testDeactivatedMemberCannotSignIn() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        shop.agent.active = false
        try await shop.agent.save(on: app.db)
        let response = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"\#(TestShop.password)"}"#)
        XCTAssertEqual(response.status, .unauthorized)
    }

    func testSignInIsRateLimitedPerAccountWithRetryAfter() async throws {
        // setup
        let app = try await TestApp.make(for: self) {
            $0.loginLimitPerAccount = .init(limit: 3, windowSeconds: 600)
            $0.loginLimitPerIP = .init(limit: 100, windowSeconds: 600)
        }
        _ = try await TestShop.create(app, name: "Shop")
        // act
        for _ in 0..<3 {
            let r = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"wrong password"}"#)
            XCTAssertEqual(r.status, .unauthorized)
        }
        let limited = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"\#(TestShop.password)"}"#)
        // check: even the right password is refused until the window passes
        XCTAssertEqual(limited.status, .tooManyRequests)
        XCTAssertEqual(limited.errorCode, "rate_limited")
        let retryAfter = try XCTUnwrap(limited.headers.first(name: .retryAfter).flatMap(Int.init))
        XCTAssertGreaterThan(retryAfter, 0)
        XCTAssertLessThanOrEqual(retryAfter, 600)
        // another account from the same address is not affected by this account's limit
        let other = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"admin@shop.test","password":"\#(TestShop.password)"}"#)
        XCTAssertEqual(other.status, .ok)
    }

    func testSignInIsRateLimitedPerAddress() async throws {
        let app = try await TestApp.make(for: self) { $0.loginLimitPerIP = .init(limit: 2, windowSeconds: 60) }
        _ = try await TestShop.create(app, name: "Shop")
        for email in ["a@shop.test", "b@shop.test"] {
            let r = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"whatever pass"}"#)
            XCTAssertEqual(r.status, .unauthorized)
        }
        let limited = try await app.send(.POST, "/api/v1/auth/login", json: #"{"email":"agent@shop.test","password":"\#(TestShop.password)"}"#)
        XCTAssertEqual(limited.status, .tooManyRequests)
        XCTAssertNotNil(limited.headers.first(name: .retryAfter))
    }

    func testSessionIdChangesAtSignInAndTheOldOneEnds() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let first = try await Credentials.signIn(app, email: "agent@shop.test")
        // act: sign in again from the same browser (it still sends the old cookie)
        let again = try await app.send(.POST, "/api/v1/auth/login", as: Credentials(cookie: first.cookie),
                                       json: #"{"email":"agent@shop.test","password":"\#(TestShop.password)"}"#)
        // check
        XCTAssertEqual(again.status, .ok)
        let newCookie = try XCTUnwrap(again.headers.setCookie?[AuthenticationMiddleware.cookieName]?.string)
        XCTAssertNotEqual(newCookie, first.cookie)
        let old = try await app.send(.GET, "/api/v1/auth/me", as: first)
        XCTAssertEqual(old.status, .unauthorized)
    }

    func testStateChangingCookieRequestsNeedTheCSRFToken() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let noToken = Credentials(cookie: admin.cookie)
        let refused = try await app.send(.POST, "/api/v1/inboxes", as: noToken, json: #"{"name":"售后"}"#)
        XCTAssertEqual(refused.status, .forbidden)
        XCTAssertEqual(refused.errorCode, "csrf_failed")
        let wrong = try await app.send(.POST, "/api/v1/inboxes", as: Credentials(cookie: admin.cookie, csrf: "nope"), json: #"{"name":"售后"}"#)
        XCTAssertEqual(wrong.status, .forbidden)
        let count = try await Inbox.query(on: app.db).filter(\.$name == "售后").count()
        XCTAssertEqual(count, 0, "a refused request stores nothing")
        let accepted = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#)
        XCTAssertEqual(accepted.status, .created)
    }

    func testCrossOriginStateChangeIsRefused() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let response = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#,
                                          headers: ["Origin": "https://evil.example", "Host": "kefu.example"])
        XCTAssertEqual(response.status, .forbidden)
        let same = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#,
                                      headers: ["Origin": "https://kefu.example", "Host": "kefu.example"])
        XCTAssertEqual(same.status, .created)
    }

    func testPasswordChangeEndsOtherSessionsButKeepsThisOne() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let laptop = try await Credentials.signIn(app, email: "agent@shop.test")
        let phone = try await Credentials.signIn(app, email: "agent@shop.test")
        // act
        let changed = try await app.send(.POST, "/api/v1/auth/password", as: laptop,
                                         json: #"{"currentPassword":"\#(TestShop.password)","newPassword":"a brand new one 2"}"#)
        // check
        XCTAssertEqual(changed.status, .noContent, changed.body.string)
        let onPhone = try await app.send(.GET, "/api/v1/auth/me", as: phone)
        XCTAssertEqual(onPhone.status, .unauthorized)
        let onLaptop = try await app.send(.GET, "/api/v1/auth/me", as: laptop)
        XCTAssertEqual(onLaptop.status, .ok)
        _ = try await Credentials.signIn(app, email: "agent@shop.test", password: "a brand new one 2")
    }

    func testPasswordsOverSeventyTwoBytesAreRefusedNotTruncated() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let me = try await Credentials.signIn(app, email: "agent@shop.test")
        let long = String(repeating: "密", count: 25) // 75 bytes in UTF-8
        let response = try await app.send(.POST, "/api/v1/auth/password", as: me,
                                          json: #"{"currentPassword":"\#(TestShop.password)","newPassword":"\#(long)"}"#)
        XCTAssertEqual(response.status, .badRequest)
        XCTAssertEqual(response.errorField, "newPassword")
        XCTAssertTrue(try XCTUnwrap(try? response.content.decode(ErrorBody.self)).error.message.contains("72 bytes"))
        _ = try await Credentials.signIn(app, email: "agent@shop.test") // old password still works
    }

    func testWrongCurrentPasswordChangesNothing() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let me = try await Credentials.signIn(app, email: "agent@shop.test")
        let response = try await app.send(.POST, "/api/v1/auth/password", as: me,
                                          json: #"{"currentPassword":"not it at all","newPassword":"a brand new one 2"}"#)
        XCTAssertEqual(response.status, .badRequest)
        XCTAssertEqual(response.errorField, "currentPassword")
        _ = try await Credentials.signIn(app, email: "agent@shop.test")
    }

    func testLogoutEndsTheSession() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let me = try await Credentials.signIn(app, email: "agent@shop.test")
        let out = try await app.send(.POST, "/api/v1/auth/logout", as: me)
        XCTAssertEqual(out.status, .noContent)
        XCTAssertEqual(out.headers.setCookie?[AuthenticationMiddleware.cookieName]?.string, "")
        let after = try await app.send(.GET, "/api/v1/auth/me", as: me)
        XCTAssertEqual(after.status, .unauthorized)
    }

    func testUpdateMeChangesLanguageAndRefusesUnknownOnes() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await TestShop.create(app, name: "Shop")
        let me = try await Credentials.signIn(app, email: "agent@shop.test")
        let ok = try await app.send(.PATCH, "/api/v1/auth/me", as: me, json: #"{"locale":"ko"}"#)
        XCTAssertEqual(try ok.content.decode(SessionDTO.self).user.locale, "ko")
        let bad = try await app.send(.PATCH, "/api/v1/auth/me", as: me, json: #"{"locale":"fr"}"#)
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.errorField, "locale")
        let catalog = try await app.send(.GET, "/api/v1/i18n", as: me)
        XCTAssertEqual(try catalog.content.decode(I18nDTO.self).locale, "ko")
    }
}
