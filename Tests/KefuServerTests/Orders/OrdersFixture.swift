import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// A shop with a platform API token, its members' sessions, and a buyer "C1001" who chats
/// in the shop's inbox (contact linked by the platform's customer id).
struct OrdersFixture {
    var app: Application
    var shop: TestShop
    var platform: Credentials
    var agent: Credentials
    var admin: Credentials
    var buyer: TestVisitor

    static func make(for testCase: XCTestCase, app existing: Application? = nil) async throws -> OrdersFixture {
        let app: Application
        if let existing { app = existing } else { app = try await TestApp.make(for: testCase) }
        let shop = try await TestShop.create(app, name: "Order Shop")
        let (platform, _) = try await Credentials.token(accountID: shop.account.id!, role: .admin, on: app.db)
        let buyer = try await TestVisitor.create(app, shop: shop, messages: ["在吗"])
        buyer.contact.externalID = "C1001"
        buyer.contact.locale = "zh-CN"
        try await buyer.contact.save(on: app.db)
        return OrdersFixture(app: app, shop: shop, platform: platform,
                             agent: try await Credentials.session(for: shop.agent, on: app.db),
                             admin: try await Credentials.session(for: shop.admin, on: app.db), buyer: buyer)
    }

    static func orderJSON(status: String = "unpaid", shipping: Int = 1000, unitPrice: Int = 18900, placedAt: String = "2026-11-22T10:00:00+08:00",
                          extra: String = "") -> String {
        #"""
        {"status":"\#(status)","currency":"CNY","shippingFee":\#(shipping),"placedAt":"\#(placedAt)",
         "buyer":{"externalId":"C1001","name":"王女士","tier":"vip"},
         "lines":[{"sku":"DRESS-FR","title":"法式碎花连衣裙","quantity":1,"unitPrice":\#(unitPrice)},
                  {"sku":"MUG-400","title":"马克杯","quantity":2,"unitPrice":2590}]\#(extra)}
        """#
    }

    @discardableResult
    func putOrder(_ id: String, _ json: String, file: StaticString = #filePath, line: UInt = #line) async throws -> XCTHTTPResponse {
        try await app.send(.PUT, "/api/v1/orders/\(id)", as: platform, json: json)
    }

    func order(_ id: String) async throws -> Order {
        try await Order.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$externalID == id).first()!
    }

    /// The buyer's conversation's messages whose payload type is `type` (after the durable
    /// listeners — payment confirmations, price changes told — have seen every event).
    func messages(type: String) async throws -> [Message] {
        await app.drainEvents()
        return try await Message.query(on: app.db).filter(\.$conversationID == buyer.conversation.id!).all()
            .filter { MessagePayload.decode($0.payload)?.type.rawValue == type }
    }
}

/// A local HTTP receiver for webhooks: records every request and answers with the next
/// status of `statuses` (the last one repeats).
final class WebhookReceiver: @unchecked Sendable {
    struct Received { var headers: HTTPHeaders; var body: Data }
    private let lock = NSLock()
    private var statuses: [HTTPStatus]
    private(set) var received: [Received] = []
    let app: Application
    var port = 0

    init(statuses: [HTTPStatus]) async throws {
        self.statuses = statuses
        app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.post("hook") { [unowned self] req async -> HTTPStatus in
            let body = req.body.data.map { Data($0.readableBytesView) } ?? Data()
            return self.lock.withLock {
                self.received.append(Received(headers: req.headers, body: body))
                return self.statuses.count > 1 ? self.statuses.removeFirst() : self.statuses[0]
            }
        }
    }

    var count: Int { lock.withLock { received.count } }
    var all: [Received] { lock.withLock { received } }

    func start(for testCase: XCTestCase) async throws -> String {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        port = app.http.server.shared.localAddress?.port ?? 0
        testCase.addTeardownBlock { [app] in
            await app.server.shutdown()
            try? await app.asyncShutdown()
        }
        return "http://127.0.0.1:\(port)/hook"
    }
}
