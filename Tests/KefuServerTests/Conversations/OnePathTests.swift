import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTVapor
import XCTest

/// Operations that used to have two or three paths now have one rule set: the result is the
/// same whichever path asks.
final class OnePathTests: XCTestCase {
    struct Outcome: Equatable {
        var assignee: UUID?
        var inbox: UUID
        var status: ConversationStatus
        var botActive: Bool
        var queued: Bool
        var timeline: [String]
        var reporting: [ReportingKind]
        var events: [String]
    }

    /// What became of `conversation`: its state, its timeline entries, its reporting rows and
    /// the domain events in the outbox.
    func outcome(_ app: Application, _ id: UUID) async throws -> Outcome {
        await app.drainEvents()
        let c = try await Conversation.find(id, on: app.db)!
        let timeline = try await Message.query(on: app.db).filter(\.$conversationID == id).filter(\.$senderType == .system)
            .sort(\.$seq).all().compactMap(\.event)
        let reporting = try await ConversationEvent.query(on: app.db).filter(\.$conversationID == id).sort(\.$id).all().map(\.kind)
        let events = try await (app.db as! any SQLDatabase).raw("SELECT kind FROM event_outbox WHERE conversation_id = \(bind: id) ORDER BY id")
            .all().map { try $0.decode(column: "kind", as: String.self) }
        return Outcome(assignee: c.assigneeID, inbox: c.inboxID, status: c.status, botActive: c.botActive, queued: c.queuedAt != nil,
                       timeline: timeline, reporting: reporting, events: events)
    }

    /// A resolved conversation the FAQ bot had, assigned to agent 8.
    func closedBotConversation(_ app: Application, _ shop: TestShop) async throws -> UUID {
        let visitor = try await TestVisitor.create(app, shop: shop)
        let id = visitor.conversation.id!
        try await Conversation.query(on: app.db).filter(\.$id == id)
            .set(\.$assigneeID, to: shop.agent.id!).set(\.$status, to: .resolved).set(\.$botActive, to: true).update()
        return id
    }

    func testReassigningByPatchAndByTransferGivesTheSameResult() async throws {
        // setup: two identical conversations, a second inbox (manual routing) and the admin working in it
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let other = try await InboxesController.create(name: "售后", description: nil, accountID: shop.account.id!, on: app.db) { _, _ in }
        other.routing = .manual
        try await other.save(on: app.db)
        let a = try await closedBotConversation(app, shop)
        let b = try await closedBotConversation(app, shop)

        // act: to the admin, by PATCH and by transfer
        let patched = try await app.send(.PATCH, "/api/v1/conversations/\(a)", as: agent, json: #"{"assigneeId":"\#(shop.admin.id!)"}"#)
        let transferred = try await app.send(.POST, "/api/v1/conversations/\(b)/transfer", as: agent, json: #"{"assigneeId":"\#(shop.admin.id!)"}"#)

        // check: both reopened, the bot stopped, the same timeline, reporting rows and events
        XCTAssertEqual(patched.status, .ok, patched.body.string)
        XCTAssertEqual(transferred.status, .ok, transferred.body.string)
        let byPatch = try await outcome(app, a)
        let byTransfer = try await outcome(app, b)
        XCTAssertEqual(byPatch, byTransfer)
        XCTAssertEqual(byPatch.assignee, shop.admin.id)
        XCTAssertEqual(byPatch.status, .open)
        XCTAssertFalse(byPatch.botActive)
        XCTAssertEqual(byPatch.timeline, ["conversation.transferred", "conversation.status"])
        XCTAssertEqual(Array(byPatch.reporting.suffix(3)), [.transferred, .handover, .reopened])

        // act: to the other inbox without an agent, both ways
        let movedA = try await app.send(.PATCH, "/api/v1/conversations/\(a)", as: agent, json: #"{"inboxId":"\#(other.id!)"}"#)
        let movedB = try await app.send(.POST, "/api/v1/conversations/\(b)/transfer", as: agent, json: #"{"inboxId":"\#(other.id!)"}"#)
        XCTAssertEqual(movedA.status, .ok, movedA.body.string)
        XCTAssertEqual(movedB.status, .ok, movedB.body.string)
        let inboxA = try await outcome(app, a)
        let inboxB = try await outcome(app, b)
        XCTAssertEqual(inboxA, inboxB)
        XCTAssertEqual(inboxA.inbox, other.id)
        XCTAssertNil(inboxA.assignee)
        XCTAssertTrue(inboxA.queued, "left to the new inbox's routing, which queues it")

        // the same refusals, and nothing changes
        try await Inbox.query(on: app.db).filter(\.$id == shop.inbox.id!).set(\.$active, to: false).update()
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        for (method, path, body, field) in [
            (HTTPMethod.PATCH, "/api/v1/conversations/\(a)", #"{"inboxId":"\#(shop.inbox.id!)"}"#, "inboxId"),
            (.POST, "/api/v1/conversations/\(b)/transfer", #"{"inboxId":"\#(shop.inbox.id!)"}"#, "inboxId"),
            (.PATCH, "/api/v1/conversations/\(a)", #"{"assigneeId":"\#(shop.agent.id!)"}"#, "assigneeId"),
            (.POST, "/api/v1/conversations/\(b)/transfer", #"{"assigneeId":"\#(shop.agent.id!)"}"#, "assigneeId"),
        ] {
            let response = try await app.send(method, path, as: admin, json: body)
            XCTAssertEqual(response.status, .badRequest, "\(path) \(body): \(response.body.string)")
            XCTAssertEqual(response.errorField, field, "an inactive inbox; an agent who does not work in the inbox")
        }
        let unchanged = try await outcome(app, a)
        XCTAssertEqual(unchanged, inboxA)
    }

    func testTheTeamRepliesTheSameWayOverTheSocketRestAndCards() async throws {
        // setup: three conversations the bot answers, queued, nobody assigned
        let app = try await TestApp.make(for: self)
        let port = try await TestApp.listen(app, for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        _ = try await OrderStore(app: app).upsert(product: "P-1", ProductUpsert(title: "T恤", currency: "CNY", marketPrice: 7900),
                                                  accountID: shop.account.id!)
        var ids: [UUID] = []
        for _ in 0..<3 {
            let id = try await TestVisitor.create(app, shop: shop).conversation.id!
            try await Conversation.query(on: app.db).filter(\.$id == id).set(\.$botActive, to: true)
                .set(\.$queuedAt, to: Date().addingTimeInterval(-20)).update()
            ids.append(id)
        }
        let socket = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: agent, on: app)
        _ = try await socket.next("hello")

        // act: one reply each way
        socket.sendMessage("您好，我来帮您", conversationID: ids[0])
        _ = try await socket.next("ack")
        let rest = try await app.send(.POST, "/api/v1/conversations/\(ids[1])/messages", as: agent, json: #"{"text":"您好，我来帮您"}"#)
        XCTAssertEqual(rest.status, .created, rest.body.string)
        let card = try await app.send(.POST, "/api/v1/conversations/\(ids[2])/cards", as: agent, json: #"{"kind":"product","externalId":"P-1"}"#)
        XCTAssertEqual(card.status, .created, card.body.string)

        // check: each taken by the agent, the bot stopped, the queue wait and the first response recorded,
        // and the agents' lists told once the reply was stored
        var outcomes: [Outcome] = []
        for id in ids { outcomes.append(try await outcome(app, id)) }
        XCTAssertEqual(outcomes[0], outcomes[1])
        XCTAssertEqual(outcomes[1], outcomes[2])
        XCTAssertEqual(outcomes[0].assignee, shop.agent.id)
        XCTAssertFalse(outcomes[0].botActive)
        XCTAssertFalse(outcomes[0].queued)
        XCTAssertEqual(Array(outcomes[0].reporting.suffix(3)), [.handover, .assigned, .firstResponse])
        let updates = try await socket.collect("conversation.updated", for: 0.3)
        for id in ids {
            XCTAssertTrue(updates.contains { $0["conversation"]?["id"]?.string == id.uuidString && $0["conversation"]?["assigneeId"]?.string
                == shop.agent.id!.uuidString }, "the change of \(id) is announced with the new assignee")
        }
        let waits = try await ConversationEvent.query(on: app.db).filter(\.$kind == .assigned).all().compactMap(\.seconds)
        XCTAssertEqual(waits.count, 3)
        XCTAssertTrue(waits.allSatisfy { $0 >= 19 }, "the queue wait: \(waits)")
    }
}
