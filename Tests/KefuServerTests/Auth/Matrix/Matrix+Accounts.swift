@testable import KefuServer

extension AuthorizationMatrixTests {
    /// The team, inboxes, API tokens and the audit log.
    static func accountsRows(_ w: MatrixWorld) async throws -> Rows {
        let agentID = w.shop1.agent.id!.uuidString
        let inboxID = w.inboxID
        let tokenID = w.token1.id!.uuidString
        return [
            "GET /api/v1/agents": { _ in .init(path: "/api/v1/agents", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/agents/:id": { _ in .init(path: "/api/v1/agents/\(agentID)", status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/agents": { _ in
                .init(path: "/api/v1/agents",
                      json: #"{"email":"new\#(w.unique())@example.com","password":"a good password","displayName":"新人","inboxIds":["\#(inboxID)"]}"#,
                      status: row(401, 403, 403, 201, 400, 400)) },
            "PATCH /api/v1/agents/:id": { _ in
                .init(path: "/api/v1/agents/\(agentID)", json: #"{"displayName":"改名"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            // Every member sees the shop's inboxes (to transfer to them).
            "GET /api/v1/inboxes": { _ in .init(path: "/api/v1/inboxes", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/inboxes/:id": { _ in .init(path: "/api/v1/inboxes/\(inboxID)", status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/inboxes": { _ in
                .init(path: "/api/v1/inboxes", json: #"{"name":"投诉\#(w.unique())"}"#, status: row(401, 403, 403, 201, 201, 201)) },
            "PATCH /api/v1/inboxes/:id": { _ in
                .init(path: "/api/v1/inboxes/\(inboxID)", json: #"{"description":"x"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "GET /api/v1/api-tokens": { _ in .init(path: "/api/v1/api-tokens", status: row(401, 403, 403, 200, 200, 403)) },
            "POST /api/v1/api-tokens": { _ in
                .init(path: "/api/v1/api-tokens", json: #"{"name":"erp"}"#, status: row(401, 403, 403, 201, 201, 403)) },
            "DELETE /api/v1/api-tokens/:id": { _ in
                .init(path: "/api/v1/api-tokens/\(tokenID)", status: row(401, 403, 403, 204, 404, 403)) },
            "GET /api/v1/audit-log": { _ in .init(path: "/api/v1/audit-log?limit=200", status: row(401, 403, 403, 200, 200, 200)) },
        ]
    }
}
