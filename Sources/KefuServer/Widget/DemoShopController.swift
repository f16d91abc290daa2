import Fluent
import Foundation
import KefuCore
import Vapor

/// `/demo/shop`: the demo shop's page with the widget on it (after `kefu demo`),
/// so a new user can try both sides at once. `?desk=after-sale` puts the 售后 inbox's widget
/// on the page, where the FAQ bot answers first. `?customer=C1001` signs in as a demo
/// customer: the widget names them to Kefu (signed with the shop's identity secret, as a real
/// shop's server would), and "我的订单" lists their orders with a pay button.
struct DemoShopController {
    func page(_ req: Request) async throws -> Response {
        let accountID = try await Self.demoAccount(req)
        let desk = req.query[String.self, at: "desk"] == "after-sale" ? KnowledgeDemo.botInbox : DemoData.inboxes[0].name
        guard let inbox = try await Inbox.query(on: req.db).filter(\.$accountID == accountID).filter(\.$name == desk).first() else {
            throw Abort(.notFound, reason: "there is no demo shop yet: run `kefu demo` first")
        }
        let path = req.application.kefu.resourcesDirectory + "/Resources/Demo/shop.html"
        guard let template = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Abort(.notFound, reason: "the demo page template is missing")
        }
        let page = (try? req.query.get(Int.self, at: "page")).map { max(1, min($0, 99)) } ?? 1
        let customer = req.query[String.self, at: "customer"].flatMap { id in OrdersDemo.customers.first { $0.id == id } }
        var attributes = ""
        var orders = ""
        if let customer {
            let secret = try await OrderSettingsStore.load(accountID, now: req.now, on: req.db).identitySecret
            attributes = " data-customer-id=\"\(customer.id)\" data-customer-name=\"\(HTMLEscape.text(customer.name))\""
                + " data-customer-hash=\"\(CustomerIdentity.hash(customer.id, secret: secret))\""
            orders = try await Self.ordersSection(customer, accountID: accountID, req)
        }
        let repairLink = try await Self.repairLink(accountID, req)
        let html = template
            .replacingOccurrences(of: "{{KEFU_ORIGIN}}", with: Self.origin(req))
            .replacingOccurrences(of: "{{INBOX_KEY}}", with: inbox.widgetKey)
            .replacingOccurrences(of: "{{PAGE}}", with: String(page))
            .replacingOccurrences(of: "{{CUSTOMER_ATTRIBUTES}}", with: attributes)
            .replacingOccurrences(of: "{{CUSTOMER_BAR}}", with: Self.customerBar(customer))
            .replacingOccurrences(of: "{{ORDERS}}", with: orders)
            .replacingOccurrences(of: "{{REPAIR_LINK}}", with: repairLink)
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    /// The demo shop's account, or 404 before `kefu demo`.
    static func demoAccount(_ req: Request) async throws -> UUID {
        guard let owner = try await User.query(on: req.db).filter(\.$email == DemoData.ownerEmail).first() else {
            throw Abort(.notFound, reason: "there is no demo shop yet: run `kefu demo` first")
        }
        return owner.accountID
    }

    static func customerBar(_ current: OrdersDemo.Customer?) -> String {
        let tiers: [PriceTier: String] = [.vip: "VIP", .member: "会员", .regular: "普通"]
        var links = OrdersDemo.customers.map { c in
            let on = c.id == current?.id ? " class=\"on\"" : ""
            return "<a\(on) href=\"/demo/shop?customer=\(c.id)\" data-testid=\"demo-customer-\(c.id)\">\(HTMLEscape.text(c.name))（\(tiers[c.tier] ?? "")）</a>"
        }
        links.append("<a\(current == nil ? " class=\"on\"" : "") href=\"/demo/shop\">游客</a>")
        return "<span class=\"who\">演示顾客：" + links.joined(separator: " · ") + "</span>"
    }

    static func ordersSection(_ customer: OrdersDemo.Customer, accountID: UUID, _ req: Request) async throws -> String {
        let orders = try await Order.query(on: req.db).filter(\.$accountID == accountID).filter(\.$buyerExternalID == customer.id)
            .sort(\.$placedAt, .descending).all()
        let names: [String: String] = ["created": "待确认", "unpaid": "待付款", "paid": "待发货", "shipped": "已发货", "delivered": "已签收",
                                       "completed": "已完成", "cancelled": "已取消", "refund_requested": "退款中", "refunded": "已退款",
                                       "return_requested": "退货中", "returned": "已退货"]
        let rows = orders.map { order -> String in
            let lines = OrderJSON.lines(order.linesJSON).map { "\(HTMLEscape.text($0.title)) × \($0.quantity)" }.joined(separator: "<br>")
            let money = { (minor: Int64) in HTMLEscape.text(OrderChat.money(minor, order.currency, Locale(identifier: "zh-CN"))) }
            let id = HTMLEscape.text(order.externalID)
            // The pay button sits by the order number, on the left, where the open chat does not cover it.
            let pay = order.status == .unpaid
                ? "<form method=\"post\" action=\"/demo/platform/orders/\(id)/pay\"><button type=\"submit\" data-testid=\"demo-pay-\(id)\">立即付款</button></form>"
                : ""
            return """
                <tr data-testid="demo-order-\(id)"><td>\(HTMLEscape.text(order.number))\(pay)</td><td>\(lines)</td>\
                <td>运费 \(money(order.shippingFee))</td><td class="total">\(money(order.total))</td>\
                <td>\(names[order.status.rawValue] ?? HTMLEscape.text(order.status.rawValue))</td></tr>
                """
        }
        return """
            <section id="orders" class="orders"><div class="section-head"><h2>我的订单</h2><span>\(HTMLEscape.text(customer.name))</span></div>
            <table><thead><tr><th>订单号</th><th>商品</th><th>运费</th><th>实付</th><th>状态</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></section>
            """
    }

    /// The demo's repair form (在线报修) in the shop's navigation, when it exists.
    static func repairLink(_ accountID: UUID, _ req: Request) async throws -> String {
        guard let form = try await ShopForm.query(on: req.db).filter(\.$accountID == accountID).filter(\.$name == FormsDemo.repairName)
            .filter(\.$active == true).first() else { return "" }
        return "<a href=\"\(HTMLEscape.text(form.publicPath))\" data-testid=\"demo-repair\">\(HTMLEscape.text(form.name))</a>"
    }

    /// Kefu's own origin as the browser sees it.
    static func origin(_ req: Request) -> String {
        if let url = req.application.kefu.settings.publicURL { return url }
        let fallback = "\(req.application.kefu.settings.host):\(req.application.kefu.settings.port)"
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        let host = req.headers.first(name: .host).flatMap { $0.allSatisfy(allowed.contains) && !$0.isEmpty ? $0 : nil } ?? fallback
        return "http://\(host)"
    }
}
