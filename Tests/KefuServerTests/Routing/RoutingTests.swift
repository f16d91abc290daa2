import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest

/// Routing over real WebSockets: greeting, queue, capacity, answer timeout, reporting events.
final class RoutingTests: XCTestCase {
    func testAShopperIsGreetedByTheAssignedAgentWithinASecond() async throws {
        // setup: 8号 小美 online
        let f = try await RoutingFixture.make(for: self)
        let mei = try await f.agent(f.shop.agent)
        let (shopper, token) = try await f.shopper("张女士")
        // act
        shopper.sendMessage("你好，在吗")
        // check: assigned to 8 with the greeting, stored within a second of the shopper's message
        let greeting = try await RoutingFixture.autoReply(shopper, "auto.greeting")
        XCTAssertTrue(greeting["text"]?.string?.contains("8号客服小美") ?? false, greeting["text"]?.string ?? "")
        XCTAssertEqual(greeting["sender"]?["agentNumber"]?.int, 8)
        let conversation = try await f.conversation(of: token)
        XCTAssertEqual(conversation.assigneeID, f.shop.agent.id)
        let messages = try await Message.query(on: f.app.db).filter(\.$conversationID == conversation.id!).sort(\.$seq).all()
        let first = try XCTUnwrap(messages.first { $0.senderType == .visitor })
        let greeted = try XCTUnwrap(messages.first { MessagePayload.decode($0.payload)?.type == .autoGreeting })
        XCTAssertLessThan(greeted.createdAt.timeIntervalSince(first.createdAt), 1.0)
        _ = try await mei.next("conversation.updated")
        // the greeting is not a first response; the agent's reply is
        do { let value = try await f.events(.firstResponse); XCTAssertTrue(value.isEmpty) }
        let reply = try await f.app.send(.POST, "/api/v1/conversations/\(conversation.id!)/messages",
                                         as: try await Credentials.session(for: f.shop.agent, on: f.app.db), json: #"{"text":"您好"}"#)
        XCTAssertEqual(reply.status, .created)
        let responses = try await f.events(.firstResponse)
        XCTAssertEqual(responses.count, 1)
        XCTAssertEqual(responses.first?.agentID, f.shop.agent.id)
    }

    func testWhenNobodyHasRoomShoppersQueueAndMoveUpAsAgentsFreeUp() async throws {
        // setup: one agent online with room for one conversation
        let f = try await RoutingFixture.make(for: self, capacity: 1)
        _ = try await f.agent(f.shop.agent)
        let (first, firstToken) = try await f.shopper("甲")
        first.sendMessage("第一个")
        _ = try await RoutingFixture.autoReply(first, "auto.greeting")
        // act: two more shoppers arrive
        let (second, secondToken) = try await f.shopper("乙")
        second.sendMessage("第二个")
        let (third, _) = try await f.shopper("丙")
        third.sendMessage("第三个")
        // check: they wait at 1 and 2, told by the queued greeting and queue frames
        let queued = try await RoutingFixture.autoReply(second, "auto.queued")
        XCTAssertTrue(queued["text"]?.string?.contains("1") ?? false)
        do { let value = try await RoutingFixture.queue(second); XCTAssertEqual(value.position, 1); XCTAssertGreaterThan(value.eta, 0) }
        do { let value = try await RoutingFixture.queue(third); XCTAssertEqual(value.position, 2) }
        // act: the agent resolves the first conversation; the sweep runs
        let done = try await f.conversation(of: firstToken)
        let agent = try await Credentials.session(for: f.shop.agent, on: f.app.db)
        let resolved = try await f.app.send(.PATCH, "/api/v1/conversations/\(done.id!)", as: agent, json: #"{"status":"resolved"}"#)
        XCTAssertEqual(resolved.status, .ok)
        await f.app.routing.sweep()
        // check: the second is assigned and greeted, the third moves up to 1
        // (an updated estimate may come first; the place then turns 0)
        var place = try await RoutingFixture.queue(second)
        while place.position == 1 { place = try await RoutingFixture.queue(second) }
        XCTAssertEqual(place.position, 0)
        _ = try await RoutingFixture.autoReply(second, "auto.greeting")
        // (the background sweep runs too, so positions may repeat; within a few sweeps it is 1)
        var positions: [Int] = []
        for _ in 0..<6 where !positions.contains(1) {
            await f.app.routing.sweep()
            positions += try await third.collect("queue", for: 0.3).compactMap { $0["position"]?.int }
        }
        XCTAssertTrue(positions.contains(1), "positions told: \(positions)")
        XCTAssertFalse(positions.contains { $0 > 2 })
        let assigned = try await f.conversation(of: secondToken)
        XCTAssertEqual(assigned.assigneeID, f.shop.agent.id)
        XCTAssertNil(assigned.queuedAt)
        // the agent's answer clock starts at the assignment, not when the shopper started waiting
        let clock = try XCTUnwrap(assigned.awaitingSince)
        XCTAssertGreaterThanOrEqual(clock.timeIntervalSince(try XCTUnwrap(assigned.assignedAt)), -0.01)
        let waits = try await f.events(.assigned).filter { $0.conversationID == assigned.id }
        XCTAssertEqual(waits.count, 1)
        XCTAssertGreaterThan(waits.first?.seconds ?? 0, 0, "the wait in the queue is recorded")
    }

    func testCapacityHoldsUnderConcurrentArrivalsAndRoundRobinIsFair() async throws {
        // setup: two agents, two places each
        let f = try await RoutingFixture.make(for: self, capacity: 2)
        _ = try await f.agent(f.shop.agent)
        _ = try await f.agent(f.shop.admin)
        var shoppers: [(ChatTestClient, String)] = []
        for i in 0..<7 { shoppers.append(try await f.shopper("顾客\(i)")) }
        // act: all write at once
        for (i, s) in shoppers.enumerated() { s.0.sendMessage("你好 \(i)") }
        for s in shoppers { _ = try await s.0.next("ack") }
        try await Task.sleep(nanoseconds: 300_000_000)
        await f.app.routing.sweep()
        // check: four assigned, two each; three queued
        let conversations = try await Conversation.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).all()
        XCTAssertEqual(conversations.count, 7)
        let byAgent = Dictionary(grouping: conversations.compactMap(\.assigneeID), by: { $0 }).mapValues(\.count)
        XCTAssertEqual(byAgent[f.shop.agent.id!], 2)
        XCTAssertEqual(byAgent[f.shop.admin.id!], 2)
        XCTAssertEqual(conversations.filter { $0.queuedAt != nil && $0.assigneeID == nil }.count, 3)
    }

    func testAnUnansweredConversationIsOfferedToTheNextAgentAndTheSupervisorSeesIt() async throws {
        // setup: a pinned clock; 8 gets the conversation, 2 is also online
        let clock = ManualClock(Date())
        let f = try await RoutingFixture.make(for: self, clock: clock)
        _ = try await f.agent(f.shop.agent)
        let (shopper, token) = try await f.shopper("李先生")
        shopper.sendMessage("有人吗")
        _ = try await RoutingFixture.autoReply(shopper, "auto.greeting")
        _ = try await f.agent(f.shop.admin)
        let conversation = try await f.conversation(of: token)
        XCTAssertEqual(conversation.assigneeID, f.shop.agent.id)
        f.shop.inbox.answerTimeoutSeconds = 30
        try await f.shop.inbox.save(on: f.app.db)
        f.app.inboxes.forget(f.shop.inbox.id!)
        // act: 29 s without a reply changes nothing; 31 s does
        clock.advance(by: 29)
        await f.app.routing.sweep()
        let kept = try await f.conversation(of: token)
        clock.advance(by: 2)
        await f.app.routing.sweep()
        // check: reassigned to 2, recorded, visible in the live view
        XCTAssertEqual(kept.assigneeID, f.shop.agent.id)
        let moved = try await f.conversation(of: token)
        XCTAssertEqual(moved.assigneeID, f.shop.admin.id)
        let reassigned = try await f.events(.reassigned)
        XCTAssertEqual(reassigned.count, 1)
        XCTAssertEqual(reassigned.first?.fromAgentID, f.shop.agent.id)
        XCTAssertEqual(reassigned.first?.seconds ?? 0, 31, accuracy: 0.01, "how long the shopper waited")
        let live = try await f.app.send(.GET, "/api/v1/live", as: try await Credentials.session(for: f.shop.admin, on: f.app.db))
        XCTAssertEqual(live.status, .ok)
        let view = try live.content.decode(LiveDTO.self)
        XCTAssertEqual(view.timeouts.first?.conversationId, conversation.id)
        XCTAssertEqual(view.agents.first { $0.id == f.shop.admin.id }?.load, 1)
        let events = try await Message.query(on: f.app.db).filter(\.$conversationID == conversation.id!).all().compactMap(\.event)
        XCTAssertTrue(events.contains("conversation.reassigned"))
        // reporting events are append-only
        let sql = f.app.db as! any SQLDatabase
        do {
            try await sql.raw("DELETE FROM conversation_events").run()
            XCTFail("deleting reporting events must fail")
        } catch {}
    }

    func testOutsideBusinessHoursTheShopperIsToldAndCanLeaveAMessage() async throws {
        // setup: an inbox that is never open
        let closed = BusinessHours(timeZone: "Asia/Shanghai", weekly: [:], holidays: [])
        let f = try await RoutingFixture.make(for: self, hours: closed)
        let session = try await f.app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(f.shop.inbox.widgetKey)"}"#)
        let dto = try session.content.decode(WidgetSessionDTO.self)
        XCTAssertFalse(dto.open)
        // act: a message, then a left message with contact details
        let (shopper, token) = try await f.shopper()
        shopper.sendMessage("还在营业吗")
        let reply = try await RoutingFixture.autoReply(shopper, "auto.closed")
        let left = try await f.app.send(.POST, "/api/v1/widget/leave-message?token=\(token)", json: #"{"name":"王先生","phone":"138 0000 0000","text":"明天请回电"}"#)
        let refused = try await f.app.send(.POST, "/api/v1/widget/leave-message?token=\(token)", json: #"{"text":"没有联系方式"}"#)
        // check
        XCTAssertTrue(reply["text"]?.string?.contains("非营业时间") ?? false)
        XCTAssertEqual(left.status, .created, left.body.string)
        XCTAssertEqual(refused.status, .badRequest)
        let conversation = try await f.conversation(of: token)
        XCTAssertNotNil(conversation.queuedAt, "waits in the queue for the morning")
        let contact = try await Contact.query(on: f.app.db).filter(\.$id == conversation.contactID).first()
        XCTAssertEqual(contact?.name, "王先生")
        XCTAssertEqual(contact?.phone, "138 0000 0000")
    }

    func testKeywordAndAwayRepliesRespectTheirCoolDowns() async throws {
        // setup: a keyword rule; 8 online, then away
        let f = try await RoutingFixture.make(for: self)
        let admin = try await Credentials.session(for: f.shop.admin, on: f.app.db)
        let created = try await f.app.send(.POST, "/api/v1/inboxes/\(f.shop.inbox.id!)/keyword-rules", as: admin,
                                           json: #"{"keywords":["退货"],"reply":"七天无理由退货，请在订单页申请。","cooldownSeconds":600}"#)
        XCTAssertEqual(created.status, .created, created.body.string)
        let mei = try await f.agent(f.shop.agent)
        let (shopper, _) = try await f.shopper()
        shopper.sendMessage("你好")
        _ = try await RoutingFixture.autoReply(shopper, "auto.greeting")
        // act: traditional characters match the simplified keyword; a second time stays quiet
        shopper.sendMessage("我想退貨")
        let keyword = try await RoutingFixture.autoReply(shopper, "auto.keyword")
        XCTAssertTrue(keyword["text"]?.string?.contains("七天无理由") ?? false)
        shopper.sendMessage("退货怎么弄")
        _ = try await shopper.next("ack")
        let again = try await shopper.collect("message", for: 0.4)
        XCTAssertFalse(again.contains { $0["message"]?["payload"]?["type"]?.string == "auto.keyword" })
        // act: the agent steps away
        mei.send(["type": "presence", "status": "away"])
        for _ in 0..<200 {
            let row = try await AgentPresence.query(on: f.app.db).filter(\.$userID == f.shop.agent.id!).first()
            if row?.status == .away { break }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        shopper.sendMessage("人呢")
        let away = try await RoutingFixture.autoReply(shopper, "auto.away")
        XCTAssertTrue(away["text"]?.string?.contains("暂时离开") ?? false)
        // the try-it endpoint agrees
        let tried = try await f.app.send(.POST, "/api/v1/inboxes/\(f.shop.inbox.id!)/keyword-rules/test", as: admin, json: #"{"text":"可以退貨嗎"}"#)
        XCTAssertNotNil(try tried.content.decode(KeywordTestDTO.self).matched)
    }

    func testTransferWithANoteAndBadSettingsAreRefused() async throws {
        // setup
        let f = try await RoutingFixture.make(for: self)
        _ = try await f.agent(f.shop.agent)
        let (shopper, token) = try await f.shopper()
        shopper.sendMessage("我要投诉")
        _ = try await RoutingFixture.autoReply(shopper, "auto.greeting")
        let conversation = try await f.conversation(of: token)
        let agent = try await Credentials.session(for: f.shop.agent, on: f.app.db)
        let admin = try await Credentials.session(for: f.shop.admin, on: f.app.db)
        // act
        let moved = try await f.app.send(.POST, "/api/v1/conversations/\(conversation.id!)/transfer", as: agent,
                                         json: #"{"assigneeId":"\#(f.shop.admin.id!)","note":"顾客要求退款，订单 1234"}"#)
        let nowhere = try await f.app.send(.POST, "/api/v1/conversations/\(conversation.id!)/transfer", as: agent, json: #"{"note":"x"}"#)
        let badCapacity = try await f.app.send(.PUT, "/api/v1/inboxes/\(f.shop.inbox.id!)/settings", as: admin, json: #"{"capacity":0}"#)
        let badTimeout = try await f.app.send(.PUT, "/api/v1/inboxes/\(f.shop.inbox.id!)/settings", as: admin, json: #"{"answerTimeoutSeconds":5}"#)
        let badRouting = try await f.app.send(.PUT, "/api/v1/inboxes/\(f.shop.inbox.id!)/settings", as: admin, json: #"{"routing":"random"}"#)
        let badLocale = try await f.app.send(.PUT, "/api/v1/inboxes/\(f.shop.inbox.id!)/settings", as: admin, json: #"{"greeting":{"fr":"Bonjour"}}"#)
        // check
        XCTAssertEqual(moved.status, .ok, moved.body.string)
        XCTAssertEqual(try moved.content.decode(ConversationDTO.self).assigneeId, f.shop.admin.id)
        let notes = try await Message.query(on: f.app.db).filter(\.$conversationID == conversation.id!).filter(\.$isPrivate == true).all()
        XCTAssertTrue(notes.contains { $0.text.contains("订单 1234") })
        XCTAssertTrue(notes.contains { $0.event == "conversation.transferred" })
        do { let value = try await f.events(.transferred); XCTAssertEqual(value.count, 1) }
        XCTAssertEqual(nowhere.status, .badRequest)
        for (response, field) in [(badCapacity, "capacity"), (badTimeout, "answerTimeoutSeconds"), (badRouting, "routing"), (badLocale, "locale")] {
            XCTAssertEqual(response.status, .badRequest, response.body.string)
            XCTAssertEqual(response.errorField, field)
        }
        let settings = try await f.app.send(.GET, "/api/v1/inboxes/\(f.shop.inbox.id!)/settings", as: admin)
        XCTAssertEqual(try settings.content.decode(InboxSettingsDTO.self).capacity, 2, "refused settings change nothing")
    }
}
