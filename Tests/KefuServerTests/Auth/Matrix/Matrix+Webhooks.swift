import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Webhook endpoints and their delivery log (admins).
    static func webhooksRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        var hooks: [WebhookEndpoint] = []
        for _ in 0..<2 {
            let hook = WebhookEndpoint()
            hook.accountID = w.accountID
            hook.url = "http://127.0.0.1:9/hook"
            hook.events = "order.reminded"
            hook.secret = WebhookSigner.newSecret()
            hook.active = false
            hook.createdAt = Date()
            try await hook.create(on: app.db)
            hooks.append(hook)
        }
        let delivery = WebhookDelivery()
        delivery.accountID = w.accountID
        delivery.webhookID = hooks[0].id!
        delivery.event = "order.reminded"
        delivery.payload = "{}"
        delivery.status = .failed
        delivery.attempts = 8
        delivery.createdAt = Date()
        try await delivery.create(on: app.db)
        return [
            "GET /api/v1/webhooks": { _ in .init(path: "/api/v1/webhooks", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/webhooks": { _ in
                .init(path: "/api/v1/webhooks", json: #"{"url":"https://hooks.example.com/h","events":["order.reminded"],"active":false}"#,
                      status: row(401, 403, 403, 201, 201, 201)) },
            "PATCH /api/v1/webhooks/:id": { _ in
                .init(path: "/api/v1/webhooks/\(hooks[0].id!.uuidString)", json: #"{"active":false}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/webhooks/:id": { _ in
                .init(path: "/api/v1/webhooks/\(hooks[1].id!.uuidString)", status: row(401, 403, 403, 204, 404, 404)) },
            "GET /api/v1/webhooks/deliveries": { _ in .init(path: "/api/v1/webhooks/deliveries", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/webhooks/deliveries/:id/replay": { _ in
                .init(path: "/api/v1/webhooks/deliveries/\(delivery.id!.uuidString)/replay", status: row(401, 403, 403, 200, 404, 404)) },
        ]
    }
}
