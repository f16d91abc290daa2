import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Webhooks to a local receiver: signed with HMAC-SHA256 and a timestamp, retried with
/// back-off after a failure, given up after a refusal, listed and replayed by an admin.
final class WebhookTests: XCTestCase {
    /// The application's clock, pinned: retries come when the test moves it.
    let clock = ManualClock(Date())

    private func setUp(_ statuses: [HTTPStatus]) async throws -> (OrdersFixture, WebhookReceiver, WebhookDTO) {
        // The local receiver is on loopback, which only an operator's setting allows.
        let app = try await TestApp.make(for: self, clock: clock) { $0.webhooksAllowPrivate = true }
        let f = try await OrdersFixture.make(for: self, app: app)
        let receiver = try await WebhookReceiver(statuses: statuses)
        let url = try await receiver.start(for: self)
        let created = try await f.app.send(.POST, "/api/v1/webhooks", as: f.admin,
                                           json: #"{"url":"\#(url)","events":["order.price_changed","order.reminded"]}"#)
        XCTAssertEqual(created.status, .created, created.body.string)
        let hook = try created.content.decode(WebhookDTO.self)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        return (f, receiver, hook)
    }

    /// The delivery once `done`: the events go to the webhook listener, then the sender runs
    /// with the clock moved past every back-off.
    private func delivery(_ f: OrdersFixture, until done: (WebhookDelivery) -> Bool) async throws -> WebhookDelivery {
        await f.app.drainEvents()
        for _ in 0..<10 {
            if let d = try await WebhookDelivery.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).first(), done(d) { return d }
            await f.app.runJob(WebhookWorker.jobName)
            if let d = try await WebhookDelivery.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).first(), done(d) { return d }
            clock.advance(by: 4 * 3600)
        }
        throw DomainError.notFound("delivery in the expected state")
    }

    func testADeliveryIsSignedAndRetriedWithBackOffUntilItArrives() async throws {
        let (f, receiver, hook) = try await setUp([.internalServerError, .noContent])
        let change = try await f.app.send(.POST, "/api/v1/orders/E1/price-changes", as: f.agent,
                                          json: #"{"target":"shipping","newAmount":900,"reason":"老顾客"}"#)
        XCTAssertEqual(change.status, .ok, change.body.string)
        // First attempt fails (500): kept pending with a later attempt time.
        let failed = try await delivery(f) { $0.attempts >= 1 }
        XCTAssertEqual(failed.status, .pending)
        XCTAssertEqual(failed.lastStatusCode, 500)
        XCTAssertGreaterThan(failed.nextAttemptAt ?? .distantPast, clock.now().addingTimeInterval(5), "retried after a back-off, not at once")
        let delivered = try await delivery(f) { $0.status == .delivered }
        XCTAssertEqual(delivered.attempts, 2)
        XCTAssertEqual(receiver.count, 2)
        // The receiver can check the signature with the endpoint's secret; a tampered body fails.
        let last = try XCTUnwrap(receiver.all.last)
        let signature = try XCTUnwrap(last.headers.first(name: WebhookSigner.header))
        XCTAssertTrue(WebhookSigner.verify(header: signature, body: last.body, secret: hook.secret, now: clock.now()))
        XCTAssertFalse(WebhookSigner.verify(header: signature, body: last.body + Data("x".utf8), secret: hook.secret, now: clock.now()))
        XCTAssertFalse(WebhookSigner.verify(header: signature, body: last.body, secret: hook.secret,
                                            now: clock.now().addingTimeInterval(3600)), "an old signature is refused")
        XCTAssertEqual(last.headers.first(name: "Kefu-Event"), "order.price_changed")
        let payload = try JSONSerialization.jsonObject(with: last.body) as? [String: Any]
        XCTAssertEqual(payload?["event"] as? String, "order.price_changed")
        XCTAssertEqual((payload?["data"] as? [String: Any])?["orderExternalId"] as? String, "E1")
    }

    func testARefusalIsNotRetriedAndAnAdminCanReplayIt() async throws {
        let (f, receiver, _) = try await setUp([.badRequest, .ok])
        let change = try await f.app.send(.POST, "/api/v1/orders/E1/price-changes", as: f.agent,
                                          json: #"{"target":"shipping","newAmount":950,"reason":"凑单"}"#)
        XCTAssertEqual(change.status, .ok)
        let failed = try await delivery(f) { $0.status == .failed }
        XCTAssertEqual(failed.attempts, 1, "a 400 from the receiver is final")
        XCTAssertEqual(failed.lastStatusCode, 400)
        let log = try await f.app.send(.GET, "/api/v1/webhooks/deliveries?status=failed", as: f.admin)
        XCTAssertEqual(try log.content.decode(WebhookDeliveriesDTO.self).deliveries.map(\.id), [failed.id!])
        let replay = try await f.app.send(.POST, "/api/v1/webhooks/deliveries/\(failed.id!)/replay", as: f.admin)
        XCTAssertEqual(replay.status, .ok)
        let delivered = try await delivery(f) { $0.status == .delivered }
        XCTAssertEqual(delivered.lastStatusCode, 200)
        XCTAssertEqual(receiver.count, 2)
        let agentLog = try await f.app.send(.GET, "/api/v1/webhooks/deliveries", as: f.agent)
        XCTAssertEqual(agentLog.status, .forbidden)
    }

    func testBadEndpointsAreRefused() async throws {
        let f = try await OrdersFixture.make(for: self)
        for (json, field) in [(#"{"url":"ftp://x.example/h","events":["order.reminded"]}"#, "url"),
                              (#"{"url":"http://127.0.0.1:8080/admin","events":["order.reminded"]}"#, "url"),
                              (#"{"url":"http://169.254.169.254/latest/meta-data","events":["order.reminded"]}"#, "url"),
                              (#"{"url":"http://[::1]/h","events":["order.reminded"]}"#, "url"),
                              (#"{"url":"http://localhost/h","events":["order.reminded"]}"#, "url"),
                              (#"{"url":"https://x.example/h","events":["order.eaten"]}"#, "events"),
                              (#"{"url":"https://x.example/h","events":[]}"#, "events")] {
            let response = try await f.app.send(.POST, "/api/v1/webhooks", as: f.admin, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
            XCTAssertEqual(response.errorField, field, response.body.string)
        }
        let count = try await WebhookEndpoint.query(on: f.app.db).count()
        XCTAssertEqual(count, 0)
    }

    /// A host that resolves to an internal address is refused when sending, and not retried.
    func testADeliveryToAnInternalAddressIsRefusedWhenSending() async throws {
        let f = try await OrdersFixture.make(for: self)
        let hook = WebhookEndpoint()
        hook.accountID = f.shop.account.id!
        // 2130706433 is 127.0.0.1 written as one number, which resolvers accept.
        hook.url = "http://2130706433:9/hook"
        hook.events = "order.price_changed"
        hook.secret = WebhookSigner.newSecret()
        hook.active = true
        hook.createdAt = Date()
        try await hook.create(on: f.app.db)
        try await f.putOrder("E1", OrdersFixture.orderJSON())
        let change = try await f.app.send(.POST, "/api/v1/orders/E1/price-changes", as: f.agent,
                                          json: #"{"target":"shipping","newAmount":900,"reason":"老顾客"}"#)
        XCTAssertEqual(change.status, .ok)
        let refused = try await delivery(f) { $0.status == .failed }
        XCTAssertEqual(refused.attempts, 1)
        XCTAssertTrue(refused.lastError?.hasPrefix("refused:") == true, refused.lastError ?? "")
    }
}
