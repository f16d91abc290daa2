import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// Builds a real Kefu application for a test: a fresh SQLite file in a temporary
/// folder, or — when `KEFU_TEST_DATABASE_URL` names a PostgreSQL server — that
/// database, reverted and migrated anew. The whole suite runs on both.
enum TestApp {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KEFU_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func settings(_ adjust: (inout KefuSettings) -> Void = { _ in }) throws -> KefuSettings {
        var settings = try KefuSettings.from(environment: [:])
        if let url = postgresURL {
            settings.database = .postgres(url: url)
            settings.postgresPoolSize = 2
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-test-\(UUID().uuidString)")
            settings.database = .sqlite(path: dir.appendingPathComponent("kefu.sqlite").path)
        }
        settings.bcryptCost = 4
        settings.logLevel = "warning"
        adjust(&settings)
        return settings
    }

    /// A configured application that is shut down when `testCase` ends. Background jobs run
    /// only when the test runs them (``Application/runJob(_:)``), on the application's clock:
    /// the system's, or `clock` to pin time.
    /// `migrate: false` joins the database as it is (a restarted instance).
    static func make(for testCase: XCTestCase, clock: (any WallClock)? = nil, automaticJobs: Bool = false, migrate: Bool = true,
                     _ adjust: (inout KefuSettings) -> Void = { _ in }) async throws -> Application {
        let app = try await make(clock: clock, automaticJobs: automaticJobs, migrate: migrate, adjust)
        // A SQLite file's temporary folder goes with the application.
        var folder: URL?
        if case .sqlite(let path) = app.kefu.settings.database, path.contains("/kefu-test-") {
            folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        }
        testCase.addTeardownBlock { [folder] in
            await app.chat.drain()
            try await app.asyncShutdown()
            if let folder { try? FileManager.default.removeItem(at: folder) }
        }
        return app
    }

    static func make(clock: (any WallClock)? = nil, automaticJobs: Bool = false, migrate: Bool = true,
                     _ adjust: (inout KefuSettings) -> Void = { _ in }) async throws -> Application {
        let settings = try settings(adjust)
        let app = try await Application.make(.testing)
        do {
            if settings.database.isPostgres, migrate {
                try await resetPostgres(settings)
            }
            try await KefuApplication.configure(app, settings: settings, runtime: .init(clock: clock ?? SystemClock(), automaticJobs: automaticJobs))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }
}

/// A shop with an owner, an admin, an agent and an inbox, for tests.
struct TestShop {
    var account: Account
    var owner: User
    var admin: User
    var agent: User
    var inbox: Inbox
    static let password = "correct horse 1"

    static func create(_ app: Application, name: String) async throws -> TestShop {
        let slug = name.lowercased().replacingOccurrences(of: " ", with: "-")
        let (account, owner) = try await Team.createShop(
            name: name,
            owner: .init(email: "owner@\(slug).test", password: password, displayName: "店长", agentNumber: 1, role: .owner, inboxIDs: []),
            app: app, on: app.db)
        let accountID = account.id!
        let inbox = try await InboxesController.create(name: "售前", description: nil, accountID: accountID, on: app.db) { _, _ in }
        // Routing tests opt in; the others want no automatic assignments or replies in their sequences.
        inbox.routing = .manual
        try await inbox.save(on: app.db)
        let admin = try await Team.createMember(
            .init(email: "admin@\(slug).test", password: password, displayName: "管理员", agentNumber: 2, role: .admin, inboxIDs: []),
            accountID: accountID, app: app, on: app.db) { _, _ in }
        let agent = try await Team.createMember(
            .init(email: "agent@\(slug).test", password: password, displayName: "小美", agentNumber: 8, role: .agent, inboxIDs: [inbox.id!]),
            accountID: accountID, app: app, on: app.db) { _, _ in }
        return TestShop(account: account, owner: owner, admin: admin, agent: agent, inbox: inbox)
    }
}

/// Credentials a test sends: a session cookie with its CSRF token, or a bearer token.
struct Credentials {
    var cookie: String?
    var csrf: String?
    var bearer: String?

    static let anonymous = Credentials()

    func apply(to headers: inout HTTPHeaders, method: HTTPMethod) {
        if let cookie { headers.replaceOrAdd(name: .cookie, value: "\(AuthenticationMiddleware.cookieName)=\(cookie)") }
        if let csrf, method != .GET { headers.replaceOrAdd(name: AuthenticationMiddleware.csrfHeader, value: csrf) }
        if let bearer { headers.bearerAuthorization = .init(token: bearer) }
    }

    /// Signs in through the real endpoint and returns the cookie and CSRF token.
    static func signIn(_ app: Application, email: String, password: String = TestShop.password) async throws -> Credentials {
        var result = Credentials()
        try await app.test(.POST, "/api/v1/auth/login", beforeRequest: { req async throws in
            try req.content.encode(["email": email, "password": password])
        }, afterResponse: { res async throws in
            XCTAssertEqual(res.status, .ok, res.body.string)
            result.cookie = res.headers.setCookie?[AuthenticationMiddleware.cookieName]?.string
            result.csrf = try res.content.decode(SessionDTO.self).csrfToken
        })
        return result
    }

    /// A session created straight in the database (fast; for matrix tests).
    static func session(for user: User, on db: any Database) async throws -> Credentials {
        let token = SecureToken.make()
        let csrf = SecureToken.make()
        let now = Date()
        try await UserSession(accountID: user.accountID, userID: user.id!, tokenHash: TokenHash.sha256(token), csrfToken: csrf,
                              ip: nil, userAgent: nil, now: now, expiresAt: now.addingTimeInterval(3600)).create(on: db)
        return Credentials(cookie: token, csrf: csrf)
    }

    /// An API token created straight in the database.
    static func token(accountID: UUID, role: Role = .admin, on db: any Database) async throws -> (Credentials, APIToken) {
        let secret = SecureToken.make(prefix: "kefu_")
        let token = APIToken(accountID: accountID, name: "test", role: role, tokenHash: TokenHash.sha256(secret),
                             prefix: String(secret.prefix(12)), createdBy: nil)
        try await token.create(on: db)
        return (Credentials(bearer: secret), token)
    }
}

extension Application {
    /// Sends a request with credentials and an optional raw JSON body (or raw bytes).
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, as credentials: Credentials = .anonymous, json: String? = nil,
              bytes: [UInt8]? = nil, contentType: HTTPMediaType? = nil,
              headers extra: HTTPHeaders = [:], body: String? = nil, file: StaticString = #filePath, line: UInt = #line) async throws -> XCTHTTPResponse {
        var response: XCTHTTPResponse?
        try await self.test(method, path, beforeRequest: { req async throws in
            credentials.apply(to: &req.headers, method: method)
            for (name, value) in extra { req.headers.replaceOrAdd(name: name, value: value) }
            if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(string: json)
            }
            if let body { req.body = ByteBuffer(string: body) }
            if let bytes {
                req.headers.contentType = contentType ?? .png
                req.body = ByteBuffer(bytes: bytes)
            }
        }, afterResponse: { res async throws in
            response = res
        })
        return response!
    }
}

extension XCTHTTPResponse {
    /// The `error.code` of a JSON error body.
    var errorCode: String? { try? content.decode(ErrorBody.self).error.code }
    var errorField: String? { try? content.decode(ErrorBody.self).error.field }
}

/// A shopper chatting in a shop's inbox, created straight in the database.
struct TestVisitor {
    var contact: Contact
    var token: String
    var conversation: Conversation

    static func create(_ app: Application, shop: TestShop, messages: [String] = ["你好"]) async throws -> TestVisitor {
        let accountID = shop.account.id!
        let contact = Contact(accountID: accountID)
        contact.name = "顾客"
        try await contact.create(on: app.db)
        let token = SecureToken.make(prefix: "v_")
        try await VisitorToken(accountID: accountID, inboxID: shop.inbox.id!, contactID: contact.id!, tokenHash: TokenHash.sha256(token)).create(on: app.db)
        let conversation = try await app.conversations.open(contactID: contact.id!, inboxID: shop.inbox.id!, accountID: accountID,
                                                            botActive: false, by: .visitor(contactID: contact.id!))
        let caller = Caller.visitor(accountID: accountID, contactID: contact.id!, inboxID: shop.inbox.id!, name: contact.name)
        for text in messages {
            try await app.conversations.sendAsVisitor(MessageDraft(text: text, clientMessageID: UUID()), requested: conversation.id!, by: caller)
        }
        return TestVisitor(contact: contact, token: token, conversation: conversation)
    }
}

/// The smallest valid PNG: 1×1, one grey pixel.
enum TestImages {
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x4C, 0x17, 0xD7, 0xDF, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}
