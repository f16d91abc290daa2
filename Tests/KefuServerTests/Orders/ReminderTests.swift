import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Payment reminders (催付): automatic once after the delay, deferred while the buyer chats,
/// manual with a refusal when too recent, success tracked, and exactly once with two
/// instances on one database.
final class ReminderTests: XCTestCase {
    /// No quiet hours (equal times) so the outcome does not depend on when the suite runs.
    static let rule = #"{"name":"30 分钟","timeZone":"Asia/Shanghai","delayMinutes":30,"quietStart":"00:00","quietEnd":"00:00","skipIfChattedWithinMinutes":0}"#

    private func placed(minutesAgo: Double) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(-minutesAgo * 60))
    }

    private func addRule(_ f: OrdersFixture, _ json: String = ReminderTests.rule) async throws -> ReminderRuleDTO {
        let response = try await f.app.send(.POST, "/api/v1/reminder-rules", as: f.admin, json: json)
        XCTAssertEqual(response.status, .created, response.body.string)
        return try response.content.decode(ReminderRuleDTO.self)
    }

    private func reminders(_ f: OrdersFixture, order: String) async throws -> [Reminder] {
        let id = try await f.order(order).id!
        return try await Reminder.query(on: f.app.db).filter(\.$orderID == id).all()
    }

    func testAnUnpaidOrderIsRemindedOnceAndThePaymentCountsAsSuccess() async throws {
        let f = try await OrdersFixture.make(for: self)
        let rule = try await addRule(f)
        try await f.putOrder("E1", OrdersFixture.orderJSON(placedAt: placed(minutesAgo: 45), extra: #","payLink":"https://pay.example/E1""#))
        for _ in 0..<3 { try await Reminders(app: f.app).runOnce(now: Date()) }
        let sent = try await reminders(f, order: "E1")
        XCTAssertEqual(sent.count, 1, "at most once per order")
        XCTAssertEqual(sent.first?.ruleID, rule.id)
        let messages = try await f.messages(type: "order.reminder")
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages.first?.text, "亲，您的订单E1还未付款，共¥250.80，点此完成支付：https://pay.example/E1")
        let job = try await ReminderJob.query(on: f.app.db).filter(\.$ruleID == rule.id).first()
        XCTAssertEqual(job?.status, .done)

        try await f.putOrder("E1", OrdersFixture.orderJSON(status: "paid", placedAt: placed(minutesAgo: 45),
                                                         extra: #","payLink":"https://pay.example/E1""#))
        let paid = try await reminders(f, order: "E1")
        XCTAssertNotNil(paid.first?.paidAt, "the payment after the reminder is recorded")
        let stats = try await f.app.send(.GET, "/api/v1/reminders/stats?days=30", as: f.admin)
        let dto = try stats.content.decode(ReminderStatsDTO.self)
        XCTAssertEqual(dto.byRule.first?.ruleId, rule.id)
        XCTAssertEqual(dto.byRule.first?.sent, 1)
        XCTAssertEqual(dto.byRule.first?.paid, 1)
        XCTAssertEqual(dto.total.rate, 1)
    }

    func testNotBeforeTheDelayNorWhileTheBuyerIsChatting() async throws {
        let f = try await OrdersFixture.make(for: self)
        _ = try await addRule(f, #"{"name":"聊天中不催","timeZone":"Asia/Shanghai","delayMinutes":30,"quietStart":"00:00","quietEnd":"00:00","skipIfChattedWithinMinutes":20}"#)
        try await f.putOrder("FRESH", OrdersFixture.orderJSON(placedAt: placed(minutesAgo: 5)))
        try await f.putOrder("CHATTING", OrdersFixture.orderJSON(placedAt: placed(minutesAgo: 45)))
        try await Reminders(app: f.app).runOnce(now: Date())
        let fresh = try await reminders(f, order: "FRESH")
        let chatting = try await reminders(f, order: "CHATTING")
        XCTAssertEqual(fresh.count + chatting.count, 0, "too early, and the buyer wrote a moment ago")
        let jobs = try await ReminderJob.query(on: f.app.db).all()
        XCTAssertEqual(jobs.count, 2)
        XCTAssertTrue(jobs.allSatisfy { $0.status == .pending && $0.dueAt > Date().addingTimeInterval(60) }, "deferred, not dropped")
    }

    func testAManualReminderIsRefusedWhenTheOrderWasRemindedRecently() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let first = try await f.app.send(.POST, "/api/v1/orders/E1/remind", as: f.agent,
                                         json: #"{"conversationId":"\#(f.buyer.conversation.id!)"}"#)
        XCTAssertEqual(first.status, .created, first.body.string)
        let reminder = try first.content.decode(ReminderResultDTO.self).reminder
        XCTAssertEqual(reminder.kind, .manual)
        XCTAssertEqual(reminder.agentId, f.shop.agent.id)
        let messages = try await f.messages(type: "order.reminder")
        XCTAssertEqual(messages.first?.senderID, f.shop.agent.id)

        let again = try await f.app.send(.POST, "/api/v1/orders/E1/remind", as: f.agent)
        XCTAssertEqual(again.status, .tooManyRequests)
        XCTAssertEqual(again.errorCode, "reminded_recently")
        XCTAssertTrue(again.body.string.contains("wait 60 more minutes"), again.body.string)
        XCTAssertNotNil(again.headers.first(name: .retryAfter))
        let count = try await reminders(f, order: "E1").count
        XCTAssertEqual(count, 1)

        try await f.putOrder("E1", OrdersFixture.orderJSON(status: "cancelled"))
        let cancelled = try await f.app.send(.POST, "/api/v1/orders/E1/remind", as: f.agent)
        XCTAssertEqual(cancelled.errorCode, "not_unpaid")
    }

    func testBadRulesAreRefusedAndNothingIsStored() async throws {
        let f = try await OrdersFixture.make(for: self)
        for json in [#"{"name":"x","timeZone":"Mars/Olympus"}"#, #"{"name":"x","timeZone":"Asia/Shanghai","delayMinutes":0}"#,
                     #"{"name":"x","timeZone":"Asia/Shanghai","quietStart":"25:00"}"#,
                     #"{"name":"x","timeZone":"Asia/Shanghai","template":"亲，{coupon}"}"#, #"{"timeZone":"Asia/Shanghai"}"#] {
            let response = try await f.app.send(.POST, "/api/v1/reminder-rules", as: f.admin, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
            XCTAssertNotNil(response.errorField, response.body.string)
        }
        let byAgent = try await f.app.send(.POST, "/api/v1/reminder-rules", as: f.agent, json: ReminderTests.rule)
        XCTAssertEqual(byAgent.status, .forbidden)
        let count = try await ReminderRuleRecord.query(on: f.app.db).count()
        XCTAssertEqual(count, 0)
    }

    /// Two Kefu instances on one database (PostgreSQL in the suite's second run) work the
    /// same due jobs at once: every order is reminded exactly once.
    func testTwoInstancesSendEachReminderExactlyOnce() async throws {
        let settings = try TestApp.settings()
        let first = try await TestApp.make(for: self) { $0 = settings }
        // Its own blocking pool, as a second process would have: SQLite waits for its lock on
        // these threads, and two instances sharing one 2-thread pool would starve each other.
        let second = try await TestApp.secondInstance(settings, for: self)
        let f = try await OrdersFixture.make(for: self, app: first)
        _ = try await addRule(f)
        let orders = (1...24).map { "R-\($0)" }
        for id in orders { try await f.putOrder(id, OrdersFixture.orderJSON(placedAt: placed(minutesAgo: 45))) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in [first, second, first, second] {
                group.addTask { for _ in 0..<4 { try await Reminders(app: app).runOnce(now: Date()) } }
            }
            try await group.waitForAll()
        }
        let sent = try await Reminder.query(on: first.db).filter(\.$accountID == f.shop.account.id!).all()
        XCTAssertEqual(sent.count, orders.count, "one reminder per order")
        XCTAssertEqual(Set(sent.map(\.orderID)).count, orders.count, "no order reminded twice")
        let messages = try await f.messages(type: "order.reminder")
        XCTAssertEqual(messages.count, orders.count)
    }
}
