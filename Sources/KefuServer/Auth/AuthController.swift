import Fluent
import Foundation
import KefuCore
import Vapor

/// Sign-in, sign-out, the signed-in member's own profile and password.
struct AuthController {
    func login(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(LoginRequest.self)
        let context = req.application.kefu
        let email = input.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let ip = req.clientIP ?? "unknown"
        try context.loginLimiter.attempt(ip: ip, email: email, now: req.now)

        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        guard let user, user.active else {
            try await Passwords.spendVerifyTime(cost: context.settings.bcryptCost, on: req.application)
            context.loginLimiter.failed(ip: ip, email: email, now: req.now)
            throw Self.invalidCredentials
        }
        guard try await Passwords.verify(input.password, hash: user.passwordHash, on: req.application) else {
            context.loginLimiter.failed(ip: ip, email: email, now: req.now)
            throw Self.invalidCredentials
        }
        context.loginLimiter.succeeded(ip: ip, email: email)

        // A new session id at every sign-in; a session the browser still held is ended.
        if let old = req.cookies[AuthenticationMiddleware.cookieName]?.string {
            try await UserSession.query(on: req.db).filter(\.$tokenHash == TokenHash.sha256(old)).delete()
        }
        let token = SecureToken.make(bytes: 32)
        let now = req.now
        let session = UserSession(
            accountID: user.accountID, userID: user.id!, tokenHash: TokenHash.sha256(token),
            csrfToken: SecureToken.make(bytes: 32), ip: req.clientIP,
            userAgent: req.headers.first(name: .userAgent).map { String($0.prefix(255)) }, now: now,
            expiresAt: now.addingTimeInterval(Double(context.settings.sessionIdleHours) * 3600))
        try await session.create(on: req.db)

        let body = try await sessionDTO(user: user, csrfToken: session.csrfToken, on: req.db)
        let response = try await body.encodeResponse(status: .ok, for: req)
        response.cookies[AuthenticationMiddleware.cookieName] = Self.cookie(token, settings: context.settings)
        return response
    }

    func logout(_ req: Request) async throws -> Response {
        if let token = req.cookies[AuthenticationMiddleware.cookieName]?.string {
            try await UserSession.query(on: req.db).filter(\.$tokenHash == TokenHash.sha256(token)).delete()
        }
        // Signing out also closes the sockets this session opened.
        if let principal = req.principal, let userID = principal.userID, let sessionID = principal.sessionID {
            req.application.chat.disconnect(userID: userID, accountID: principal.accountID, onlySession: sessionID)
        }
        let response = Response(status: .noContent)
        var expired = Self.cookie("", settings: req.application.kefu.settings)
        expired.expires = Date(timeIntervalSince1970: 0)
        expired.maxAge = 0
        response.cookies[AuthenticationMiddleware.cookieName] = expired
        return response
    }

    func me(_ req: Request) async throws -> SessionDTO {
        let (principal, userID) = try req.requireSessionUser()
        let user = try await Self.user(userID, principal: principal, on: req.db)
        return try await sessionDTO(user: user, csrfToken: principal.csrfToken, on: req.db)
    }

    func updateMe(_ req: Request) async throws -> SessionDTO {
        let (principal, userID) = try req.requireSessionUser()
        let input = try req.decodeStrict(UpdateMeRequest.self)
        let user = try await Self.user(userID, principal: principal, on: req.db)
        if let name = input.displayName { user.displayName = try Validate.name(name, field: "displayName") }
        if let raw = input.locale {
            guard let locale = UILocale(rawValue: raw) else {
                throw DomainError.invalid("locale", "locale must be one of \(UILocale.allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
            }
            user.locale = locale.rawValue
        }
        try await user.save(on: req.db)
        return try await sessionDTO(user: user, csrfToken: principal.csrfToken, on: req.db)
    }

    func changePassword(_ req: Request) async throws -> HTTPStatus {
        let (principal, userID) = try req.requireSessionUser()
        let input = try req.decodeStrict(ChangePasswordRequest.self)
        let user = try await Self.user(userID, principal: principal, on: req.db)
        _ = try Validate.password(input.newPassword, field: "newPassword")
        guard try await Passwords.verify(input.currentPassword, hash: user.passwordHash, on: req.application) else {
            throw DomainError(.invalid, code: "wrong_password", message: "the current password is wrong", field: "currentPassword")
        }
        user.passwordHash = try await Passwords.hash(input.newPassword, cost: req.application.kefu.settings.bcryptCost, on: req.application)
        try await req.db.transaction { tx in
            try await user.save(on: tx)
            try await Team.endSessions(of: userID, accountID: principal.accountID, except: principal.sessionID, on: tx)
            try await AuditLog.record("user.password_change", target: "user", id: userID.uuidString,
                                      by: principal, ip: req.clientIP, at: req.now, on: tx)
        }
        req.application.chat.disconnect(userID: userID, accountID: principal.accountID, exceptSession: principal.sessionID)
        return .noContent
    }

    // MARK: helpers

    static let invalidCredentials = DomainError(.unauthorized, code: "invalid_credentials", message: "wrong e-mail or password")

    static func cookie(_ value: String, settings: KefuSettings) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: settings.sessionIdleHours * 3600, domain: nil, path: "/",
                          isSecure: settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    static func user(_ id: UUID, principal: Principal, on db: any Database) async throws -> User {
        guard let user = try await User.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("user")
        }
        return user
    }

    private func sessionDTO(user: User, csrfToken: String?, on db: any Database) async throws -> SessionDTO {
        guard let account = try await Account.find(user.accountID, on: db) else { throw DomainError.notFound("account") }
        return SessionDTO(user: try await Team.dto(user, on: db), account: AccountDTO(id: account.id!, name: account.name),
                          csrfToken: csrfToken)
    }
}
