import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// SLA over the API on a fake clock: a complaint ticket warns and breaches at the exact minute
/// (once), pending moves the due time, only a person's reply fulfils a reply metric, running
/// clocks keep their policy's version, two instances fire each breach once, bad input is refused.
final class SLATests: XCTestCase {
    struct World {
        var f: OrdersFixture
        var clock: ManualClock
        var supervisor: Credentials
        var app: Application { f.app }
    }

    private func world(app existing: Application? = nil, clock: ManualClock = ManualClock()) async throws -> World {
        let app: Application
        if let existing { app = existing } else { app = try await TestApp.make(for: self, clock: clock) }
        let f = try await OrdersFixture.make(for: self, app: app)
        let supervisor = try await Team.createMember(
            .init(email: "lead@shop.test", password: TestShop.password, displayName: "组长", agentNumber: 30, role: .supervisor,
                  inboxIDs: [f.shop.inbox.id!]), accountID: f.shop.account.id!, app: app, on: app.db) { _, _ in }
        return World(f: f, clock: clock, supervisor: try await Credentials.session(for: supervisor, on: app.db))
    }

    @discardableResult
    private func policy(_ w: World, _ json: String) async throws -> SLAPolicyDTO {
        let response = try await w.app.send(.POST, "/api/v1/sla/policies", as: w.supervisor, json: json)
        XCTAssertEqual(response.status, .created, response.body.string)
        return try response.content.decode(SLAPolicyDTO.self)
    }

    private func ticket(_ w: World, type: String = "complaint", priority: String = "urgent") async throws -> TicketDTO {
        let response = try await w.app.send(.POST, "/api/v1/tickets", as: w.f.agent, json: """
            {"subject":"大衣破损","type":"\(type)","priority":"\(priority)","contactId":"\(w.f.buyer.contact.id!)","conversationId":"\(w.f.buyer.conversation.id!)","inboxId":"\(w.f.shop.inbox.id!)"}
            """)
        XCTAssertEqual(response.status, .created, response.body.string)
        return try response.content.decode(TicketDTO.self)
    }

    private func status(_ w: World, ticket id: UUID) async throws -> SLAStatusDTO {
        let response = try await w.app.send(.GET, "/api/v1/tickets/\(id)/sla", as: w.f.agent)
        XCTAssertEqual(response.status, .ok, response.body.string)
        return try response.content.decode(SLAStatusDTO.self)
    }

    private func alerts(_ app: Application, _ kind: String) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT id FROM event_outbox WHERE kind = \(bind: kind)").all().count
    }

    /// Moves the clock and runs what would run then: the outbox, the timer.
    private func pass(_ w: World, advance seconds: TimeInterval) async {
        w.clock.advance(by: seconds)
        await w.app.drainEvents()
        await w.app.jobs.runUntilIdle(SLAClocks.timerJob, app: w.app)
    }

    func testAComplaintWarnsAndBreachesAtTheExactMinuteOnceAndAPersonsReplyMeetsItLate() async throws {
        // setup: complaints are answered within 2 minutes; warn 1 minute before
        let w = try await world()
        try await policy(w, """
            {"name":"投诉：首次回复 2 分钟","conditions":{"targetTypes":["ticket"],"ticketTypes":["complaint"]},
             "targets":[{"metric":"first_reply","priority":"urgent","minutes":2},{"metric":"resolution","priority":"urgent","minutes":1440}],
             "warning":{"minutesBefore":1}}
            """)
        let hook = try await w.app.send(.POST, "/api/v1/webhooks", as: w.f.admin, json: #"{"url":"https://shop.example/hooks","events":["sla.breached"]}"#)
        XCTAssertEqual(hook.status, .created, hook.body.string)
        let created = w.clock.now()
        let t = try await ticket(w)
        await w.app.drainEvents()
        // check: the clock runs from the ticket's creation
        var s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.policyName, "投诉：首次回复 2 分钟")
        let first = try XCTUnwrap(s.clocks.first { $0.metric == .firstReply })
        XCTAssertEqual(first.dueAt, created.addingTimeInterval(120))
        XCTAssertEqual(first.warnAt, created.addingTimeInterval(60))
        // act: a second before the warning, nothing; at the minute, the warning
        await pass(w, advance: 59)
        let warnedEarly = try await alerts(w.app, "sla.warned")
        XCTAssertEqual(warnedEarly, 0)
        await pass(w, advance: 1)
        let warned = try await alerts(w.app, "sla.warned")
        XCTAssertEqual(warned, 1)
        // the breach at the second minute, with its exact moment, once however often the timer runs
        await pass(w, advance: 61)
        await pass(w, advance: 30)
        let breached = try await alerts(w.app, "sla.breached")
        XCTAssertEqual(breached, 1)
        let deliveries = try await (w.app.db as! any SQLDatabase).raw("SELECT id FROM webhook_deliveries WHERE event = 'sla.breached'").all()
        XCTAssertEqual(deliveries.count, 1, "the platform hears of the breach once")
        s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first { $0.metric == .firstReply }?.breachedAt, created.addingTimeInterval(120))
        XCTAssertEqual(s.events.filter { $0.metric == .firstReply }.map(\.kind), [.activated, .warned, .breached])
        // an automatic path does not meet it: a reply by the platform's API token, a note
        let byToken = try await w.app.send(.POST, "/api/v1/tickets/\(t.id)/entries", as: w.f.platform, json: #"{"kind":"reply","text":"系统已收到"}"#)
        XCTAssertEqual(byToken.status, .created, byToken.body.string)
        _ = try await w.app.send(.POST, "/api/v1/tickets/\(t.id)/entries", as: w.f.agent, json: #"{"kind":"note","text":"查库存"}"#)
        await pass(w, advance: 10)
        s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first { $0.metric == .firstReply }?.state, .running)
        // a person's reply does, late
        _ = try await w.app.send(.POST, "/api/v1/tickets/\(t.id)/entries", as: w.f.agent, json: #"{"kind":"reply","text":"非常抱歉，马上为您换货"}"#)
        await pass(w, advance: 1)
        s = try await status(w, ticket: t.id)
        let met = try XCTUnwrap(s.clocks.first { $0.metric == .firstReply })
        XCTAssertEqual(met.state, .fulfilled)
        XCTAssertNotNil(met.breachedAt)
        XCTAssertEqual(s.clocks.first { $0.metric == .resolution }?.state, .running)
        // the list's due time and the breach list
        let due = try await w.app.send(.GET, "/api/v1/sla/due?type=ticket&ids=\(t.id)", as: w.f.agent).content.decode(ItemsDTO<SLADueDTO>.self)
        XCTAssertEqual(due.items.map(\.metric), [.resolution])
        let breaches = try await w.app.send(.GET, "/api/v1/sla/breaches?withinMinutes=1440", as: w.supervisor).content.decode(ItemsDTO<SLABreachDTO>.self)
        XCTAssertEqual(breaches.items.map(\.targetId), [t.id])
        // the report: first reply met late, resolution still open on time; agents may not read it
        let report = try await w.app.send(.GET, "/api/v1/sla/report?days=7&type=ticket", as: w.supervisor).content.decode(SLAReportDTO.self)
        XCTAssertEqual(report.byMetric.map(\.metric), [.firstReply, .resolution])
        XCTAssertEqual(report.byMetric.first?.counts.metLate, 1)
        XCTAssertEqual(report.total.achievement, 0)
        XCTAssertEqual(report.byDay.count, 7)
        let forbidden = try await w.app.send(.GET, "/api/v1/sla/report", as: w.f.agent)
        XCTAssertEqual(forbidden.status, .forbidden)
        let badZone = try await w.app.send(.GET, "/api/v1/sla/report?timeZone=Mars/Base", as: w.supervisor)
        XCTAssertEqual(badZone.errorField, "timeZone")
    }

    func testWaitingOnTheCustomerPausesRequesterWaitAndMovesItsDueTime() async throws {
        let w = try await world()
        try await policy(w, """
            {"name":"售后","targets":[{"metric":"requester_wait","priority":"normal","minutes":60},{"metric":"resolution","priority":"normal","minutes":60}]}
            """)
        let created = w.clock.now()
        let t = try await ticket(w, type: "question", priority: "normal")
        await pass(w, advance: 600)
        _ = try await w.app.send(.PATCH, "/api/v1/tickets/\(t.id)", as: w.f.agent, json: #"{"status":"pending"}"#)
        await pass(w, advance: 1800)
        var s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first { $0.metric == .requesterWait }?.state, .paused)
        XCTAssertEqual(s.clocks.first { $0.metric == .requesterWait }?.elapsedSeconds, 600)
        _ = try await w.app.send(.PATCH, "/api/v1/tickets/\(t.id)", as: w.f.agent, json: #"{"status":"open"}"#)
        await pass(w, advance: 1)
        s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first { $0.metric == .requesterWait }?.dueAt, created.addingTimeInterval(90 * 60))
        XCTAssertEqual(s.clocks.first { $0.metric == .resolution }?.dueAt, created.addingTimeInterval(60 * 60), "never paused")
        // solved: met
        _ = try await w.app.send(.PATCH, "/api/v1/tickets/\(t.id)", as: w.f.agent, json: #"{"status":"solved"}"#)
        await pass(w, advance: 1)
        s = try await status(w, ticket: t.id)
        XCTAssertEqual(Set(s.clocks.map(\.state)), [.fulfilled])
    }

    func testInAChatTheBotAndAutomaticRepliesDoNotMeetFirstReplyAPersonDoes() async throws {
        let w = try await world()
        try await policy(w, """
            {"name":"在线咨询","conditions":{"targetTypes":["conversation"]},"targets":[{"metric":"first_reply","priority":"normal","minutes":1},
             {"metric":"next_reply","priority":"normal","minutes":3}]}
            """)
        let buyer = try await TestVisitor.create(w.app, shop: w.f.shop, messages: ["衣服什么时候发货"])
        let id = buyer.conversation.id!
        await pass(w, advance: 5)
        // the bot answers: not a person
        let bot = KefuServer.Caller.bot(w.f.shop.account.id!, sender: SenderDTO(id: nil, name: "小助手", agentNumber: nil))
        _ = try await w.app.conversations.send(MessageDraft(text: "您好，一般48小时内发货", clientMessageID: UUID()), in: id, by: bot)
        await pass(w, advance: 5)
        var s = try await w.app.send(.GET, "/api/v1/conversations/\(id)/sla", as: w.f.agent).content.decode(SLAStatusDTO.self)
        XCTAssertEqual(s.clocks.map(\.metric), [.firstReply])
        XCTAssertEqual(s.clocks.first?.state, .running)
        // an agent answers: met; the shopper writes again: next reply starts
        let reply = try await w.app.send(.POST, "/api/v1/conversations/\(id)/messages", as: w.f.agent, json: #"{"text":"亲，今天下午发出"}"#)
        XCTAssertTrue([.ok, .created].contains(reply.status), reply.body.string)
        await pass(w, advance: 5)
        let shopper = KefuServer.Caller.visitor(accountID: w.f.shop.account.id!, contactID: buyer.contact.id!, inboxID: w.f.shop.inbox.id!, name: nil)
        _ = try await w.app.conversations.sendAsVisitor(MessageDraft(text: "好的，单号多少", clientMessageID: UUID()), requested: id, by: shopper)
        await pass(w, advance: 5)
        s = try await w.app.send(.GET, "/api/v1/conversations/\(id)/sla", as: w.f.agent).content.decode(SLAStatusDTO.self)
        XCTAssertEqual(s.clocks.first { $0.metric == .firstReply }?.state, .fulfilled)
        XCTAssertNil(s.clocks.first { $0.metric == .firstReply }?.breachedAt)
        XCTAssertEqual(s.clocks.first { $0.metric == .nextReply }?.state, .running)
        // another shop's agent does not see it
        let other = try await TestShop.create(w.app, name: "Other")
        let stranger = try await Credentials.session(for: other.admin, on: w.app.db)
        let hidden = try await w.app.send(.GET, "/api/v1/conversations/\(id)/sla", as: stranger)
        XCTAssertEqual(hidden.status, .notFound)
        let due = try await w.app.send(.GET, "/api/v1/sla/due?type=conversation&ids=\(id)", as: stranger).content.decode(ItemsDTO<SLADueDTO>.self)
        XCTAssertTrue(due.items.isEmpty)
    }

    func testRunningClocksKeepTheirPolicyVersionAndANewTicketGetsTheNewOne() async throws {
        let w = try await world()
        let p = try await policy(w, #"{"name":"投诉","targets":[{"metric":"first_reply","priority":"urgent","minutes":30}]}"#)
        let old = try await ticket(w)
        await pass(w, advance: 1)
        let edited = try await w.app.send(.PUT, "/api/v1/sla/policies/\(p.id)", as: w.supervisor,
                                          json: #"{"targets":[{"metric":"first_reply","priority":"urgent","minutes":10},{"metric":"first_reply","priority":"high","minutes":20}]}"#)
        XCTAssertEqual(try edited.content.decode(SLAPolicyDTO.self).version, 2)
        let new = try await ticket(w)
        await pass(w, advance: 1)
        let oldStatus = try await status(w, ticket: old.id)
        let newStatus = try await status(w, ticket: new.id)
        XCTAssertEqual(oldStatus.clocks.first?.targetSeconds, 1800)
        XCTAssertEqual(oldStatus.policyVersion, 1)
        XCTAssertEqual(newStatus.clocks.first?.targetSeconds, 600)
        XCTAssertEqual(newStatus.policyVersion, 2)
        // The old ticket's priority changes: still version 1, which has no target for high: cancelled.
        _ = try await w.app.send(.PATCH, "/api/v1/tickets/\(old.id)", as: w.f.agent, json: #"{"priority":"high"}"#)
        await pass(w, advance: 1)
        let moved = try await status(w, ticket: old.id)
        XCTAssertEqual(moved.policyVersion, 1)
        XCTAssertEqual(moved.clocks.first?.state, .cancelled)
    }

    func testTheInboxsAgentsHearOfABreachAndTheOtherShopDoesNot() async throws {
        let w = try await world()
        let port = try await TestApp.listen(w.app, for: self)
        let agent = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: w.f.agent, on: w.app)
        let other = try await TestShop.create(w.app, name: "Other")
        let stranger = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws",
                                                        credentials: try await Credentials.session(for: other.admin, on: w.app.db), on: w.app)
        _ = try await agent.next("hello")
        _ = try await stranger.next("hello")
        try await policy(w, #"{"name":"快","targets":[{"metric":"first_reply","priority":"urgent","minutes":1}]}"#)
        let t = try await ticket(w)
        await pass(w, advance: 61)
        let alert = try await agent.next("sla.alert")
        XCTAssertEqual(alert["kind"]?.string, "breached")
        XCTAssertEqual(alert["targetId"]?.string?.lowercased(), t.id.uuidString.lowercased())
        XCTAssertEqual(alert["metric"]?.string, "first_reply")
        let heard = try await stranger.collect("sla.alert", for: 0.5)
        XCTAssertEqual(heard.count, 0)
    }

    func testBusinessHoursCountAndACalendarEditMovesRunningClocks() async throws {
        // 2026-12-01 08:00 in Shanghai (a Tuesday): the 售后 calendar opens at 09:00, lunch 12–13.
        let w = try await world()
        let created = try await w.app.send(.POST, "/api/v1/sla/calendars", as: w.supervisor, json: """
            {"name":"售后","hours":{"timeZone":"Asia/Shanghai","weekly":{"tue":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}]}}}
            """)
        let calendar = try created.content.decode(SLACalendarDTO.self)
        try await policy(w, #"{"name":"售后","calendarId":"\#(calendar.id)","targets":[{"metric":"first_reply","priority":"urgent","minutes":240}]}"#)
        let start = w.clock.now()
        let t = try await ticket(w)
        await pass(w, advance: 1)
        // four business hours: 09–12 and 13–14
        var s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first?.dueAt, start.addingTimeInterval(6 * 3600))
        // at 10:00 the lunch break becomes 12–14: the hour counted stays, the rest is 10–12 and 14–15
        w.clock.advance(by: 2 * 3600 - 1)
        let edited = try await w.app.send(.PUT, "/api/v1/sla/calendars/\(calendar.id)", as: w.supervisor, json: """
            {"hours":{"timeZone":"Asia/Shanghai","weekly":{"tue":[{"start":"09:00","end":"12:00"},{"start":"14:00","end":"18:00"}]}}}
            """)
        XCTAssertEqual(edited.status, .ok, edited.body.string)
        s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first?.dueAt, start.addingTimeInterval(7 * 3600))
        XCTAssertEqual(s.clocks.first?.elapsedSeconds, 3600)
    }

    func testTheFirstMatchingPolicyAppliesAVipCustomerGetsTheirOwn() async throws {
        let w = try await world()
        try await policy(w, #"{"name":"VIP","conditions":{"customerTiers":["vip"]},"targets":[{"metric":"first_reply","priority":"urgent","minutes":5}]}"#)
        try await policy(w, #"{"name":"一般","targets":[{"metric":"first_reply","priority":"urgent","minutes":30}]}"#)
        let regular = try await ticket(w)
        await pass(w, advance: 1)
        w.f.buyer.contact.tier = "vip"
        try await w.f.buyer.contact.save(on: w.app.db)
        let vip = try await ticket(w)
        await pass(w, advance: 1)
        let regularStatus = try await status(w, ticket: regular.id)
        let vipStatus = try await status(w, ticket: vip.id)
        XCTAssertEqual(regularStatus.policyName, "一般")
        XCTAssertEqual(vipStatus.policyName, "VIP")
        XCTAssertEqual(vipStatus.clocks.first?.targetSeconds, 300)
    }

    func testAPolicyTurnedOffStillFinishesTheClocksItStarted() async throws {
        let w = try await world()
        let p = try await policy(w, #"{"name":"投诉","targets":[{"metric":"first_reply","priority":"urgent","minutes":30}]}"#)
        let t = try await ticket(w)
        await pass(w, advance: 1)
        _ = try await w.app.send(.PUT, "/api/v1/sla/policies/\(p.id)", as: w.supervisor, json: #"{"enabled":false}"#)
        _ = try await w.app.send(.POST, "/api/v1/tickets/\(t.id)/entries", as: w.f.agent, json: #"{"kind":"reply","text":"马上处理"}"#)
        await pass(w, advance: 3600)
        let s = try await status(w, ticket: t.id)
        XCTAssertEqual(s.clocks.first?.state, .fulfilled)
        XCTAssertNil(s.clocks.first?.breachedAt, "met in time: no false breach after the policy was turned off")
        // a new ticket gets no clocks
        let later = try await ticket(w)
        await pass(w, advance: 1)
        let none = try await status(w, ticket: later.id)
        XCTAssertTrue(none.clocks.isEmpty)
    }

    func testTwoInstancesFireEachBreachExactlyOnce() async throws {
        let clock = ManualClock()
        let settings = try TestApp.settings()
        let first = try await TestApp.make(for: self, clock: clock) { $0 = settings }
        let second = try await TestApp.secondInstance(settings, for: self, clock: clock)
        let w = try await world(app: first, clock: clock)
        try await policy(w, #"{"name":"快","targets":[{"metric":"first_reply","priority":"urgent","minutes":1}],"warning":{"percent":50}}"#)
        for _ in 0..<12 { _ = try await ticket(w) }
        await first.drainEvents()
        clock.advance(by: 120)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in [first, second, first, second] {
                group.addTask { for _ in 0..<3 { _ = try await app.slaClocks.fireDue(now: clock.now()) } }
            }
            try await group.waitForAll()
        }
        let breached = try await alerts(first, "sla.breached")
        let warned = try await alerts(first, "sla.warned")
        XCTAssertEqual(breached, 12)
        XCTAssertEqual(warned, 12)
    }

    func testBadCalendarsAndPoliciesAreRefusedNamingTheFieldAndAgentsCannotChangeThem() async throws {
        let w = try await world()
        func post(_ path: String, _ json: String, as who: Credentials? = nil) async throws -> XCTHTTPResponse {
            try await w.app.send(.POST, "/api/v1/sla/" + path, as: who ?? w.supervisor, json: json)
        }
        var r = try await post("calendars", #"{"name":"售后","hours":{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"25:00"}]}}}"#)
        XCTAssertEqual(r.status, .badRequest)
        XCTAssertEqual(r.errorField, "hours")
        r = try await post("calendars", #"{"name":"售后","hours":{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}]}}}"#)
        XCTAssertEqual(r.status, .created, r.body.string)
        let calendar = try r.content.decode(SLACalendarDTO.self)
        r = try await post("calendars", #"{"name":"售后","hours":{"timeZone":"UTC"}}"#)
        XCTAssertEqual(r.status, .conflict)
        XCTAssertEqual(r.errorField, "name")
        r = try await post("policies", #"{"name":"x","targets":[{"metric":"first_reply","priority":"urgent","minutes":0}]}"#)
        XCTAssertEqual(r.status, .badRequest)
        XCTAssertEqual(r.errorField, "targets[0].minutes")
        r = try await post("policies", #"{"name":"x","targets":[{"metric":"first_answer","priority":"urgent","minutes":3}]}"#)
        XCTAssertEqual(r.status, .badRequest)
        XCTAssertEqual(r.errorField?.hasPrefix("targets[0]"), true, r.body.string)
        r = try await post("policies", #"{"name":"x","calendarId":"\#(UUID())","conditions":{"ticketTypes":["nope"]},"targets":[{"metric":"first_reply","priority":"urgent","minutes":3}]}"#)
        XCTAssertEqual(r.status, .badRequest)
        XCTAssertEqual(r.errorField, "calendarId")
        r = try await post("policies", #"{"name":"x","extra":1,"targets":[]}"#)
        XCTAssertEqual(r.status, .badRequest)
        r = try await post("policies", #"{"name":"x","targets":[{"metric":"first_reply","priority":"urgent","minutes":3}]}"#, as: w.f.agent)
        XCTAssertEqual(r.status, .forbidden)
        // a calendar in use is not deleted; nothing was stored by the refused requests
        _ = try await policy(w, #"{"name":"售后","calendarId":"\#(calendar.id)","targets":[{"metric":"resolution","priority":"normal","minutes":600}]}"#)
        let delete = try await w.app.send(.DELETE, "/api/v1/sla/calendars/\(calendar.id)", as: w.supervisor)
        XCTAssertEqual(delete.status, .conflict)
        let policies = try await w.app.send(.GET, "/api/v1/sla/policies", as: w.f.agent).content.decode(ItemsDTO<SLAPolicyDTO>.self)
        XCTAssertEqual(policies.items.map(\.name), ["售后"])
        let order = try await w.app.send(.PUT, "/api/v1/sla/policies/order", as: w.supervisor, json: #"{"ids":[]}"#)
        XCTAssertEqual(order.errorField, "ids")
    }
}
