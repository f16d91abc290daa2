@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Operations, the API description, the catalogue, sign-in and the member's own profile.
    static func opsRows(_ w: MatrixWorld) async throws -> Rows {
        [
            "GET /health": { _ in .init(path: "/health", status: all(200)) },
            "GET /ready": { _ in .init(path: "/ready", status: all(200)) },
            "GET /metrics": { _ in .init(path: "/metrics", status: all(200)) },
            "GET /api/openapi.json": { _ in .init(path: "/api/openapi.json", status: all(200)) },
            "GET /api/v1/i18n": { _ in .init(path: "/api/v1/i18n?locale=en", status: all(200)) },
            "POST /api/v1/auth/login": { caller in
                .init(path: "/api/v1/auth/login", json: #"{"email":"nobody-\#(caller)@example.com","password":"wrong-password"}"#,
                      status: all(401)) },
            "POST /api/v1/auth/logout": { _ in .init(path: "/api/v1/auth/logout", status: all(204)) },
            "GET /api/v1/auth/me": { _ in .init(path: "/api/v1/auth/me", status: row(401, 200, 200, 200, 200, 403)) },
            "PATCH /api/v1/auth/me": { _ in .init(path: "/api/v1/auth/me", json: #"{"locale":"en"}"#, status: row(401, 200, 200, 200, 200, 403)) },
            "POST /api/v1/auth/password": { _ in
                .init(path: "/api/v1/auth/password", json: #"{"currentPassword":"not-the-password","newPassword":"another pass 1"}"#,
                      status: row(401, 400, 400, 400, 400, 403)) },
        ]
    }
}
