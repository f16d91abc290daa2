import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest

/// The FAQ bot in the widget, over real WebSockets: answering, suggesting, not knowing,
/// handing over, and stepping back when an agent replies.
final class FAQBotTests: XCTestCase {
    struct Fixture {
        var app: Application
        var port: Int
        var shop: TestShop
        var session: WidgetSessionDTO
    }

    func fixture(mode: BotMode = .first, hours: BusinessHours? = nil) async throws -> Fixture {
        let app = try await TestApp.make(for: self)
        let port = try await TestApp.listen(app, for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        shop.inbox.botMode = mode
        shop.inbox.businessHoursJSON = hours.map { FrameCoder.encode($0) }
        try await shop.inbox.save(on: app.db)
        app.inboxes.forget(shop.inbox.id!)
        let response = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","locale":"zh-CN"}"#)
        XCTAssertEqual(response.status, .ok, response.body.string)
        return Fixture(app: app, port: port, shop: shop, session: try response.content.decode(WidgetSessionDTO.self))
    }

    func visitor(_ f: Fixture) async throws -> ChatTestClient {
        let client = try await ChatTestClient.connect(port: f.port, path: "/api/v1/widget/ws?token=\(f.session.visitorToken)", on: f.app)
        _ = try await client.next("hello")
        return client
    }

    /// The bot's next message to the shopper.
    func botReply(_ client: ChatTestClient) async throws -> JSONValue {
        for _ in 0..<10 {
            let frame = try await client.next("message")
            if frame["message"]?["senderType"]?.string == "bot" { return frame["message"]! }
        }
        throw DomainError.notFound("bot message")
    }

    func testTheBotAnswersWhenSureAndKeepsQuestionsItCannotAnswer() async throws {
        // setup
        let f = try await fixture()
        XCTAssertTrue(f.session.bot.active)
        XCTAssertFalse(f.session.help.hot.isEmpty)
        XCTAssertTrue(f.session.help.url?.hasSuffix("/help/" + KnowledgeStore.defaultHelpSlug(f.shop.account.id!)) ?? false)
        let shopper = try await visitor(f)
        // act: a question the FAQ answers
        shopper.sendMessage("怎么开发票")
        let answer = try await botReply(shopper)
        // check
        XCTAssertEqual(answer["payload"]?["type"]?.string, "bot.answer")
        XCTAssertEqual(answer["payload"]?["articles"]?.array?.first?["slug"]?.string, "invoice-how")
        XCTAssertEqual(answer["payload"]?["handover"]?.bool, true)
        XCTAssertTrue(answer["text"]?.string?.contains("发票") ?? false)
        // act: a question it cannot answer
        shopper.sendMessage("你们老板是谁")
        let none = try await botReply(shopper)
        // check: said so, offered an agent, kept the question
        XCTAssertEqual(none["payload"]?["type"]?.string, "bot.none")
        let kept = try await AskedQuestion.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).all().map(\.question)
        XCTAssertEqual(kept, ["你们老板是谁"])
        let conversation = try await Conversation.query(on: f.app.db).first()
        XCTAssertEqual(conversation?.botActive, true)
        let views = try await Article.query(on: f.app.db).filter(\.$slug == "invoice-how").filter(\.$accountID == f.shop.account.id!).first()?.views
        XCTAssertEqual(views, 5400 + 1, "a bot answer counts as a view (demo file: 5400)")
    }

    func testHandingOverQueuesTheConversationForAgentsWithTheTranscript() async throws {
        // setup
        let f = try await fixture()
        let shopper = try await visitor(f)
        let credentials = try await Credentials.signIn(f.app, email: "agent@shop.test")
        let agent = try await ChatTestClient.connect(port: f.port, path: "/api/v1/agent/ws", credentials: credentials, on: f.app)
        _ = try await agent.next("hello")
        shopper.sendMessage("发票怎么开")  // three invoice articles score alike: the bot suggests
        let first = try await botReply(shopper)
        let conversationID = try XCTUnwrap(first["conversationId"]?.string)
        XCTAssertEqual(first["payload"]?["type"]?.string, "bot.suggest")
        XCTAssertEqual(first["payload"]?["articles"]?.array?.count, 3)
        // act: pick a suggested article, then ask for a person
        if let articleID = first["payload"]?["articles"]?.array?.first?["id"]?.string {
            let picked = try await f.app.send(.POST, "/api/v1/widget/bot/answer?token=\(f.session.visitorToken)",
                                              json: #"{"conversationId":"\#(conversationID)","articleId":"\#(articleID)"}"#)
            XCTAssertEqual(picked.status, HTTPResponseStatus.noContent, picked.body.string)
            let chosen = try await botReply(shopper)
            XCTAssertEqual(chosen["payload"]?["type"]?.string, "bot.answer")
        }
        let handover = try await f.app.send(.POST, "/api/v1/widget/handover?token=\(f.session.visitorToken)",
                                            json: #"{"conversationId":"\#(conversationID)"}"#)
        // check: the bot says so, the agent side sees the conversation change, the bot stops
        XCTAssertEqual(handover.status, .ok, handover.body.string)
        XCTAssertEqual(try handover.content.decode(HandoverDTO.self).botActive, false)
        let farewell = try await botReply(shopper)
        XCTAssertEqual(farewell["payload"]?["type"]?.string, "bot.handover")
        var handedOver = false
        for _ in 0..<5 where !handedOver {
            handedOver = try await agent.next("conversation.updated")["conversation"]?["botActive"]?.bool == false
        }
        XCTAssertTrue(handedOver, "the team sees the conversation leave the bot")
        shopper.sendMessage("我要找人工")
        _ = try await shopper.next("ack")
        let more = try await shopper.collect("message", for: 0.5)
        XCTAssertFalse(more.contains { $0["message"]?["senderType"]?.string == "bot" })
        let agentMessages = try await f.app.send(.GET, "/api/v1/conversations/\(conversationID)/messages",
                                                 as: try await Credentials.session(for: f.shop.agent, on: f.app.db))
        let transcript = try agentMessages.content.decode(PageDTO<MessageDTO>.self).items
        XCTAssertTrue(transcript.contains { $0.senderType == .bot && $0.payload != nil })
        XCTAssertTrue(transcript.contains { $0.event == "conversation.handover" })
        // a second handover is harmless; picking an article now is refused clearly
        let again = try await f.app.send(.POST, "/api/v1/widget/handover?token=\(f.session.visitorToken)",
                                         json: #"{"conversationId":"\#(conversationID)"}"#)
        XCTAssertEqual(again.status, .ok)
        let late = try await f.app.send(.POST, "/api/v1/widget/bot/answer?token=\(f.session.visitorToken)",
                                        json: #"{"conversationId":"\#(conversationID)","articleId":"\#(UUID().uuidString)"}"#)
        XCTAssertEqual(late.status, .conflict)
    }

    func testAnAgentReplyEndsTheBotsTurnAndBotOffNeverAnswers() async throws {
        // setup
        let f = try await fixture()
        let shopper = try await visitor(f)
        shopper.sendMessage("怎么开发票")
        let answer = try await botReply(shopper)
        let conversationID = try XCTUnwrap(answer["conversationId"]?.string)
        // act: an agent replies
        let agent = try await Credentials.session(for: f.shop.agent, on: f.app.db)
        let reply = try await f.app.send(.POST, "/api/v1/conversations/\(conversationID)/messages", as: agent, json: #"{"text":"您好，我是8号"}"#)
        XCTAssertEqual(reply.status, .created, reply.body.string)
        shopper.sendMessage("怎么开发票")
        _ = try await shopper.next("ack")
        // check
        let later = try await shopper.collect("message", for: 0.5)
        XCTAssertFalse(later.contains { $0["message"]?["senderType"]?.string == "bot" })
        let off = try await fixtureWithoutBot()
        XCTAssertFalse(off.session.bot.active)
    }

    func fixtureWithoutBot() async throws -> Fixture {
        // Outside-hours mode while the inbox is open (every day, all day): the bot stays quiet.
        let always = BusinessHours(timeZone: "Asia/Shanghai",
                                   weekly: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map {
                                       ($0, [BusinessHours.TimeRange(start: "00:00", end: "24:00")]) }),
                                   holidays: [])
        return try await fixture(mode: .outsideHours, hours: always)
    }

    func testUnansweredQuestionsAreGroupedForEditorsAndCanBeDismissed() async throws {
        // setup
        let f = try await fixture()
        let accountID = f.shop.account.id!
        for text in ["发票怎么开具电子版", "电子发票怎么开具", "電子發票怎麼開具", "你们老板是谁"] {
            try await AskedQuestion(accountID: accountID, inboxID: nil, conversationID: nil, question: text, locale: "zh-CN", askedAt: Date()).create(on: f.app.db)
        }
        let admin = try await Credentials.session(for: f.shop.admin, on: f.app.db)
        // act
        let list = try await f.app.send(.GET, "/api/v1/knowledge/unanswered", as: admin)
        // check
        XCTAssertEqual(list.status, .ok, list.body.string)
        let groups = try list.content.decode(UnansweredListDTO.self).groups
        XCTAssertEqual(groups.first?.count, 3)
        XCTAssertEqual(groups.count, 2)
        // act: dismiss the big group
        let dismissed = try await f.app.send(.POST, "/api/v1/knowledge/unanswered/dismiss", as: admin,
                                             json: #"{"ids":[\#(groups[0].ids.map { "\"\($0.uuidString)\"" }.joined(separator: ","))]}"#)
        XCTAssertEqual(try dismissed.content.decode(DismissResultDTO.self).dismissed, 3)
        let after = try await f.app.send(.GET, "/api/v1/knowledge/unanswered", as: admin)
        XCTAssertEqual(try after.content.decode(UnansweredListDTO.self).groups.map(\.count), [1])
    }

    func testSuggestionsFollowTheShoppersLastQuestion() async throws {
        // setup
        let f = try await fixture(mode: .off)
        let visitor = try await TestVisitor.create(f.app, shop: f.shop, messages: ["你好", "退款几天能到账"])
        let agent = try await Credentials.session(for: f.shop.agent, on: f.app.db)
        // act
        let response = try await f.app.send(.GET, "/api/v1/conversations/\(visitor.conversation.id!)/suggestions", as: agent)
        // check
        XCTAssertEqual(response.status, .ok, response.body.string)
        let suggestions = try response.content.decode(SuggestionsDTO.self)
        XCTAssertEqual(suggestions.question, "退款几天能到账")
        XCTAssertEqual(suggestions.items.first?.slug, "refund-time")
        XCTAssertFalse(suggestions.items.first?.answer?.isEmpty ?? true)
    }
}
