import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// Every registered route must state what it answers to each kind of caller, with
/// ids of the other shop in path, query and body. A route added without an entry
/// here fails this test.
final class AuthorizationMatrixTests: XCTestCase {
    enum Caller: String, CaseIterable {
        case anonymous, agent1, admin1, admin2, token2
    }

    /// Expected status per caller, and the request to send (ids of shop 1).
    struct Expectation {
        var path: String
        var json: String?
        var bytes: [UInt8]? = nil
        var status: [Caller: UInt]
    }

    func testEveryRouteHasAnExpectationForEveryCaller() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop1 = try await TestShop.create(app, name: "Shop One")
        let shop2 = try await TestShop.create(app, name: "Shop Two")
        let (_, token1) = try await Credentials.token(accountID: shop1.account.id!, on: app.db)
        let agentID = shop1.agent.id!.uuidString
        let inboxID = shop1.inbox.id!.uuidString
        let tokenID = token1.id!.uuidString
        let visitor = try await TestVisitor.create(app, shop: shop1)
        let conversationID = visitor.conversation.id!.uuidString
        let contactID = visitor.contact.id!.uuidString
        let upload = try await app.send(.POST, "/api/v1/widget/uploads?token=\(visitor.token)", bytes: TestImages.png)
        let attachmentURL = try upload.content.decode(AttachmentDTO.self).url
        let conv = "/api/v1/conversations/\(conversationID)"
        let article = try await KnowledgeFixture.article(app, shop: shop1, slug: "return-policy", title: "怎么退货", category: "售后/退换货")
        let doomed = try await KnowledgeFixture.article(app, shop: shop1, slug: "old-article", title: "旧问题", category: "售后")
        let articleID = article.id!.uuidString
        let question = AskedQuestion(accountID: shop1.account.id!, inboxID: nil, conversationID: nil, question: "能开发票吗", locale: "zh-CN", askedAt: Date())
        try await question.create(on: app.db)
        let help = "/help/" + (try await KnowledgeStore.settings(accountID: shop1.account.id!, now: Date(), on: app.db)).helpSlug
        let kb = "/api/v1/knowledge"
        let rule = KeywordRule(accountID: shop1.account.id!, inboxID: shop1.inbox.id!, now: Date())
        rule.keywords = ["退货"]
        rule.reply = "七天无理由退货"
        try await rule.create(on: app.db)
        let doomedRule = KeywordRule(accountID: shop1.account.id!, inboxID: shop1.inbox.id!, now: Date())
        doomedRule.keywords = ["发票"]
        doomedRule.reply = "可以开"
        try await doomedRule.create(on: app.db)
        let rules = "/api/v1/inboxes/\(inboxID)/keyword-rules"
        let phrase = QuickPhrase(accountID: shop1.account.id!, ownerID: nil, now: Date())
        phrase.text = "亲，请稍等"
        try await phrase.create(on: app.db)
        let doomedPhrase = QuickPhrase(accountID: shop1.account.id!, ownerID: nil, now: Date())
        doomedPhrase.text = "旧短语"
        try await doomedPhrase.create(on: app.db)
        // Orders: M-1 of the visitor (as buyer B-1), M-2 and M-3 with a price change waiting.
        visitor.contact.externalID = "B-1"
        try await visitor.contact.save(on: app.db)
        let store = OrderStore(app: app)
        func order(_ status: String = "unpaid") -> OrderUpsert {
            OrderUpsert(status: status, currency: "CNY", lines: [.init(sku: "S-1", title: "T恤", quantity: 1, unitPrice: 7900)], shippingFee: 1000,
                        buyer: .init(externalId: "B-1", name: "王女士"))
        }
        for id in ["M-1", "M-2", "M-3"] { _ = try await store.upsert(order: id, order(), accountID: shop1.account.id!, by: .system) }
        _ = try await store.upsert(product: "P-1", ProductUpsert(title: "T恤", currency: "CNY", marketPrice: 7900), accountID: shop1.account.id!)
        let owner1 = try await Credentials.session(for: shop1.agent, on: app.db)
        var pending: [String] = []
        for id in ["M-2", "M-3"] {
            let response = try await app.send(.POST, "/api/v1/orders/\(id)/price-changes", as: owner1,
                                              json: #"{"target":"shipping","newAmount":0,"reason":"包邮"}"#)
            XCTAssertEqual(response.status, .accepted, response.body.string)
            pending.append(try response.content.decode(PriceChangeResultDTO.self).change.id.uuidString)
        }
        let reminderRule = ReminderRuleRecord()
        reminderRule.accountID = shop1.account.id!
        reminderRule.name = "30 分钟"
        reminderRule.active = true
        reminderRule.ruleJSON = OrderJSON.encode(ReminderRule(timeZone: "Asia/Shanghai"))
        reminderRule.createdAt = Date()
        reminderRule.updatedAt = Date()
        try await reminderRule.create(on: app.db)
        let doomedReminderRule = ReminderRuleRecord()
        doomedReminderRule.accountID = shop1.account.id!
        doomedReminderRule.name = "旧规则"
        doomedReminderRule.active = false
        doomedReminderRule.ruleJSON = reminderRule.ruleJSON
        doomedReminderRule.createdAt = Date()
        doomedReminderRule.updatedAt = Date()
        try await doomedReminderRule.create(on: app.db)
        var hooks: [WebhookEndpoint] = []
        for _ in 0..<2 {
            let hook = WebhookEndpoint()
            hook.accountID = shop1.account.id!
            hook.url = "http://127.0.0.1:9/hook"
            hook.events = "order.reminded"
            hook.secret = WebhookSigner.newSecret()
            hook.active = false
            hook.createdAt = Date()
            try await hook.create(on: app.db)
            hooks.append(hook)
        }
        let delivery = WebhookDelivery()
        delivery.accountID = shop1.account.id!
        delivery.webhookID = hooks[0].id!
        delivery.event = "order.reminded"
        delivery.payload = "{}"
        delivery.status = .failed
        delivery.attempts = 8
        delivery.createdAt = Date()
        try await delivery.create(on: app.db)
        let orderBody = #"{"status":"unpaid","currency":"CNY","lines":[{"sku":"S","title":"T","quantity":1,"unitPrice":100}],"buyer":{"externalId":"B-9"}}"#
        var counter = 0
        func unique() -> Int { counter += 1; return counter }

        func all(_ s: UInt) -> [Caller: UInt] { Dictionary(uniqueKeysWithValues: Caller.allCases.map { ($0, s) }) }
        func row(_ anonymous: UInt, _ agent1: UInt, _ admin1: UInt, _ admin2: UInt, _ token2: UInt) -> [Caller: UInt] {
            [.anonymous: anonymous, .agent1: agent1, .admin1: admin1, .admin2: admin2, .token2: token2]
        }
        let expectations: [String: (Caller) -> Expectation] = [
            "GET /health": { _ in .init(path: "/health", status: all(200)) },
            "GET /ready": { _ in .init(path: "/ready", status: all(200)) },
            "GET /metrics": { _ in .init(path: "/metrics", status: all(200)) },
            "GET /api/openapi.json": { _ in .init(path: "/api/openapi.json", status: all(200)) },
            "GET /api/v1/i18n": { _ in .init(path: "/api/v1/i18n?locale=en", status: all(200)) },
            "POST /api/v1/auth/login": { _ in
                .init(path: "/api/v1/auth/login", json: #"{"email":"nobody@example.com","password":"wrong-password"}"#, status: all(401)) },
            "POST /api/v1/auth/logout": { _ in .init(path: "/api/v1/auth/logout", status: all(204)) },
            "GET /api/v1/auth/me": { _ in .init(path: "/api/v1/auth/me", status: row(401, 200, 200, 200, 403)) },
            "PATCH /api/v1/auth/me": { _ in .init(path: "/api/v1/auth/me", json: #"{"locale":"en"}"#, status: row(401, 200, 200, 200, 403)) },
            "POST /api/v1/auth/password": { _ in
                .init(path: "/api/v1/auth/password", json: #"{"currentPassword":"not-the-password","newPassword":"another pass 1"}"#,
                      status: row(401, 400, 400, 400, 403)) },
            "GET /api/v1/agents": { _ in .init(path: "/api/v1/agents", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/agents/:id": { _ in .init(path: "/api/v1/agents/\(agentID)", status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/agents": { _ in
                .init(path: "/api/v1/agents",
                      json: #"{"email":"new\#(unique())@example.com","password":"a good password","displayName":"新人","inboxIds":["\#(inboxID)"]}"#,
                      status: row(401, 403, 201, 400, 400)) },
            "PATCH /api/v1/agents/:id": { _ in
                .init(path: "/api/v1/agents/\(agentID)", json: #"{"displayName":"改名"}"#, status: row(401, 403, 200, 404, 404)) },
            "GET /api/v1/inboxes": { _ in .init(path: "/api/v1/inboxes", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/inboxes/:id": { _ in .init(path: "/api/v1/inboxes/\(inboxID)", status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/inboxes": { _ in
                .init(path: "/api/v1/inboxes", json: #"{"name":"投诉\#(unique())"}"#, status: row(401, 403, 201, 201, 201)) },
            "PATCH /api/v1/inboxes/:id": { _ in
                .init(path: "/api/v1/inboxes/\(inboxID)", json: #"{"description":"x"}"#, status: row(401, 403, 200, 404, 404)) },
            "GET /api/v1/api-tokens": { _ in .init(path: "/api/v1/api-tokens", status: row(401, 403, 200, 200, 403)) },
            "POST /api/v1/api-tokens": { _ in
                .init(path: "/api/v1/api-tokens", json: #"{"name":"erp"}"#, status: row(401, 403, 201, 201, 403)) },
            "DELETE /api/v1/api-tokens/:id": { _ in
                .init(path: "/api/v1/api-tokens/\(tokenID)", status: row(401, 403, 204, 404, 403)) },
            "GET /api/v1/audit-log": { _ in .init(path: "/api/v1/audit-log?limit=200", status: row(401, 403, 200, 200, 200)) },
            // The widget's endpoints answer to the visitor token, whoever else calls.
            "POST /api/v1/widget/sessions": { _ in
                .init(path: "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop1.inbox.widgetKey)"}"#, status: all(200)) },
            "GET /api/v1/widget/messages": { _ in
                .init(path: "/api/v1/widget/messages?token=\(visitor.token)&conversationId=\(conversationID)", status: all(200)) },
            "POST /api/v1/widget/uploads": { _ in
                .init(path: "/api/v1/widget/uploads?token=\(visitor.token)", bytes: TestImages.png, status: all(201)) },
            "GET /api/v1/widget/ws": { _ in .init(path: "/api/v1/widget/ws", status: all(401)) },
            "GET /api/v1/agent/ws": { _ in .init(path: "/api/v1/agent/ws", status: row(401, 101, 101, 101, 101)) },
            "GET /api/v1/conversations": { _ in .init(path: "/api/v1/conversations?filter=all", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/conversations/:id": { _ in .init(path: conv, status: row(401, 200, 200, 404, 404)) },
            "GET /api/v1/conversations/:id/messages": { _ in .init(path: conv + "/messages", status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/messages": { _ in
                .init(path: conv + "/messages", json: #"{"text":"您好"}"#, status: row(401, 201, 201, 404, 404)) },
            "PATCH /api/v1/conversations/:id": { _ in
                .init(path: conv, json: #"{"priority":"high"}"#, status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/merge": { _ in
                .init(path: conv + "/merge", json: #"{"sourceConversationId":"\#(conversationID)"}"#, status: row(401, 400, 400, 404, 404)) },
            "POST /api/v1/conversations/:id/read": { _ in
                .init(path: conv + "/read", json: #"{"seq":1}"#, status: row(401, 200, 200, 404, 404)) },
            "GET /api/v1/contacts/:id": { _ in .init(path: "/api/v1/contacts/\(contactID)", status: row(401, 200, 200, 404, 404)) },
            "PATCH /api/v1/contacts/:id": { _ in
                .init(path: "/api/v1/contacts/\(contactID)", json: #"{"name":"张三"}"#, status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/uploads": { _ in .init(path: "/api/v1/uploads", bytes: TestImages.png, status: row(401, 201, 201, 201, 201)) },
            // Attachment URLs are capabilities (192 random bits): `<img src>` carries no credentials.
            "GET /api/v1/attachments/:accountID/:id": { _ in .init(path: attachmentURL, status: all(200)) },
            "GET /demo/shop": { _ in .init(path: "/demo/shop", status: all(404)) },
            // Knowledge: members read and search, supervisors and above edit.
            "GET /api/v1/knowledge/articles": { _ in .init(path: kb + "/articles", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/articles/:id": { _ in .init(path: kb + "/articles/\(articleID)", status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/knowledge/articles": { _ in
                .init(path: kb + "/articles", json: #"{"title":"问题\#(unique())","body":"答案"}"#, status: row(401, 403, 201, 201, 201)) },
            "PATCH /api/v1/knowledge/articles/:id": { _ in
                .init(path: kb + "/articles/\(articleID)", json: #"{"tags":["退货"]}"#, status: row(401, 403, 200, 404, 404)) },
            "DELETE /api/v1/knowledge/articles/:id": { _ in
                .init(path: kb + "/articles/\(doomed.id!.uuidString)", status: row(401, 403, 204, 404, 404)) },
            "POST /api/v1/knowledge/preview": { _ in .init(path: kb + "/preview", json: #"{"body":"**粗体**"}"#, status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/search": { _ in .init(path: kb + "/search?q=%E9%80%80%E8%B4%A7", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/settings": { _ in .init(path: kb + "/settings", status: row(401, 200, 200, 200, 200)) },
            "PUT /api/v1/knowledge/settings": { _ in
                .init(path: kb + "/settings", json: #"{"synonyms":["退钱 => 退款"]}"#, status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/knowledge/export": { _ in .init(path: kb + "/export?format=csv", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/knowledge/import": { _ in
                .init(path: kb + "/import?format=json", json: #"{"articles":[]}"#, status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/knowledge/unanswered": { _ in .init(path: kb + "/unanswered", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/knowledge/unanswered/dismiss": { _ in
                .init(path: kb + "/unanswered/dismiss", json: #"{"ids":["\#(question.id!.uuidString)"]}"#, status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/conversations/:id/suggestions": { _ in .init(path: conv + "/suggestions", status: row(401, 200, 200, 404, 404)) },
            // The FAQ bot answers to the visitor token; this conversation has no bot (409 for picking an article).
            "POST /api/v1/widget/handover": { _ in
                .init(path: "/api/v1/widget/handover?token=\(visitor.token)", json: #"{"conversationId":"\#(conversationID)"}"#, status: all(200)) },
            "POST /api/v1/widget/bot/answer": { _ in
                .init(path: "/api/v1/widget/bot/answer?token=\(visitor.token)",
                      json: #"{"conversationId":"\#(conversationID)","articleId":"\#(articleID)"}"#, status: all(409)) },
            "GET /api/v1/help/search": { _ in
                .init(path: "/api/v1/help/search?q=%E9%80%80%E8%B4%A7&inbox=\(shop1.inbox.widgetKey)", status: all(200)) },
            // Routing and auto-replies.
            "GET /api/v1/inboxes/:id/settings": { _ in .init(path: "/api/v1/inboxes/\(inboxID)/settings", status: row(401, 200, 200, 404, 404)) },
            "PUT /api/v1/inboxes/:id/settings": { _ in
                .init(path: "/api/v1/inboxes/\(inboxID)/settings", json: #"{"capacity":6}"#, status: row(401, 403, 200, 404, 404)) },
            "GET /api/v1/inboxes/:id/keyword-rules": { _ in .init(path: rules, status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/inboxes/:id/keyword-rules": { _ in
                .init(path: rules, json: #"{"keywords":["运费"],"reply":"满99包邮"}"#, status: row(401, 403, 201, 404, 404)) },
            "PATCH /api/v1/inboxes/:id/keyword-rules/:ruleID": { _ in
                .init(path: rules + "/\(rule.id!.uuidString)", json: #"{"priority":5}"#, status: row(401, 403, 200, 404, 404)) },
            "DELETE /api/v1/inboxes/:id/keyword-rules/:ruleID": { _ in
                .init(path: rules + "/\(doomedRule.id!.uuidString)", status: row(401, 403, 204, 404, 404)) },
            "POST /api/v1/inboxes/:id/keyword-rules/test": { _ in
                .init(path: rules + "/test", json: #"{"text":"我想退货"}"#, status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/transfer": { caller in
                // Back and forth between the agent and the admin (a move to where it is already is refused).
                .init(path: conv + "/transfer", json: #"{"assigneeId":"\#(caller == .agent1 ? shop1.admin.id! : shop1.agent.id!)","note":"请跟进"}"#,
                      status: row(401, 200, 200, 404, 404)) },
            "GET /api/v1/live": { _ in .init(path: "/api/v1/live", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/widget/leave-message": { _ in
                .init(path: "/api/v1/widget/leave-message?token=\(visitor.token)", json: #"{"text":"请回电","phone":"13800000000"}"#, status: all(201)) },
            // Quick phrases: a member's own and the team's; tokens have no member (403).
            "GET /api/v1/quick-phrases": { _ in .init(path: "/api/v1/quick-phrases", status: row(401, 200, 200, 200, 403)) },
            "POST /api/v1/quick-phrases": { _ in
                .init(path: "/api/v1/quick-phrases", json: #"{"text":"亲，在的\#(unique())"}"#, status: row(401, 201, 201, 201, 403)) },
            "GET /api/v1/quick-phrases/export": { _ in .init(path: "/api/v1/quick-phrases/export", status: row(401, 200, 200, 200, 403)) },
            "POST /api/v1/quick-phrases/import": { _ in
                .init(path: "/api/v1/quick-phrases/import", json: "scope,category,shortcut,text\npersonal,,,亲\n", status: row(401, 200, 200, 200, 403)) },
            "GET /api/v1/quick-phrases/proposals": { _ in .init(path: "/api/v1/quick-phrases/proposals", status: row(401, 200, 200, 200, 403)) },
            "PATCH /api/v1/quick-phrases/:id": { _ in
                .init(path: "/api/v1/quick-phrases/\(phrase.id!.uuidString)", json: #"{"category":"售后"}"#, status: row(401, 403, 200, 404, 403)) },
            "DELETE /api/v1/quick-phrases/:id": { _ in
                .init(path: "/api/v1/quick-phrases/\(doomedPhrase.id!.uuidString)", status: row(401, 403, 204, 404, 403)) },
            "POST /api/v1/quick-phrases/:id/use": { _ in
                .init(path: "/api/v1/quick-phrases/\(phrase.id!.uuidString)/use", json: #"{"conversationId":"\#(conversationID)"}"#,
                      status: row(401, 200, 200, 404, 403)) },
            // Orders
            "PUT /api/v1/orders/:externalId": { _ in .init(path: "/api/v1/orders/N-\(unique())", json: orderBody, status: row(401, 403, 201, 201, 201)) },
            "GET /api/v1/orders/:externalId": { _ in .init(path: "/api/v1/orders/M-1", status: row(401, 200, 200, 404, 404)) },
            "PUT /api/v1/products/:externalId": { _ in
                .init(path: "/api/v1/products/P-\(unique())", json: #"{"title":"袜子","currency":"CNY","marketPrice":990}"#,
                      status: row(401, 403, 201, 201, 201)) },
            "GET /api/v1/products": { _ in .init(path: "/api/v1/products?q=T", status: row(401, 200, 200, 200, 200)) },
            "GET /api/v1/contacts/:id/orders": { _ in .init(path: "/api/v1/contacts/\(contactID)/orders", status: row(401, 200, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/cards": { _ in
                .init(path: conv + "/cards", json: #"{"kind":"product","externalId":"P-1"}"#, status: row(401, 201, 201, 404, 403)) },
            "POST /api/v1/orders/:externalId/price-changes": { _ in
                .init(path: "/api/v1/orders/M-1/price-changes", json: #"{"target":"shipping","newAmount":1000,"reason":"核对运费"}"#,
                      status: row(401, 200, 200, 404, 404)) },
            "GET /api/v1/price-changes": { _ in .init(path: "/api/v1/price-changes?status=pending", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/price-changes/:id/approve": { _ in
                .init(path: "/api/v1/price-changes/\(pending[0])/approve", json: #"{"note":"老顾客"}"#, status: row(401, 403, 200, 404, 404)) },
            "POST /api/v1/price-changes/:id/reject": { _ in
                .init(path: "/api/v1/price-changes/\(pending[1])/reject", json: #"{"note":"不行"}"#, status: row(401, 403, 200, 404, 404)) },
            "POST /api/v1/orders/:externalId/remind": { _ in
                .init(path: "/api/v1/orders/M-1/remind", json: "{}", status: row(401, 201, 429, 404, 404)) },
            "POST /api/v1/orders/import": { _ in
                .init(path: "/api/v1/orders/import",
                      json: "external_id,status,currency,buyer_id,sku,title,quantity,unit_price\nI-1,unpaid,CNY,B-8,S,T,1,1.00\n",
                      status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/products/import": { _ in
                .init(path: "/api/v1/products/import", json: "external_id,title,currency,market_price\nPI-1,杯子,CNY,9.90\n",
                      status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/order-settings": { _ in .init(path: "/api/v1/order-settings", status: row(401, 200, 200, 200, 200)) },
            "PUT /api/v1/order-settings": { _ in
                .init(path: "/api/v1/order-settings", json: #"{"priceLimits":{"maxDiscountPercent":{"agent":10,"admin":100}}}"#,
                      status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/reminder-rules": { _ in .init(path: "/api/v1/reminder-rules", status: row(401, 200, 200, 200, 200)) },
            "POST /api/v1/reminder-rules": { _ in
                .init(path: "/api/v1/reminder-rules", json: #"{"name":"一小时","timeZone":"Asia/Shanghai","delayMinutes":60,"active":false}"#,
                      status: row(401, 403, 201, 201, 201)) },
            "PATCH /api/v1/reminder-rules/:id": { _ in
                .init(path: "/api/v1/reminder-rules/\(reminderRule.id!.uuidString)", json: #"{"delayMinutes":45}"#, status: row(401, 403, 200, 404, 404)) },
            "DELETE /api/v1/reminder-rules/:id": { _ in
                .init(path: "/api/v1/reminder-rules/\(doomedReminderRule.id!.uuidString)", status: row(401, 403, 204, 404, 404)) },
            "GET /api/v1/reminders/stats": { _ in .init(path: "/api/v1/reminders/stats?days=7", status: row(401, 403, 200, 200, 200)) },
            "GET /api/v1/webhooks": { _ in .init(path: "/api/v1/webhooks", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/webhooks": { _ in
                .init(path: "/api/v1/webhooks", json: #"{"url":"https://hooks.example.com/h","events":["order.reminded"],"active":false}"#,
                      status: row(401, 403, 201, 201, 201)) },
            "PATCH /api/v1/webhooks/:id": { _ in
                .init(path: "/api/v1/webhooks/\(hooks[0].id!.uuidString)", json: #"{"active":false}"#, status: row(401, 403, 200, 404, 404)) },
            "DELETE /api/v1/webhooks/:id": { _ in
                .init(path: "/api/v1/webhooks/\(hooks[1].id!.uuidString)", status: row(401, 403, 204, 404, 404)) },
            "GET /api/v1/webhooks/deliveries": { _ in .init(path: "/api/v1/webhooks/deliveries", status: row(401, 403, 200, 200, 200)) },
            "POST /api/v1/webhooks/deliveries/:id/replay": { _ in
                .init(path: "/api/v1/webhooks/deliveries/\(delivery.id!.uuidString)/replay", status: row(401, 403, 200, 404, 404)) },
            "POST /demo/platform/webhook": { _ in .init(path: "/demo/platform/webhook", json: "{}", status: all(404)) },
            "POST /demo/platform/orders/:externalId/pay": { _ in .init(path: "/demo/platform/orders/M-1/pay", status: all(404)) },
            // The public help centre.
            "GET /help/:shop": { _ in .init(path: help, status: all(200)) },
            "GET /help/:shop/c/**": { _ in .init(path: help + "/c/%E5%94%AE%E5%90%8E", status: all(200)) },
            "GET /help/:shop/a/:slug": { _ in .init(path: help + "/a/return-policy", status: all(200)) },
            "POST /help/:shop/a/:slug/vote": { _ in .init(path: help + "/a/return-policy/vote", status: all(400)) },
            "GET /help/:shop/search": { _ in .init(path: help + "/search?q=%E9%80%80%E8%B4%A7", status: all(200)) },
        ]

        // act & check
        var missing: [String] = []
        for route in app.routes.all {
            let key = "\(route.method.rawValue) /\(route.path.map(\.description).joined(separator: "/"))"
            guard let expectationFor = expectations[key] else {
                missing.append(key)
                continue
            }
            for caller in Caller.allCases {
                let credentials: Credentials
                switch caller {
                case .anonymous: credentials = .anonymous
                case .agent1: credentials = try await Credentials.session(for: shop1.agent, on: app.db)
                case .admin1: credentials = try await Credentials.session(for: shop1.admin, on: app.db)
                case .admin2: credentials = try await Credentials.session(for: shop2.admin, on: app.db)
                case .token2: credentials = try await Credentials.token(accountID: shop2.account.id!, on: app.db).0
                }
                let expectation = expectationFor(caller)
                let response = try await app.send(route.method, expectation.path, as: credentials, json: expectation.json,
                                                  bytes: expectation.bytes)
                XCTAssertEqual(response.status.code, expectation.status[caller], "\(key) as \(caller): \(response.body.string)")
                XCTAssertLessThan(response.status.code, 500, "\(key) as \(caller)")
                if caller == .admin2 || caller == .token2, response.status.code == 200 {
                    let body = response.body.string
                    guard !key.contains("widget") && !key.contains("attachments") else { continue }
                    for foreign in [agentID, inboxID, tokenID, shop1.account.id!.uuidString, shop1.agent.email, conversationID, contactID] {
                        XCTAssertFalse(body.contains(foreign), "\(key) as \(caller) leaked \(foreign) of the other shop")
                    }
                }
            }
        }
        XCTAssertEqual(missing, [], "routes without an authorization expectation: \(missing)")
    }

    /// Shop 2's admin cannot attach shop 1's inbox to a shop 2 agent through the body.
    func testForeignIdsInBodyAreRefusedAndNothingChanges() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop1 = try await TestShop.create(app, name: "Shop One")
        let shop2 = try await TestShop.create(app, name: "Shop Two")
        let admin2 = try await Credentials.session(for: shop2.admin, on: app.db)

        // act
        let response = try await app.send(.PATCH, "/api/v1/agents/\(shop2.agent.id!)", as: admin2,
                                          json: #"{"displayName":"changed","inboxIds":["\#(shop1.inbox.id!)"]}"#)

        // check
        XCTAssertEqual(response.status, .badRequest)
        XCTAssertEqual(response.errorField, "inboxIds")
        let agent = try await User.find(shop2.agent.id!, on: app.db)
        XCTAssertEqual(agent?.displayName, "小美")
        let memberships = try await InboxMember.query(on: app.db).filter(\.$userID == shop2.agent.id!).all()
        XCTAssertEqual(memberships.map(\.inboxID), [shop2.inbox.id!])
    }
}
