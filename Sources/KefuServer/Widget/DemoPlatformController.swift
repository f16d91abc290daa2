import Fluent
import Foundation
import KefuCore
import Vapor

/// The demo shop platform (after `kefu demo`): receives Kefu's signed webhooks for the demo
/// shop and lets the demo shopper pay an order, as a real shop system would. It acts on the
/// demo shop's data only.
struct DemoPlatformController {
    /// `POST /demo/platform/webhook`: checks the signature like a platform must; 401 otherwise.
    func webhook(_ req: Request) async throws -> HTTPStatus {
        let accountID = try await DemoShopController.demoAccount(req)
        guard let endpoint = try await WebhookEndpoint.query(on: req.db).filter(\.$accountID == accountID).all()
            .first(where: { $0.url.hasSuffix(OrdersDemo.webhookPath) }) else { throw DomainError.notFound("demo webhook") }
        let body = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        guard let header = req.headers.first(name: WebhookSigner.header),
              WebhookSigner.verify(header: header, body: body, secret: endpoint.secret, now: req.now) else {
            throw DomainError(.unauthorized, code: "bad_signature", message: "the Kefu-Signature header does not match the body")
        }
        req.logger.info("demo platform received a webhook", metadata: ["event": "\(req.headers.first(name: "Kefu-Event") ?? "")",
                                                                        "component": "demo-platform"])
        return .noContent
    }

    /// `POST /demo/platform/orders/{externalId}/pay`: the demo shopper pays; the platform
    /// tells Kefu the order is paid (which confirms the payment in the chat and counts any
    /// reminder as successful).
    func pay(_ req: Request) async throws -> Response {
        let accountID = try await DemoShopController.demoAccount(req)
        let externalId = try OrdersController.externalID(req)
        guard let order = try await Order.query(on: req.db).filter(\.$accountID == accountID).filter(\.$externalID == externalId).first() else {
            throw DomainError.notFound("order")
        }
        guard order.status.isBeforePayment else {
            throw DomainError(.conflict, code: "not_unpaid", message: "this order is \(order.status.rawValue); only an unpaid order can be paid")
        }
        var upsert = OrderStore.platformView(order)
        upsert.status = OrderStatus.paid.rawValue
        upsert.paidAt = req.now
        _ = try await OrderStore(app: req.application).upsert(order: externalId, upsert, accountID: accountID, by: .system)
        return req.redirect(to: "/demo/shop?customer=\(order.buyerExternalID)#orders")
    }
}
