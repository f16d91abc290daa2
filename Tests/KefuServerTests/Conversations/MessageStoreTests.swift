import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import XCTest

/// The writer's storage (SQLite's own connection, or PostgreSQL's array statements) given
/// mixed batches directly: several conversations interleaved, resends, a duplicate within the
/// batch, rules that change the conversation.
final class MessageStoreTests: XCTestCase {
    func testAMixedBatchGetsGapFreeSequencesAndAnswersResendsWithTheStoredMessage() async throws {
        // setup: two shoppers with one message each; the agent then answers one of them
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let a = try await TestVisitor.create(app, shop: shop, messages: ["第一条"])
        let b = try await TestVisitor.create(app, shop: shop, messages: ["第一条"])
        let store = app.chat.writer.store
        func shopper(_ v: TestVisitor, _ text: String, _ client: UUID = UUID()) -> NewMessage {
            NewMessage(accountID: shop.account.id!, conversationID: v.conversation.id!, senderType: .visitor,
                       sender: SenderDTO(id: v.contact.id, name: v.contact.name, agentNumber: nil), clientMessageID: client, text: text,
                       isPrivate: false, attachments: [], event: nil, createdAt: nil, actor: .visitor(contactID: v.contact.id!),
                       role: .shopper(botStartsOnReopen: false))
        }
        let agent = SenderDTO(id: shop.agent.id, name: shop.agent.displayName, agentNumber: shop.agent.agentNumber)
        let reply = NewMessage(accountID: shop.account.id!, conversationID: a.conversation.id!, senderType: .agent, sender: agent,
                               clientMessageID: UUID(), text: "您好，在的", isPrivate: false, attachments: [], event: nil, createdAt: nil,
                               actor: .agent(userID: shop.agent.id!), role: .teamReply(agentID: shop.agent.id!))
        let first = try await store.write([shopper(a, "a2")], now: Date(), ids: app.kefu.ids)[0]
        let again = UUID()

        // act: one batch — a resend of a stored message, a new one twice (a resend within the
        // batch), both conversations interleaved, the agent's reply
        let batch = [
            shopper(a, "a2", first.stored.message.clientMessageId!), shopper(b, "b2", again), shopper(a, "a3"), reply,
            shopper(b, "b2", again), shopper(b, "b3"),
        ]
        let written = try await store.write(batch, now: Date(), ids: app.kefu.ids)

        // check: answers in order, resends answered with the stored message, seqs per conversation
        XCTAssertEqual(written.map(\.stored.duplicate), [true, false, false, false, true, false])
        XCTAssertEqual(written[0].stored.message.id, first.stored.message.id)
        XCTAssertEqual(written[0].stored.message.seq, first.stored.message.seq)
        XCTAssertEqual(written[4].stored.message.id, written[1].stored.message.id)
        XCTAssertEqual(written.map(\.stored.message.seq), [2, 2, 3, 4, 2, 3])
        XCTAssertTrue(written[0].events.isEmpty && written[4].events.isEmpty, "a resend raises no event")
        XCTAssertEqual(written[3].events.first?.kind, .messageCreated)
        for (visitor, count) in [(a, 4), (b, 3)] {
            let rows = try await Message.query(on: app.db).filter(\.$conversationID == visitor.conversation.id!).sort(\.$seq).all()
            XCTAssertEqual(rows.map(\.seq), Array(1...count))
            let conversation = try await Conversation.find(visitor.conversation.id, on: app.db)
            XCTAssertEqual(conversation?.lastSeq, count)
        }
        // the agent's reply was applied after a3 (awaiting cleared, first response set) and stored
        let answered = try await Conversation.find(a.conversation.id, on: app.db)
        XCTAssertNil(answered?.awaitingSince)
        XCTAssertNotNil(answered?.firstResponseAt)
        XCTAssertEqual(answered?.lastMessagePreview, "您好，在的")
        XCTAssertEqual(answered?.visitorUnread, 1)
        let waiting = try await Conversation.find(b.conversation.id, on: app.db)
        XCTAssertNotNil(waiting?.awaitingSince)
        XCTAssertEqual(waiting?.lastMessagePreview, "b3")
    }

    func testABatchWithAConversationOfAnotherShopFailsAsAWhole() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let other = try await TestShop.create(app, name: "Other")
        let mine = try await TestVisitor.create(app, shop: shop)
        let theirs = try await TestVisitor.create(app, shop: other)
        func message(_ conversation: UUID) -> NewMessage {
            NewMessage(accountID: shop.account.id!, conversationID: conversation, senderType: .visitor,
                       sender: SenderDTO(id: mine.contact.id, name: nil, agentNumber: nil), clientMessageID: UUID(), text: "x",
                       isPrivate: false, attachments: [], event: nil, createdAt: nil, actor: .visitor(contactID: mine.contact.id!),
                       role: .shopper(botStartsOnReopen: false))
        }

        // act / check: nothing of the batch is stored (the writer then retries one by one)
        do {
            _ = try await app.chat.writer.store.write([message(mine.conversation.id!), message(theirs.conversation.id!)], now: Date(),
                                                      ids: app.kefu.ids)
            XCTFail("a conversation of another shop was written to")
        } catch {}
        let count = try await Message.query(on: app.db).filter(\.$conversationID == mine.conversation.id!).count()
        XCTAssertEqual(count, 1)
        let foreign = try await Message.query(on: app.db).filter(\.$conversationID == theirs.conversation.id!).count()
        XCTAssertEqual(foreign, 1)
    }

    func testAResendThenAnotherConnectionsWriteDoesNotLockTheNextBatchOut() async throws {
        // setup: a stored message, found again by its resend (the lookup reads a row)
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let v = try await TestVisitor.create(app, shop: shop)
        let store = app.chat.writer.store
        func message(_ client: UUID) -> NewMessage {
            NewMessage(accountID: shop.account.id!, conversationID: v.conversation.id!, senderType: .visitor,
                       sender: SenderDTO(id: v.contact.id, name: nil, agentNumber: nil), clientMessageID: client, text: "x",
                       isPrivate: false, attachments: [], event: nil, createdAt: nil, actor: .visitor(contactID: v.contact.id!),
                       role: .shopper(botStartsOnReopen: false))
        }
        let client = UUID()
        _ = try await store.write([message(client)], now: Date(), ids: app.kefu.ids)
        let resent = try await store.write([message(client)], now: Date(), ids: app.kefu.ids)
        XCTAssertTrue(resent[0].stored.duplicate)

        // act: another connection commits, then the store writes again
        try await Contact.query(on: app.db).filter(\.$id == v.contact.id!).set(\.$name, to: "改名").update()
        let next = try await store.write([message(UUID())], now: Date(), ids: app.kefu.ids)

        // check (SQLite once answered SQLITE_BUSY_SNAPSHOT here: the lookup's statement kept its snapshot)
        XCTAssertFalse(next[0].stored.duplicate)
        XCTAssertEqual(next[0].stored.message.seq, 3)
    }
}
