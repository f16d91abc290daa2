import Fluent
import Foundation
import KefuCore
import Vapor

/// Resolves the caller from `Authorization: Bearer` or the session cookie and
/// checks CSRF on cookie-authenticated state-changing requests. It does not
/// require a caller; routes that need one use `requirePrincipal()` or `RequireRole`.
struct AuthenticationMiddleware: AsyncMiddleware {
    static let cookieName = "kefu_session"
    static let csrfHeader = "X-CSRF-Token"
    /// `last_seen_at` is written at most this often per session.
    static let touchInterval: TimeInterval = 300
    static let loginPath = "/api/v1/auth/login"
    static let metricsPath = "/metrics"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.url.path == Self.metricsPath {
            // Prometheus sends the metrics token (KEFU_METRICS_TOKEN), not an API token; the route checks it.
        } else if let bearer = request.headers.bearerAuthorization {
            request.principal = try await Self.principal(forToken: bearer.token, on: request)
        } else if let cookie = request.cookies[Self.cookieName]?.string, !cookie.isEmpty,
                  request.url.path != Self.loginPath {
            // Sign-in ignores a session the browser still holds: it starts a new one
            // (and ends the old), and it is protected by the Origin check and SameSite.
            if let principal = try await Self.principal(forSessionToken: cookie, on: request) {
                if Self.isStateChanging(request.method) {
                    guard let sent = request.headers.first(name: Self.csrfHeader),
                          let expected = principal.csrfToken, Self.constantTimeEquals(sent, expected) else {
                        throw DomainError(.forbidden, code: "csrf_failed", message: "missing or wrong X-CSRF-Token header")
                    }
                }
                request.principal = principal
            }
        }
        return try await next.respond(to: request)
    }

    static func isStateChanging(_ method: HTTPMethod) -> Bool {
        ![.GET, .HEAD, .OPTIONS].contains(method)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    static func principal(forToken token: String, on request: Request) async throws -> Principal {
        guard let stored = try await APIToken.query(on: request.db)
            .filter(\.$tokenHash == TokenHash.sha256(token)).first(),
              stored.revokedAt == nil, let id = stored.id else {
            throw DomainError(.unauthorized, code: "invalid_token", message: "the API token is unknown or revoked")
        }
        let now = request.now
        if (stored.lastUsedAt.map { now.timeIntervalSince($0) > touchInterval }) ?? true {
            stored.lastUsedAt = now
            try await stored.save(on: request.db)
        }
        return Principal(kind: .token, accountID: stored.accountID, role: stored.role, userID: nil,
                         tokenID: id, sessionID: nil, label: "token:\(stored.name)", csrfToken: nil)
    }

    /// The principal of a live session, or nil when the cookie names no live session.
    static func principal(forSessionToken token: String, on request: Request) async throws -> Principal? {
        guard let session = try await UserSession.query(on: request.db)
            .filter(\.$tokenHash == TokenHash.sha256(token)).first(), let sessionID = session.id else { return nil }
        let now = request.now
        guard session.expiresAt > now,
              let user = try await User.query(on: request.db)
                .filter(\.$accountID == session.accountID).filter(\.$id == session.userID).first(),
              user.active, let userID = user.id else {
            try await session.delete(on: request.db)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > touchInterval {
            session.lastSeenAt = now
            session.expiresAt = now.addingTimeInterval(Double(request.application.kefu.settings.sessionIdleHours) * 3600)
            try await session.save(on: request.db)
        }
        return Principal(kind: .user, accountID: user.accountID, role: user.role, userID: userID, tokenID: nil,
                         sessionID: sessionID, label: "\(user.agentNumber) \(user.displayName) <\(user.email)>",
                         csrfToken: session.csrfToken)
    }
}
