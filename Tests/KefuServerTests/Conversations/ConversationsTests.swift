import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class ConversationsTests: XCTestCase {
    func testListFiltersAndPagesNewestFirst() async throws {
        // setup: five shoppers, the newest last
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        var visitors: [TestVisitor] = []
        for i in 0..<5 { visitors.append(try await TestVisitor.create(app, shop: shop, messages: ["第\(i)位"])) }
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        _ = try await app.send(.PATCH, "/api/v1/conversations/\(visitors[1].conversation.id!)", as: agent,
                               json: #"{"assigneeId":"\#(shop.agent.id!)"}"#)
        // act: page through two at a time
        let seen = try await Self.pageThrough(app, as: agent)
        // check
        XCTAssertEqual(Set(seen).count, 5, "no duplicates, none missing")
        XCTAssertEqual(seen, visitors.reversed().map { $0.conversation.id! }, "newest message first; internal notes do not count")
        let mine = try await app.send(.GET, "/api/v1/conversations?filter=mine", as: agent).content.decode(CursorPageDTO<ConversationDTO>.self)
        XCTAssertEqual(mine.items.map(\.id), [visitors[1].conversation.id!])
        let unassigned = try await app.send(.GET, "/api/v1/conversations?filter=unassigned", as: agent).content.decode(CursorPageDTO<ConversationDTO>.self)
        XCTAssertEqual(unassigned.items.count, 4)
        XCTAssertEqual(unassigned.items.first?.unreadCount, 1)
        XCTAssertEqual(unassigned.items.first?.lastMessagePreview, "第4位")
        for bad in ["filter=everything", "status=closed", "inboxId=x", "cursor=zzz", "limit=0"] {
            let response = try await app.send(.GET, "/api/v1/conversations?\(bad)", as: agent)
            XCTAssertEqual(response.status, .badRequest, bad)
        }
    }

    func testAnAgentOfTwoInboxesPagesThroughBothNewestFirst() async throws {
        // setup: shoppers alternating between two inboxes, an agent of both
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let second = try await InboxesController.create(name: "售后", description: nil, accountID: shop.account.id!, on: app.db) { _, _ in }
        _ = try await Team.createMember(.init(email: "both@shop.test", password: TestShop.password, displayName: "小云", agentNumber: 12,
                                              role: .agent, inboxIDs: [shop.inbox.id!, second.id!]),
                                        accountID: shop.account.id!, app: app, on: app.db) { _, _ in }
        var otherShop = shop
        otherShop.inbox = second
        var visitors: [TestVisitor] = []
        for i in 0..<6 { visitors.append(try await TestVisitor.create(app, shop: i % 2 == 0 ? shop : otherShop, messages: ["第\(i)位"])) }
        let agent = try await Credentials.signIn(app, email: "both@shop.test")
        // act: two at a time
        let seen = try await Self.pageThrough(app, as: agent)
        // check: one list across both inboxes, newest first, nothing twice
        XCTAssertEqual(seen, visitors.reversed().map { $0.conversation.id! })
    }

    func testPostingIsIdempotentAndAssignsTheRepliedConversation() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop)
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        let path = "/api/v1/conversations/\(visitor.conversation.id!)/messages"
        let id = UUID()
        let first = try await app.send(.POST, path, as: agent, json: #"{"text":"您好，我是8号客服","clientMessageId":"\#(id)"}"#)
        XCTAssertEqual(first.status, .created)
        let again = try await app.send(.POST, path, as: agent, json: #"{"text":"您好，我是8号客服","clientMessageId":"\#(id)"}"#)
        XCTAssertEqual(again.status, .ok)
        XCTAssertEqual(try first.content.decode(MessageDTO.self).id, try again.content.decode(MessageDTO.self).id)
        let page = try await app.send(.GET, path, as: agent).content.decode(PageDTO<MessageDTO>.self)
        XCTAssertEqual(page.items.map(\.seq), [1, 2])
        XCTAssertEqual(page.items.last?.sender?.agentNumber, 8)
        let conversation = try await app.send(.GET, "/api/v1/conversations/\(visitor.conversation.id!)", as: agent).content.decode(ConversationDTO.self)
        XCTAssertEqual(conversation.assigneeId, shop.agent.id)
        let empty = try await app.send(.POST, path, as: agent, json: #"{"text":"  "}"#)
        XCTAssertEqual(empty.status, .badRequest)
        XCTAssertEqual(empty.errorField, "text")
    }

    func testUpdatesAndTheirValidation() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop)
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let path = "/api/v1/conversations/\(visitor.conversation.id!)"
        // act
        let updated = try await app.send(.PATCH, path, as: admin, json: #"{"priority":"urgent","tags":[" VIP ","退货","vip"],"status":"pending"}"#)
        // check
        let dto = try updated.content.decode(ConversationDTO.self)
        XCTAssertEqual(dto.priority, .urgent)
        XCTAssertEqual(dto.tags, ["vip", "退货"])
        XCTAssertEqual(dto.status, .pending)
        let snoozed = try await app.send(.PATCH, path, as: admin, json: #"{"status":"snoozed","snoozedUntil":"2099-01-01T08:00:00.125Z"}"#)
        XCTAssertEqual(try snoozed.content.decode(ConversationDTO.self).status, .snoozed)
        let cases: [(String, String)] = [
            (#"{"status":"closed"}"#, "status"),
            (#"{"status":"snoozed"}"#, "snoozedUntil"),
            (#"{"status":"snoozed","snoozedUntil":"2000-01-01T00:00:00Z"}"#, "snoozedUntil"),
            (#"{"snoozedUntil":"tomorrow"}"#, "snoozedUntil"),
            (#"{"priority":"asap"}"#, "priority"),
            (#"{"assigneeId":"\#(UUID())"}"#, "assigneeId"),
            (#"{"inboxId":"\#(UUID())"}"#, "inboxId"),
            (#"{"tags":[""]}"#, "tags"),
            (#"{"mood":"happy"}"#, "mood"),
        ]
        for (json, field) in cases {
            let response = try await app.send(.PATCH, path, as: admin, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
            XCTAssertEqual(response.errorField, field, json + " " + response.body.string)
        }
        let after = try await app.send(.GET, path, as: admin).content.decode(ConversationDTO.self)
        XCTAssertEqual(after.status, .snoozed, "refused updates changed nothing")
        XCTAssertEqual(after.priority, .urgent)
        // transfer to another inbox with a system note for the team
        let other = try await app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#).content.decode(InboxDTO.self)
        let moved = try await app.send(.PATCH, path, as: admin, json: #"{"inboxId":"\#(other.id)","status":"open"}"#).content.decode(ConversationDTO.self)
        XCTAssertEqual(moved.inboxId, other.id)
        let messages = try await app.send(.GET, path + "/messages", as: admin).content.decode(PageDTO<MessageDTO>.self)
        XCTAssertTrue(messages.items.contains { $0.event == "conversation.transferred" && $0.private })
    }

    func testMergeAppendsTheOtherConversationOfTheSameCustomer() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop, messages: ["第一次咨询"])
        let second = Conversation(accountID: shop.account.id!, inboxID: shop.inbox.id!, contactID: visitor.contact.id!, now: Date())
        try await second.create(on: app.db)
        let caller = Caller.visitor(accountID: shop.account.id!, contactID: visitor.contact.id!, inboxID: shop.inbox.id!, name: nil)
        for text in ["又来了", "还是那件衣服"] {
            try await app.conversations.sendAsVisitor(MessageDraft(text: text, clientMessageID: UUID()), requested: second.id!, by: caller)
        }
        let stranger = try await TestVisitor.create(app, shop: shop)
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let path = "/api/v1/conversations/\(visitor.conversation.id!)"
        let refused = try await app.send(.POST, path + "/merge", as: admin, json: #"{"sourceConversationId":"\#(stranger.conversation.id!)"}"#)
        XCTAssertEqual(refused.status, .badRequest)
        let merged = try await app.send(.POST, path + "/merge", as: admin, json: #"{"sourceConversationId":"\#(second.id!)"}"#)
        XCTAssertEqual(merged.status, .ok, merged.body.string)
        let messages = try await app.send(.GET, path + "/messages", as: admin).content.decode(PageDTO<MessageDTO>.self)
        XCTAssertEqual(messages.items.map(\.seq), [1, 2, 3, 4])
        XCTAssertEqual(messages.items.prefix(3).map(\.text), ["第一次咨询", "又来了", "还是那件衣服"])
        let target = try await app.send(.GET, path, as: admin).content.decode(ConversationDTO.self)
        XCTAssertEqual(target.lastMessagePreview, "还是那件衣服", "the newest message, not an older copy")
        let source = try await app.send(.GET, "/api/v1/conversations/\(second.id!)", as: admin).content.decode(ConversationDTO.self)
        XCTAssertEqual(source.status, .resolved)
        XCTAssertEqual(source.mergedIntoId, visitor.conversation.id)
        let again = try await app.send(.POST, path + "/merge", as: admin, json: #"{"sourceConversationId":"\#(second.id!)"}"#)
        XCTAssertEqual(again.status, .conflict)
    }

    func testTheCustomerSidebar() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let session = try await app.send(.POST, "/api/v1/widget/sessions",
                                         json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","locale":"zh-TW","page":{"url":"https://shop.example/p/9","title":"羊毛衫","referrer":"https://search.example/?q=sweater"}}"#,
                                         headers: ["User-Agent": "Mozilla/5.0 Test"])
        let contactID = try session.content.decode(WidgetSessionDTO.self).contactId
        let agent = try await Credentials.signIn(app, email: "agent@shop.test")
        let contact = try await app.send(.GET, "/api/v1/contacts/\(contactID)", as: agent)
        XCTAssertEqual(contact.status, .notFound, "an agent sees a customer once there is a conversation in its inbox")
        let admin = try await Credentials.signIn(app, email: "admin@shop.test")
        let dto = try await app.send(.GET, "/api/v1/contacts/\(contactID)", as: admin).content.decode(ContactDTO.self)
        XCTAssertEqual(dto.currentPage, "https://shop.example/p/9")
        XCTAssertEqual(dto.pageTitle, "羊毛衫")
        XCTAssertEqual(dto.referrer, "https://search.example/?q=sweater")
        XCTAssertEqual(dto.locale, "zh-TW")
        XCTAssertEqual(dto.userAgent, "Mozilla/5.0 Test")
        let updated = try await app.send(.PATCH, "/api/v1/contacts/\(contactID)", as: admin, json: #"{"name":"王女士","phone":"+86 138 0000 0000","email":"wang@example.com"}"#)
        XCTAssertEqual(try updated.content.decode(ContactDTO.self).name, "王女士")
        let bad = try await app.send(.PATCH, "/api/v1/contacts/\(contactID)", as: admin, json: #"{"phone":"call me"}"#)
        XCTAssertEqual(bad.errorField, "phone")
        let badEmail = try await app.send(.PATCH, "/api/v1/contacts/\(contactID)", as: admin, json: #"{"email":"nope"}"#)
        XCTAssertEqual(badEmail.errorField, "email")
    }

    func testWidgetSessionsReuseTheVisitorAndRefuseUnknownInboxes() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let first = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop.inbox.widgetKey)"}"#).content.decode(WidgetSessionDTO.self)
        let again = try await app.send(.POST, "/api/v1/widget/sessions",
                                       json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","visitorToken":"\#(first.visitorToken)"}"#).content.decode(WidgetSessionDTO.self)
        XCTAssertEqual(first.contactId, again.contactId)
        XCTAssertEqual(first.visitorToken, again.visitorToken)
        XCTAssertGreaterThanOrEqual(first.visitorToken.count, 2 + 43, "256 random bits")
        let forged = try await app.send(.POST, "/api/v1/widget/sessions",
                                        json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","visitorToken":"v_forged"}"#).content.decode(WidgetSessionDTO.self)
        XCTAssertNotEqual(forged.contactId, first.contactId)
        let unknown = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"ibx_nope"}"#)
        XCTAssertEqual(unknown.status, .notFound)
        XCTAssertEqual(unknown.headers.first(name: .accessControlAllowOrigin), "*")
        let preflight = try await app.send(.OPTIONS, "/api/v1/widget/sessions", headers: ["Origin": "https://shop.example", "Access-Control-Request-Method": "POST"])
        XCTAssertEqual(preflight.status, .noContent)
        XCTAssertEqual(preflight.headers.first(name: .accessControlAllowOrigin), "*")
        XCTAssertNil(preflight.headers.first(name: .accessControlAllowCredentials))
    }

    /// Every conversation of the list, two at a time, following the cursor.
    static func pageThrough(_ app: Application, as agent: Credentials) async throws -> [UUID] {
        var seen: [UUID] = []
        var cursor: String?
        repeat {
            let path = "/api/v1/conversations?filter=all&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await app.send(.GET, path, as: agent).content.decode(CursorPageDTO<ConversationDTO>.self)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        return seen
    }
}
