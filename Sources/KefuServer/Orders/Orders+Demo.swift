import Fluent
import Foundation
import KefuCore
import Vapor

/// The demo store behind `kefu demo`: products, customers with orders in every state, a
/// payment-reminder rule and the webhook of the built-in demo platform (`/demo/platform`),
/// which stands in for the shop system: it receives Kefu's signed webhooks and lets the demo
/// shopper pay an order, so the whole order flow can be tried with nothing else running.
enum OrdersDemo {
    struct Customer {
        var id: String
        var name: String
        var tier: PriceTier
    }

    static let customers = [
        Customer(id: "C1001", name: "王女士", tier: .vip),
        Customer(id: "C1002", name: "陈先生", tier: .member),
        Customer(id: "C1003", name: "张同学", tier: .regular),
    ]

    /// (sku, title, keywords, category, market, member, vip, stock, image)
    static let products: [(String, String, [String], String, Int64, Int64?, Int64?, Int, String)] = [
        ("TEE-220", "纯棉宽松短袖T恤 男女同款 重磅 220g", ["T恤", "短袖", "纯棉"], "男装/T恤", 7900, 7500, 6900, 1200, "tee"),
        ("DRESS-FR", "法式碎花收腰连衣裙 夏季新款", ["连衣裙", "碎花", "裙子"], "女装/连衣裙", 18900, 17900, 16900, 320, "dress"),
        ("COAT-FLC", "加厚摇粒绒外套 秋冬保暖立领开衫", ["外套", "摇粒绒", "开衫"], "男装/外套", 15900, 14900, 13900, 540, "coat"),
        ("MUG-400", "北欧简约陶瓷马克杯 400ml", ["马克杯", "杯子", "咖啡杯"], "家居日用/杯具", 2990, 2790, 2590, 2000, "mug"),
        ("TOWEL-3", "新疆长绒棉毛巾 3 条装", ["毛巾", "长绒棉"], "家居日用/毛巾", 3990, 3690, 3490, 860, "towel"),
        ("SOCK-5", "中筒纯棉袜子 5 双装", ["袜子", "纯棉"], "袜子内衣/袜子", 2490, 2290, 1990, 5000, "socks"),
    ]

    static let webhookPath = "/demo/platform/webhook"

    static func origin(_ settings: KefuSettings) -> String {
        settings.publicURL ?? "http://\(settings.host):\(settings.port)"
    }

    static var steps: [DemoSeed] { [seed] }

    static let seed = DemoSeed(title: "demo store: 6 products, customers C1001–C1003 with orders, a 催付 rule, the platform's webhook") { app, accountID in
        let accountID = accountID!
        let origin = origin(app.kefu.settings)
        let store = OrderStore(app: app)
        for p in products {
            let upsert = ProductUpsert(title: p.1, keywords: p.2, category: p.3, currency: "CNY", marketPrice: p.4, memberPrice: p.5,
                                       vipPrice: p.6, stock: p.7, imageUrl: "/demo/products/\(p.8).svg", url: "/demo/shop",
                                       status: "on_sale")
            _ = try await store.upsert(product: p.0, upsert, accountID: accountID)
        }
        let now = app.kefu.clock.now()
        func line(_ sku: String, _ quantity: Int, tier: PriceTier) -> OrderUpsert.LineInput {
            let p = products.first { $0.0 == sku }!
            let price = tier.pick(market: p.4, member: p.5, vip: p.6)
            return .init(sku: sku, title: p.1, quantity: quantity, unitPrice: price, productExternalId: sku,
                         imageUrl: "/demo/products/\(p.8).svg")
        }
        func buyer(_ c: Customer) -> OrderUpsert.BuyerInput { .init(externalId: c.id, name: c.name, tier: c.tier.rawValue) }
        let (wang, chen, zhang) = (customers[0], customers[1], customers[2])
        let minutes = { (m: Double) in now.addingTimeInterval(-m * 60) }
        let orders: [(String, OrderUpsert)] = [
            ("E20261122001", OrderUpsert(status: "unpaid", currency: "CNY", lines: [line("DRESS-FR", 1, tier: .vip), line("MUG-400", 2, tier: .vip)],
                                         shippingFee: 1000, buyer: buyer(wang), placedAt: minutes(12),
                                         payLink: "/demo/shop?customer=C1001#orders")),
            ("E20261120007", OrderUpsert(status: "shipped", currency: "CNY", lines: [line("COAT-FLC", 1, tier: .vip)], buyer: buyer(wang),
                                         placedAt: minutes(2 * 1440), paidAt: minutes(2 * 1440 - 3), carrier: "顺丰速运", trackingNo: "SF1402339127711",
                                         trackingEvents: [.init(at: minutes(1440 + 600), text: "已揽收", location: "杭州"),
                                                          .init(at: minutes(1440), text: "运输中，已到达上海转运中心", location: "上海"),
                                                          .init(at: minutes(90), text: "派送中，快递员 138****5521", location: "北京朝阳")])),
            ("E20261101003", OrderUpsert(status: "completed", currency: "CNY", lines: [line("TEE-220", 2, tier: .vip)], buyer: buyer(wang),
                                         placedAt: minutes(21 * 1440), paidAt: minutes(21 * 1440 - 1), carrier: "中通快递", trackingNo: "ZT7788120034")),
            ("E20261122002", OrderUpsert(status: "unpaid", currency: "CNY", lines: [line("TOWEL-3", 1, tier: .member), line("SOCK-5", 2, tier: .member)],
                                         shippingFee: 800, buyer: buyer(chen), placedAt: minutes(95),
                                         payLink: "/demo/shop?customer=C1002#orders")),
            ("E20261118010", OrderUpsert(status: "paid", currency: "CNY", lines: [line("TEE-220", 1, tier: .member)], buyer: buyer(chen),
                                         placedAt: minutes(4 * 1440), paidAt: minutes(4 * 1440 - 2))),
            ("E20261122003", OrderUpsert(status: "unpaid", currency: "CNY", lines: [line("COAT-FLC", 1, tier: .regular)], shippingFee: 1200,
                                         buyer: buyer(zhang), placedAt: minutes(5), payLink: "/demo/shop?customer=C1003#orders")),
        ]
        // The rule first, so the unpaid orders get their reminder jobs.
        let rule = ReminderRuleRecord()
        rule.accountID = accountID
        rule.name = "下单 30 分钟未付款"
        rule.active = true
        rule.ruleJSON = OrderJSON.encode(ReminderRule(timeZone: "Asia/Shanghai", delayMinutes: 30, maxPerOrder: 1))
        rule.createdAt = now
        rule.updatedAt = now
        try await rule.create(on: app.db)
        for (id, upsert) in orders { _ = try await store.upsert(order: id, upsert, accountID: accountID, by: .system) }
        let hook = WebhookEndpoint()
        hook.accountID = accountID
        hook.url = origin + webhookPath
        hook.events = WebhookEvent.allCases.map(\.rawValue).joined(separator: "|")
        hook.secret = WebhookSigner.newSecret()
        hook.active = true
        hook.createdAt = now
        try await hook.create(on: app.db)
        try await AuditLog.recordSystem("order.import", accountID: accountID, target: "orders", id: nil,
                                        details: ["products": String(products.count), "orders": String(orders.count)], at: app.kefu.clock.now(), on: app.db)
        return accountID
    }
}
