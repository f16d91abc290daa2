import Foundation
import KefuCore
import Vapor

/// Who is calling: a signed-in team member (browser session) or an API token.
/// Every query a handler runs is scoped by `accountID`.
struct Principal: Sendable {
    enum Kind: String, Sendable { case user, token }

    var kind: Kind
    var accountID: UUID
    var role: Role
    /// The member, for sessions; nil for tokens.
    var userID: UUID?
    var tokenID: UUID?
    var sessionID: UUID?
    var label: String
    var csrfToken: String?

    var actorID: UUID? { userID ?? tokenID }

    /// Who the domain events name for this caller.
    var actor: EventActor {
        if let userID { return .agent(userID: userID) }
        if let tokenID { return .token(tokenID: tokenID) }
        return .system
    }
}

private struct PrincipalKey: StorageKey { typealias Value = Principal }

extension Request {
    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The caller, or 401.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw DomainError(.unauthorized, code: "unauthorized", message: "sign in or send an API token")
        }
        return principal
    }

    /// The signed-in member behind a browser session, or 403 for API tokens.
    func requireSessionUser() throws -> (Principal, UUID) {
        let principal = try requirePrincipal()
        guard principal.kind == .user, let userID = principal.userID else {
            throw DomainError.forbidden("this action needs a signed-in team member, not an API token")
        }
        return (principal, userID)
    }

    /// The client's address: the socket peer (no proxy headers are trusted by default).
    /// The client's address: the peer's, or — behind a trusted reverse proxy
    /// (`KEFU_TRUSTED_PROXIES`) — the one the proxy names in `Forwarded` / `X-Forwarded-For`.
    var clientIP: String? {
        let peer = remoteAddress?.ipAddress
        let proxies = application.kefu.settings.trustedProxies
        guard !proxies.ranges.isEmpty else { return peer }
        return proxies.clientAddress(peer: peer, forwarded: headers[.forwarded], forwardedFor: headers[.xForwardedFor])
    }
}

/// Lets through only callers with at least `minimum` role.
struct RequireRole: AsyncMiddleware {
    let minimum: Role
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.role >= minimum else {
            throw DomainError.forbidden("this needs the \(minimum.rawValue) role or higher")
        }
        return try await next.respond(to: request)
    }
}
