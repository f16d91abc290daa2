import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest

/// Time comes from the application's clock: the test moves it instead of waiting.
final class SnoozeTests: XCTestCase {
    func testASnoozedConversationOpensAgainWhenItsTimeComes() async throws {
        // setup: a pinned clock; the agent snoozes a conversation for an hour
        let clock = ManualClock(Date())
        let app = try await TestApp.make(for: self, clock: clock)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let until = clock.now().addingTimeInterval(3600)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let snoozed = try await app.send(.PATCH, "/api/v1/conversations/\(visitor.conversation.id!)", as: agent,
                                         json: #"{"status":"snoozed","snoozedUntil":"\#(formatter.string(from: until))"}"#)
        XCTAssertEqual(snoozed.status, .ok, snoozed.body.string)
        let past = try await app.send(.PATCH, "/api/v1/conversations/\(visitor.conversation.id!)", as: agent,
                                      json: #"{"status":"snoozed","snoozedUntil":"\#(formatter.string(from: clock.now().addingTimeInterval(-1)))"}"#)
        XCTAssertEqual(past.errorField, "snoozedUntil", "a time in the past is refused")

        // act: a minute before its time, then a second after
        clock.advance(by: 3540)
        await app.runJob("conversations.snoozes")
        let early = try await Conversation.find(visitor.conversation.id!, on: app.db)
        clock.advance(by: 61)
        await app.runJob("conversations.snoozes")
        let woken = try await Conversation.find(visitor.conversation.id!, on: app.db)

        // check: open again, said by Kefu itself (no timeline line from a person)
        XCTAssertEqual(early?.status, .snoozed)
        XCTAssertEqual(woken?.status, .open)
        XCTAssertNil(woken?.snoozedUntil)
        let rows = try await (app.db as! any SQLDatabase).raw("SELECT payload FROM event_outbox WHERE kind = 'conversation.status_changed' ORDER BY id")
            .all().map { try JSONDecoder().decode(DomainEvent.self, from: Data(try $0.decode(column: "payload", as: String.self).utf8)) }
        XCTAssertEqual(rows.map(\.actor), [.agent(userID: shop.agent.id!), .system])
        XCTAssertEqual(rows.last?.occurredAt, clock.now())
        let lines = try await Message.query(on: app.db).filter(\.$conversationID == visitor.conversation.id!).filter(\.$event == "conversation.status").count()
        XCTAssertEqual(lines, 1, "only the agent's snooze is a timeline entry")
    }
}
