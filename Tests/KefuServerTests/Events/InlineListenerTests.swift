import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest

/// Inline listeners run after the commit: one failing never loses the message nor stops the
/// listeners after it.
final class InlineListenerTests: XCTestCase {
    func testAFailingInlineListenerLosesNothingAndTheNextOneRuns() async throws {
        // setup: a failing listener, then a spy, after the standard ones
        let app = try await TestApp.make(for: self)
        let port = try await TestApp.listen(app, for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let spy = SpyInlineListener()
        app.events.register(inline: FailingInlineListener())
        app.events.register(inline: spy)
        let session = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop.inbox.widgetKey)"}"#)
        let token = try session.content.decode(WidgetSessionDTO.self).visitorToken
        let shopper = try await ChatTestClient.connect(port: port, path: "/api/v1/widget/ws?token=\(token)", on: app)
        _ = try await shopper.next("hello")

        // act
        shopper.sendMessage("我想问一下尺码")

        // check: acknowledged, stored, and the listener after the failing one saw it
        let ack = try await shopper.next("ack")
        XCTAssertEqual(ack["seq"]?.int, 1)
        let stored = try await Message.query(on: app.db).filter(\.$text == "我想问一下尺码").count()
        XCTAssertEqual(stored, 1)
        // The listeners run right after the acknowledgement, in the session's task.
        for _ in 0..<400 where !spy.kinds.contains(.messageCreated) { try await Task.sleep(nanoseconds: 5_000_000) }
        XCTAssertTrue(spy.kinds.contains(.messageCreated), "seen: \(spy.kinds)")
        XCTAssertTrue(spy.kinds.contains(.queued), "routing (before the failing listener) still queued it: \(spy.kinds)")
    }

    func testEventsCausingEventsStopAtTheDepthLimit() async throws {
        let app = try await TestApp.make(for: self)
        let counter = SpyInlineListener()
        app.events.register(inline: EchoListener(counter: counter))
        let event = DomainEvent(id: UUID(), accountID: UUID(), occurredAt: Date(), actor: .system,
                                fact: .queued(Queued(conversation: ConversationSnapshot(id: UUID(), inboxID: UUID(), contactID: UUID(),
                                                                                         status: .open, assigneeID: nil, botActive: false),
                                                     position: 1, etaSeconds: 0)))
        await app.events.dispatch([event], app: app)
        XCTAssertEqual(counter.kinds.count, EventBus.maxDepth)
    }
}

/// Dispatches every event it gets again (a rule that triggers itself).
struct EchoListener: InlineListener {
    let name = "test-echo"
    let counter: SpyInlineListener
    func handle(_ events: [DomainEvent], app: Application) async throws {
        try await counter.handle(events, app: app)
        await app.events.dispatch(events, app: app)
    }
}
