import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest

/// The outbox and its durable listeners: every event exactly once, with two instances at
/// once and across a restart; a failing event is retried with back-off and set aside.
final class DurableEventsTests: XCTestCase {
    let kinds: Set<EventKind> = [.messageCreated]

    /// Shoppers' messages: `count` message.created events (and a few others).
    func chat(_ app: Application, _ shop: TestShop, messages count: Int, prefix: String = "在吗") async throws {
        let visitor = try await TestVisitor.create(app, shop: shop, messages: [])
        let caller = Caller.visitor(accountID: shop.account.id!, contactID: visitor.contact.id!, inboxID: shop.inbox.id!, name: nil)
        for i in 0..<count {
            try await app.conversations.sendAsVisitor(MessageDraft(text: "\(prefix) \(i)", clientMessageID: UUID()),
                                                      requested: visitor.conversation.id!, by: caller)
        }
    }

    func testTwoInstancesHandEveryEventToTheListenerExactlyOnce() async throws {
        // setup: two instances on one database, the same listener registered on both
        let settings = try TestApp.settings()
        let first = try await TestApp.make(for: self) { $0 = settings }
        let second = try await TestApp.secondInstance(settings, for: self)
        try await RecordingListener.createTable(on: first.db)
        for app in [first, second] {
            app.events.register(durable: RecordingListener(name: "test-recorder", kinds: kinds))
            try await EventRunner.ensureCursors(app)
        }
        let shop = try await TestShop.create(first, name: "Shop")
        try await chat(first, shop, messages: 150)
        try await chat(second, shop, messages: 150)

        // act: both drain at once, several times over
        await withTaskGroup(of: Void.self) { group in
            for app in [first, second, first, second] {
                group.addTask { for _ in 0..<3 { await app.drainEvents() } }
            }
        }

        // check
        let expected = try await outboxEvents(kinds, on: first.db)
        XCTAssertEqual(expected.count, 300)
        let seen = try await RecordingListener.seen("test-recorder", on: first.db)
        XCTAssertEqual(Set(seen.keys), Set(expected), "every event")
        XCTAssertEqual(seen.values.filter { $0 > 1 }.count, 0, "none twice")
    }

    func testARestartedInstanceGoesOnWhereTheLastOneStopped() async throws {
        // setup: an instance handles the first batch of events, then stops
        let settings = try TestApp.settings()
        let before = try await TestApp.make(migrate: true) { $0 = settings }
        try await RecordingListener.createTable(on: before.db)
        before.events.register(durable: RecordingListener(name: "test-recorder", kinds: kinds))
        try await EventRunner.ensureCursors(before)
        let shop = try await TestShop.create(before, name: "Shop")
        try await chat(before, shop, messages: EventRunner.batch + 50)
        let full = try await EventRunner.step(before.events.durable.last!, app: before, now: Date())
        XCTAssertEqual(full, .more, "one full batch handled, more waiting")
        await before.chat.drain()
        try await before.asyncShutdown()

        // act: a new process on the same database, with more events meanwhile
        let after = try await TestApp.make(for: self, migrate: false) { $0 = settings }
        after.events.register(durable: RecordingListener(name: "test-recorder", kinds: kinds))
        try await EventRunner.ensureCursors(after)
        try await chat(after, shop, messages: 20)
        await after.drainEvents()

        // check
        let expected = try await outboxEvents(kinds, on: after.db)
        XCTAssertEqual(expected.count, EventRunner.batch + 70)
        let seen = try await RecordingListener.seen("test-recorder", on: after.db)
        XCTAssertEqual(Set(seen.keys), Set(expected))
        XCTAssertEqual(seen.values.filter { $0 > 1 }.count, 0)
    }

    func testAFailingEventIsRetriedWithBackOffThenSetAsideAndTheOthersGoOn() async throws {
        // setup: a pinned clock and a listener that cannot handle one message
        let clock = ManualClock(Date())
        let app = try await TestApp.make(for: self, clock: clock)
        try await RecordingListener.createTable(on: app.db)
        app.events.register(durable: RecordingListener(name: "test-picky", kinds: kinds, failOn: "坏消息"))
        try await EventRunner.ensureCursors(app)
        let shop = try await TestShop.create(app, name: "Shop")
        try await chat(app, shop, messages: 3)
        try await chat(app, shop, messages: 1, prefix: "坏消息")
        try await chat(app, shop, messages: 3, prefix: "后来")

        // act: the first pass fails the batch; the next ones go one event at a time, later and later
        await app.drainEvents()
        let afterFirst = try await RecordingListener.seen("test-picky", on: app.db)
        XCTAssertEqual(afterFirst.count, 0, "the failed batch was rolled back")
        var attempts = 1
        while attempts < EventRunner.maxAttempts + 3 {
            await app.drainEvents()
            clock.advance(by: 4 * 3600)
            attempts += 1
        }
        await app.drainEvents()

        // check: the six others handled once, the bad one recorded as a failure
        let seen = try await RecordingListener.seen("test-picky", on: app.db)
        XCTAssertEqual(seen.count, 6)
        XCTAssertEqual(seen.values.filter { $0 > 1 }.count, 0)
        let failures = try await (app.db as! any SQLDatabase).raw("SELECT listener, kind, attempts FROM event_failures").all()
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(try failures.first?.decode(column: "listener", as: String.self), "test-picky")
        XCTAssertEqual(try failures.first?.decode(column: "attempts", as: Int.self), EventRunner.maxAttempts)
    }

    func testTheReportingRowsAreWrittenOnceFromTheEvents() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        // act: an answer and a resolution; the durable listeners run twice
        _ = try await app.send(.POST, "/api/v1/conversations/\(visitor.conversation.id!)/messages", as: agent, json: #"{"text":"您好"}"#)
        _ = try await app.send(.PATCH, "/api/v1/conversations/\(visitor.conversation.id!)", as: agent, json: #"{"status":"resolved"}"#)
        await app.drainEvents()
        await app.drainEvents()
        // check
        let kinds = try await ConversationEvent.query(on: app.db).filter(\.$conversationID == visitor.conversation.id!).sort(\.$id).all().map(\.kind)
        XCTAssertEqual(kinds, [.opened, .queued, .assigned, .firstResponse, .resolved])
        let resolved = try await ConversationEvent.query(on: app.db).filter(\.$kind == .resolved).first()
        XCTAssertEqual(resolved?.agentID, shop.agent.id, "a resolution counts for the assignee")
    }
}
