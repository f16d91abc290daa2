import Vapor

/// Headers every answer carries: no MIME sniffing, no framing of the workbench,
/// a strict content security policy, no referrer leaks.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if response.headers.first(name: "Content-Security-Policy") == nil {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        }
        if request.url.path.hasPrefix("/api/") {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

/// Refuses cookie-authenticated state-changing browser requests whose `Origin` is
/// neither Kefu's own nor a configured CORS origin (a second line of defence beside
/// CSRF tokens). Requests without the session cookie (the widget, API tokens) carry
/// no ambient credentials, so their origin does not matter.
struct OriginCheckMiddleware: AsyncMiddleware {
    let allowed: Set<String>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if AuthenticationMiddleware.isStateChanging(request.method),
           request.headers.bearerAuthorization == nil,
           request.cookies[AuthenticationMiddleware.cookieName] != nil,
           !request.url.path.hasPrefix(WidgetCORSMiddleware.prefix),
           let origin = request.headers.first(name: .origin) {
            let host = request.headers.first(name: .host) ?? ""
            let sameOrigin = origin == "http://\(host)" || origin == "https://\(host)"
            if !sameOrigin && !allowed.contains(origin) {
                throw DomainError.forbidden("cross-origin request from \(origin) refused")
            }
        }
        return try await next.respond(to: request)
    }
}

import KefuCore
