import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// Message search on both databases: what the chat path writes is found at once, within what the
/// caller may see, newest first, a page at a time; messages stored before the index are found
/// after the backfill job.
final class MessageSearchTests: XCTestCase {
    func q(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    func testWhatTheChatWroteIsFoundWithinWhatTheCallerSees() async throws {
        // setup: a shopper in inbox 售前 (through the writer), the agent's reply and a private note
        // (through the unit of work), a shopper of another inbox, another shop with the same words
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let a = try await TestVisitor.create(app, shop: shop, messages: ["我想申请退款，XL码太大了", "訂單號 2024120712"])
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        for (text, isPrivate) in [("好的，已为您申请退款", false), ("客户要求退款，注意核实", true)] {
            let r = try await app.send(.POST, "/api/v1/conversations/\(a.conversation.id!)/messages", as: agent,
                                       json: #"{"text":"\#(text)","private":\#(isPrivate)}"#)
            XCTAssertEqual(r.status, .created, r.body.string)
        }
        let other = try await InboxesController.create(name: "售后", description: nil, accountID: shop.account.id!, on: app.db) { _, _ in }
        let b = try await TestVisitor.create(app, shop: shop, messages: ["退款什么时候到账"])
        b.conversation.inboxID = other.id!
        try await b.conversation.save(on: app.db)
        app.conversationDirectory.forget(b.conversation.id!)
        let shop2 = try await TestShop.create(app, name: "Shop 2")
        _ = try await TestVisitor.create(app, shop: shop2, messages: ["退款"])
        let admin2 = try await Credentials.session(for: shop2.admin, on: app.db)

        func texts(_ query: String, as who: Credentials, extra: String = "") async throws -> [String] {
            let r = try await app.send(.GET, "/api/v1/messages/search?q=\(q(query))\(extra)", as: who)
            XCTAssertEqual(r.status, .ok, r.body.string)
            return try r.content.decode(CursorPageDTO<MessageHitDTO>.self).items.map(\.text)
        }

        // act & check: newest first, private notes included for the team
        let all = try await texts("退款", as: admin)
        XCTAssertEqual(all, ["退款什么时候到账", "客户要求退款，注意核实", "好的，已为您申请退款", "我想申请退款，XL码太大了"])
        // the agent of 售前 only sees 售前
        let agents = try await texts("退款", as: agent)
        XCTAssertEqual(agents, ["客户要求退款，注意核实", "好的，已为您申请退款", "我想申请退款，XL码太大了"])
        // an inbox filter narrows, another shop's words are not ours
        let byInbox = try await texts("退款", as: admin, extra: "&inboxId=\(other.id!)")
        XCTAssertEqual(byInbox, ["退款什么时候到账"])
        let shop2Sees = try await texts("申请退款", as: admin2)
        XCTAssertEqual(shop2Sees, [])
        // another shop's inbox or another inbox named in the query finds nothing (and no error that tells it exists)
        let foreignInbox = try await texts("退款", as: admin2, extra: "&inboxId=\(shop.inbox.id!)")
        XCTAssertEqual(foreignInbox, [])
        let otherInbox = try await texts("退款", as: agent, extra: "&inboxId=\(other.id!)")
        XCTAssertEqual(otherInbox, [])
        // phrases, one character, traditional and full-width forms, prefixes, numbers
        let phrase = try await texts("申请退款", as: admin)
        XCTAssertEqual(phrase.count, 2)
        let one = try await texts("账", as: admin)
        XCTAssertEqual(one, ["退款什么时候到账"])
        let traditional = try await texts("申請退款", as: admin)
        XCTAssertEqual(traditional.count, 2)
        let prefix = try await texts("ｘ", as: admin)
        XCTAssertEqual(prefix, ["我想申请退款，XL码太大了"])
        let number = try await texts("2024120712", as: admin)
        XCTAssertEqual(number, ["訂單號 2024120712"])
        let apart = try await texts("退大", as: admin)
        XCTAssertEqual(apart, [], "characters must be adjacent")

        // a page at a time, newest first, nothing twice
        var seen: [String] = []
        var cursor: String?
        repeat {
            let r = try await app.send(.GET, "/api/v1/messages/search?q=\(q("退款"))&limit=1" + (cursor.map { "&cursor=\(q($0))" } ?? ""), as: admin)
            let page = try r.content.decode(CursorPageDTO<MessageHitDTO>.self)
            seen += page.items.map(\.text)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, all)
        // PostgreSQL reads the newest messages in order first, the index for older ones: with a
        // window of two messages both ways are taken, and the answer is the same, page by page
        let narrow = MessageSearch(app: app, postgresWindow: 2)
        let viewer = Viewer.staff(accountID: shop.account.id!, role: .admin, userID: shop.admin.id, inboxIDs: nil)
        var windowed: [String] = []
        var next: String?
        repeat {
            let page = try await narrow.search(.init(text: "退款", inboxID: nil, cursor: next, limit: 2), as: viewer)
            windowed += page.items.map(\.text)
            next = page.nextCursor
        } while next != nil
        XCTAssertEqual(windowed, all)

        // bad input names the field
        for (path, field) in [("q=%20%2C", "q"), ("q=\(String(repeating: "a", count: 201))", "q"), ("", "q"),
                              ("q=a&cursor=nope", "cursor"), ("q=a&inboxId=nope", "inboxId"), ("q=a&limit=0", "limit")] {
            let r = try await app.send(.GET, "/api/v1/messages/search?\(path)", as: admin)
            XCTAssertEqual(r.status, .badRequest, path)
            XCTAssertEqual(r.errorField, field, path)
        }
    }

    func testMessagesStoredBeforeTheIndexAreFoundAfterTheBackfill() async throws {
        // setup: a message written around the index, as an older Kefu or an import tool stored it
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let v = try await TestVisitor.create(app, shop: shop, messages: ["在吗"])
        let sql = app.db as! any SQLDatabase
        try await sql.raw("""
            INSERT INTO messages (id, account_id, conversation_id, seq, sender_type, text, private, attachments, created_at)
            VALUES (\(bind: UUID()), \(bind: shop.account.id!), \(bind: v.conversation.id!), 99, 'visitor', '发票怎么开', \(bind: false), '[]', \(bind: Date()))
            """).run()
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        func found() async throws -> [String] {
            let r = try await app.send(.GET, "/api/v1/messages/search?q=\(q("发票"))", as: admin)
            return try r.content.decode(CursorPageDTO<MessageHitDTO>.self).items.map(\.text)
        }
        let before = try await found()
        XCTAssertEqual(before, [])

        // act
        while await app.runJob(MessageSearchIndex.backfillJob) {}

        // check: found, and the chat's own messages are not indexed twice
        let after = try await found()
        XCTAssertEqual(after, ["发票怎么开"])
        let again = try await app.send(.GET, "/api/v1/messages/search?q=\(q("在吗"))", as: admin)
        XCTAssertEqual(try again.content.decode(CursorPageDTO<MessageHitDTO>.self).items.count, 1)
        if sql.dialect.name != "postgresql" {
            let entries = try await sql.raw("SELECT count(*) AS n FROM message_search").first()!.decode(column: "n", as: Int.self)
            XCTAssertEqual(entries, 2)
            // a deleted message leaves the index with it
            try await sql.raw("DELETE FROM messages WHERE conversation_id = \(bind: v.conversation.id!)").run()
            let left = try await sql.raw("SELECT count(*) AS n FROM message_search").first()!.decode(column: "n", as: Int.self)
            XCTAssertEqual(left, 0)
        }
    }
}
