import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Orders: the platform's upserts (API tokens), the order panel, cards, price changes and
    /// reminders (which name a conversation in the body: only one the caller can see, of the
    /// order's buyer), imports, order settings and reminder rules, the demo platform.
    static func ordersRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        // Orders: M-1 of the visitor (as buyer B-1), M-2 and M-3 with a price change waiting.
        w.visitor.contact.externalID = "B-1"
        try await w.visitor.contact.save(on: app.db)
        let store = OrderStore(app: app)
        func order(_ status: String = "unpaid") -> OrderUpsert {
            OrderUpsert(status: status, currency: "CNY", lines: [.init(sku: "S-1", title: "T恤", quantity: 1, unitPrice: 7900)], shippingFee: 1000,
                        buyer: .init(externalId: "B-1", name: "王女士"))
        }
        for id in ["M-1", "M-2", "M-3"] { _ = try await store.upsert(order: id, order(), accountID: w.accountID, by: .system) }
        _ = try await store.upsert(product: "P-1", ProductUpsert(title: "T恤", currency: "CNY", marketPrice: 7900), accountID: w.accountID)
        let agent1 = try await Credentials.session(for: w.shop1.agent, on: app.db)
        var pending: [String] = []
        for id in ["M-2", "M-3"] {
            let response = try await app.send(.POST, "/api/v1/orders/\(id)/price-changes", as: agent1,
                                              json: #"{"target":"shipping","newAmount":0,"reason":"包邮"}"#)
            precondition(response.status == .accepted, response.body.string)
            pending.append(try response.content.decode(PriceChangeResultDTO.self).change.id.uuidString)
        }
        let reminderRule = ReminderRuleRecord()
        reminderRule.accountID = w.accountID
        reminderRule.name = "30 分钟"
        reminderRule.active = true
        reminderRule.ruleJSON = OrderJSON.encode(ReminderRule(timeZone: "Asia/Shanghai"))
        reminderRule.createdAt = Date()
        reminderRule.updatedAt = Date()
        try await reminderRule.create(on: app.db)
        let doomedReminderRule = ReminderRuleRecord()
        doomedReminderRule.accountID = w.accountID
        doomedReminderRule.name = "旧规则"
        doomedReminderRule.active = false
        doomedReminderRule.ruleJSON = reminderRule.ruleJSON
        doomedReminderRule.createdAt = Date()
        doomedReminderRule.updatedAt = Date()
        try await doomedReminderRule.create(on: app.db)
        let orderBody = #"{"status":"unpaid","currency":"CNY","lines":[{"sku":"S","title":"T","quantity":1,"unitPrice":100}],"buyer":{"externalId":"B-9"}}"#
        let conversation = w.conversationID
        return [
            "PUT /api/v1/orders/:externalId": { _ in
                .init(path: "/api/v1/orders/N-\(w.unique())", json: orderBody, status: row(401, 403, 403, 201, 201, 201)) },
            "GET /api/v1/orders/:externalId": { _ in .init(path: "/api/v1/orders/M-1", status: row(401, 200, 200, 200, 404, 404)) },
            "PUT /api/v1/products/:externalId": { _ in
                .init(path: "/api/v1/products/P-\(w.unique())", json: #"{"title":"袜子","currency":"CNY","marketPrice":990}"#,
                      status: row(401, 403, 403, 201, 201, 201)) },
            // The customer's price tier comes from the contact named in the query.
            "GET /api/v1/products": { _ in
                .init(path: "/api/v1/products?q=T&contact=\(w.contactID)", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/contacts/:id/orders": { _ in
                .init(path: "/api/v1/contacts/\(w.contactID)/orders", status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/cards": { _ in
                .init(path: w.conv + "/cards", json: #"{"kind":"product","externalId":"P-1"}"#, status: row(401, 201, 404, 201, 404, 403)) },
            "POST /api/v1/orders/:externalId/price-changes": { _ in
                .init(path: "/api/v1/orders/M-1/price-changes",
                      json: #"{"target":"shipping","newAmount":1000,"reason":"核对运费","conversationId":"\#(conversation)"}"#,
                      status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/price-changes": { _ in .init(path: "/api/v1/price-changes?status=pending", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/price-changes/:id/approve": { _ in
                .init(path: "/api/v1/price-changes/\(pending[0])/approve", json: #"{"note":"老顾客"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "POST /api/v1/price-changes/:id/reject": { _ in
                .init(path: "/api/v1/price-changes/\(pending[1])/reject", json: #"{"note":"不行"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "POST /api/v1/orders/:externalId/remind": { _ in
                .init(path: "/api/v1/orders/M-1/remind", json: #"{"conversationId":"\#(conversation)"}"#, status: row(401, 201, 404, 429, 404, 404)) },
            "POST /api/v1/orders/import": { _ in
                .init(path: "/api/v1/orders/import",
                      json: "external_id,status,currency,buyer_id,sku,title,quantity,unit_price\nI-1,unpaid,CNY,B-8,S,T,1,1.00\n",
                      status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/products/import": { _ in
                .init(path: "/api/v1/products/import", json: "external_id,title,currency,market_price\nPI-1,杯子,CNY,9.90\n",
                      status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/order-settings": { _ in .init(path: "/api/v1/order-settings", status: row(401, 200, 200, 200, 200, 200)) },
            "PUT /api/v1/order-settings": { _ in
                .init(path: "/api/v1/order-settings", json: #"{"priceLimits":{"maxDiscountPercent":{"agent":10,"admin":100}}}"#,
                      status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/reminder-rules": { _ in .init(path: "/api/v1/reminder-rules", status: row(401, 200, 200, 200, 200, 200)) },
            "POST /api/v1/reminder-rules": { _ in
                .init(path: "/api/v1/reminder-rules", json: #"{"name":"一小时","timeZone":"Asia/Shanghai","delayMinutes":60,"active":false}"#,
                      status: row(401, 403, 403, 201, 201, 201)) },
            "PATCH /api/v1/reminder-rules/:id": { _ in
                .init(path: "/api/v1/reminder-rules/\(reminderRule.id!.uuidString)", json: #"{"delayMinutes":45}"#,
                      status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/reminder-rules/:id": { _ in
                .init(path: "/api/v1/reminder-rules/\(doomedReminderRule.id!.uuidString)", status: row(401, 403, 403, 204, 404, 404)) },
            "GET /api/v1/reminders/stats": { _ in .init(path: "/api/v1/reminders/stats?days=7", status: row(401, 403, 403, 200, 200, 200)) },
            // The demo shop and platform exist only after `kefu demo`.
            "GET /demo/shop": { _ in .init(path: "/demo/shop", status: all(404)) },
            "POST /demo/platform/webhook": { _ in .init(path: "/demo/platform/webhook", json: "{}", status: all(404)) },
            "POST /demo/platform/orders/:externalId/pay": { _ in .init(path: "/demo/platform/orders/M-1/pay", status: all(404)) },
        ]
    }
}
