import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest

/// A merge is one transaction: interrupted midway it leaves nothing half-done, and done again
/// it copies every message exactly once.
final class MergeTests: XCTestCase {
    func testAMergeInterruptedMidwayLeavesNothingHalfDoneAndARetryCopiesOnce() async throws {
        // setup: a customer with two conversations; the database refuses the copy of the third message
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop, messages: ["第一次"])
        let caller = Caller.visitor(accountID: shop.account.id!, contactID: visitor.contact.id!, inboxID: shop.inbox.id!, name: nil)
        try await Conversation.query(on: app.db).filter(\.$id == visitor.conversation.id!).set(\.$status, to: .resolved).update()
        let source = try await app.conversations.open(contactID: visitor.contact.id!, inboxID: shop.inbox.id!, accountID: shop.account.id!,
                                                      botActive: false, by: caller.actor)
        for text in ["又来了", "还是那件", "💥 refused copy", "最后一句"] {
            try await app.conversations.sendAsVisitor(MessageDraft(text: text, clientMessageID: UUID()), requested: source.id!, by: caller)
        }
        let sql = app.db as! any SQLDatabase
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            try await sql.raw("""
                CREATE FUNCTION test_refuse_copy() RETURNS trigger AS $$
                BEGIN IF NEW.text = '💥 refused copy' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER test_refuse_copy BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_refuse_copy()").run()
        } else {
            try await sql.raw("""
                CREATE TRIGGER test_refuse_copy BEFORE INSERT ON messages WHEN NEW.text = '💥 refused copy'
                BEGIN SELECT RAISE(ABORT, 'the disk is full'); END
                """).run()
        }
        let admin = try await Caller.member(Principal(kind: .user, accountID: shop.account.id!, role: .admin, userID: shop.admin.id!,
                                                      label: "admin"), on: app.db)
        let target = visitor.conversation.id!
        let before = try await snapshot(app, target: target, source: source.id!)

        // act: the merge fails at the third copy
        do {
            _ = try await app.conversations.merge(source.id!, into: target, by: admin)
            XCTFail("the merge should have failed")
        } catch {}

        // check: nothing of it happened
        let after = try await snapshot(app, target: target, source: source.id!)
        XCTAssertEqual(after, before, "no copies, the source untouched, no events")

        // act: the disk has room again; the merge is retried
        try await sql.raw(postgres ? "DROP TRIGGER test_refuse_copy ON messages" : "DROP TRIGGER test_refuse_copy").run()
        let merged = try await app.conversations.merge(source.id!, into: target, by: admin)

        // check: each message copied once, in order, the source ended, one merged event
        let texts = try await Message.query(on: app.db).filter(\.$conversationID == target).filter(\.$senderType != .system).sort(\.$seq).all()
            .map(\.text)
        XCTAssertEqual(texts, ["第一次", "又来了", "还是那件", "💥 refused copy", "最后一句"])
        let stored = try await Message.query(on: app.db).filter(\.$conversationID == target).count()
        XCTAssertEqual(merged.lastSeq, stored, "gap-free")
        let ended = try await Conversation.find(source.id!, on: app.db)
        XCTAssertEqual(ended?.mergedIntoID, target)
        XCTAssertEqual(ended?.status, .resolved)
        let again = try await snapshot(app, target: target, source: source.id!)
        XCTAssertEqual(again.events.filter { $0 == "conversation.merged" }.count, 1)
    }

    struct Snapshot: Equatable {
        var targetMessages: Int
        var targetSeq: Int
        var sourceMerged: UUID?
        var sourceStatus: ConversationStatus
        var events: [String]
    }

    func snapshot(_ app: Application, target: UUID, source: UUID) async throws -> Snapshot {
        let t = try await Conversation.find(target, on: app.db)!
        let s = try await Conversation.find(source, on: app.db)!
        let events = try await (app.db as! any SQLDatabase).raw("SELECT kind FROM event_outbox ORDER BY id").all()
            .map { try $0.decode(column: "kind", as: String.self) }
        return Snapshot(targetMessages: try await Message.query(on: app.db).filter(\.$conversationID == target).count(), targetSeq: t.lastSeq,
                        sourceMerged: s.mergedIntoID, sourceStatus: s.status, events: events)
    }
}
