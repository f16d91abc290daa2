import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Changing prices and shipping fees before payment: role limits, approval, audit, the
/// customer's message and the webhook.
final class PriceChangeTests: XCTestCase {
    private func change(_ f: OrdersFixture, _ json: String, as who: Credentials? = nil, order: String = "E1") async throws -> XCTHTTPResponse {
        try await f.app.send(.POST, "/api/v1/orders/\(order)/price-changes", as: who ?? f.agent, json: json)
    }

    func testWithinTheAgentsLimitTheChangeIsAppliedAuditedAnnouncedAndSentToThePlatform() async throws {
        let f = try await OrdersFixture.make(for: self)
        let hook = WebhookEndpoint()
        hook.accountID = f.shop.account.id!
        hook.url = "http://127.0.0.1:9/hook"
        hook.events = "order.price_changed"
        hook.secret = "whsec_test"
        hook.active = true
        hook.createdAt = Date()
        try await hook.create(on: f.app.db)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let response = try await change(f, #"{"target":"shipping","newAmount":900,"reason":"老顾客","conversationId":"\#(f.buyer.conversation.id!)"}"#)
        XCTAssertEqual(response.status, .ok, response.body.string)
        let result = try response.content.decode(PriceChangeResultDTO.self)
        XCTAssertEqual(result.status, .applied)
        XCTAssertEqual(result.change.discountPercent, 10)
        XCTAssertEqual(result.order.shippingFee, 900)
        XCTAssertEqual(result.order.total, 18900 + 2 * 2590 + 900)

        let told = try await f.messages(type: "order.price_changed")
        XCTAssertEqual(told.count, 1)
        XCTAssertTrue(told[0].text.contains("运费已修改为¥9.00"), told[0].text)
        XCTAssertTrue(told[0].text.contains("请刷新后付款"), told[0].text)
        XCTAssertEqual(told[0].senderID, f.shop.agent.id, "the agent who changed it tells the customer")
        let audit = try await AuditEntry.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!)
            .filter(\.$action == "price_change.apply").all()
        XCTAssertEqual(audit.count, 1)
        XCTAssertTrue(audit[0].details.contains("老顾客"), audit[0].details)
        await f.app.drainEvents()
        let deliveries = try await WebhookDelivery.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).all()
        XCTAssertEqual(deliveries.map(\.event), ["order.price_changed"])
        XCTAssertTrue(deliveries[0].payload.contains(#""newAmount":900"#), deliveries[0].payload)
    }

    func testAboveTheLimitASupervisorDecides() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        // Free shipping is 100 % off: more than an agent's 10 %.
        let response = try await change(f, #"{"target":"shipping","newAmount":0,"reason":"包邮"}"#)
        XCTAssertEqual(response.status, .accepted, response.body.string)
        let pending = try response.content.decode(PriceChangeResultDTO.self)
        XCTAssertEqual(pending.status, .pending)
        XCTAssertEqual(pending.order.shippingFee, 1000, "nothing changes before the approval")
        XCTAssertEqual(pending.order.pendingChange?.id, pending.change.id)
        let second = try await change(f, #"{"target":"shipping","newAmount":950,"reason":"再试"}"#)
        XCTAssertEqual(second.errorCode, "change_pending")

        // The agent may not decide; the admin approves within their own limit.
        let byAgent = try await f.app.send(.POST, "/api/v1/price-changes/\(pending.change.id)/approve", as: f.agent)
        XCTAssertEqual(byAgent.status, .forbidden)
        let list = try await f.app.send(.GET, "/api/v1/price-changes?status=pending", as: f.admin)
        XCTAssertEqual(try list.content.decode(PriceChangesDTO.self).changes.map(\.id), [pending.change.id])
        let approved = try await f.app.send(.POST, "/api/v1/price-changes/\(pending.change.id)/approve", as: f.admin, json: #"{"note":"同意"}"#)
        XCTAssertEqual(approved.status, .ok, approved.body.string)
        let decided = try approved.content.decode(PriceChangeResultDTO.self)
        XCTAssertEqual(decided.status, .approved)
        XCTAssertEqual(decided.order.shippingFee, 0)
        XCTAssertEqual(decided.change.decidedBy?.id, f.shop.admin.id)
        let again = try await f.app.send(.POST, "/api/v1/price-changes/\(pending.change.id)/reject", as: f.admin)
        XCTAssertEqual(again.errorCode, "already_decided")
        let told = try await f.messages(type: "order.price_changed")
        XCTAssertEqual(told.count, 1, "the customer hears of the approved change")
    }

    func testARejectedChangeLeavesTheOrderAlone() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let pending = try await change(f, #"{"target":"line","sku":"DRESS-FR","newAmount":9900,"reason":"清仓"}"#)
        XCTAssertEqual(pending.status, .accepted)
        let id = try pending.content.decode(PriceChangeResultDTO.self).change.id
        let rejected = try await f.app.send(.POST, "/api/v1/price-changes/\(id)/reject", as: f.admin, json: #"{"note":"折扣太大"}"#)
        XCTAssertEqual(try rejected.content.decode(PriceChangeResultDTO.self).status, .rejected)
        let order = try await f.order("E1")
        XCTAssertEqual(order.total, 18900 + 2 * 2590 + 1000)
        let told = try await f.messages(type: "order.price_changed")
        XCTAssertEqual(told.count, 0)
    }

    func testALinePriceWithinTheLimitChangesTheTotals() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let response = try await change(f, #"{"target":"line","sku":"MUG-400","newAmount":2400,"reason":"会员价"}"#)
        let result = try response.content.decode(PriceChangeResultDTO.self)
        XCTAssertEqual(result.status, .applied, response.body.string)
        XCTAssertEqual(result.order.lines.first { $0.sku == "MUG-400" }?.amount, 4800)
        XCTAssertEqual(result.order.subtotal, 18900 + 4800)
        let told = try await f.messages(type: "order.price_changed")
        XCTAssertTrue(told.first?.text.contains("「马克杯」的价格已修改为¥24.00") == true, told.first?.text ?? "")
    }

    func testLimitsAreSetByAdminsWithinRange() async throws {
        let f = try await OrdersFixture.make(for: self)
        for json in [#"{"priceLimits":{"maxDiscountPercent":{"agent":150}}}"#, #"{"priceLimits":{"maxDiscountPercent":{"intern":5}}}"#,
                     #"{"priceLimits":{}}"#] {
            let response = try await f.app.send(.PUT, "/api/v1/order-settings", as: f.admin, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
        }
        let byAgent = try await f.app.send(.PUT, "/api/v1/order-settings", as: f.agent, json: #"{"priceLimits":{"maxDiscountPercent":{"agent":100}}}"#)
        XCTAssertEqual(byAgent.status, .forbidden)
        // An admin lowers agents to 5 %: a 10 % shipping discount now waits for approval.
        let set = try await f.app.send(.PUT, "/api/v1/order-settings", as: f.admin,
                                       json: #"{"priceLimits":{"maxDiscountPercent":{"agent":5,"supervisor":30,"admin":100,"owner":100}}}"#)
        XCTAssertEqual(set.status, .ok, set.body.string)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let change = try await change(f, #"{"target":"shipping","newAmount":900,"reason":"老顾客"}"#)
        XCTAssertEqual(change.status, .accepted)
    }

    func testRefusalsAreClearAndChangeNothing() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let cases: [(String, HTTPStatus, String?)] = [
            (#"{"target":"shipping","newAmount":-1,"reason":"x"}"#, .badRequest, nil),
            (#"{"target":"shipping","newAmount":900,"reason":"  "}"#, .badRequest, "reason"),
            (#"{"target":"line","sku":"NOPE","newAmount":100,"reason":"x"}"#, .badRequest, "sku"),
            (#"{"target":"coupon","newAmount":100,"reason":"x"}"#, .badRequest, "target"),
            (#"{"target":"shipping","newAmount":1200,"reason":"涨价"}"#, .accepted, nil),
        ]
        for (json, status, field) in cases {
            let response = try await change(f, json)
            XCTAssertEqual(response.status, status, "\(json): \(response.body.string)")
            if let field { XCTAssertEqual(response.errorField, field, response.body.string) }
        }
        // Raising needs approval for agents (the last case); after payment nothing may change.
        try await f.putOrder("E2", OrdersFixture.orderJSON())
        try await f.putOrder("E2", OrdersFixture.orderJSON(status: "paid"))
        let paid = try await change(f, #"{"target":"shipping","newAmount":900,"reason":"晚了"}"#, order: "E2")
        XCTAssertEqual(paid.status, .conflict)
        XCTAssertEqual(paid.errorCode, "not_before_payment")
        let order = try await f.order("E1")
        XCTAssertEqual(order.shippingFee, 1000)
    }
}
