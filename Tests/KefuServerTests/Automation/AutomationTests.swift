import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// Automation over the API on a fake clock: an event rule acts on a shopper's complaint through
/// the conversation's own rules (its changes name the rule); a time rule fires once when a
/// customer has waited its minutes; an SLA breach escalates a ticket; a rule's reply does not
/// meet first reply; the loop guard stops rules that feed each other and a rule never reacts to
/// itself; messages to one customer are rate-limited; bad rules are refused naming the field.
final class AutomationTests: XCTestCase {
    struct World {
        var f: OrdersFixture
        var clock: ManualClock
        var supervisor: Credentials
        var supervisorID: UUID
        var app: Application { f.app }
        var accountID: UUID { f.shop.account.id! }
    }

    private func world(app existing: Application? = nil, clock: ManualClock = ManualClock()) async throws -> World {
        let app: Application
        if let existing { app = existing } else { app = try await TestApp.make(for: self, clock: clock) }
        let f = try await OrdersFixture.make(for: self, app: app)
        let supervisor = try await Team.createMember(
            .init(email: "lead@shop.test", password: TestShop.password, displayName: "组长", agentNumber: 30, role: .supervisor,
                  inboxIDs: [f.shop.inbox.id!]), accountID: f.shop.account.id!, app: app, on: app.db) { _, _ in }
        await app.drainEvents()
        return World(f: f, clock: clock, supervisor: try await Credentials.session(for: supervisor, on: app.db), supervisorID: supervisor.id!)
    }

    @discardableResult
    private func rule(_ w: World, _ json: String, file: StaticString = #filePath, line: UInt = #line) async throws -> AutomationRuleDTO {
        let response = try await w.app.send(.POST, "/api/v1/automation/rules", as: w.supervisor, json: json)
        XCTAssertEqual(response.status, .created, response.body.string, file: file, line: line)
        return try response.content.decode(AutomationRuleDTO.self)
    }

    /// Events to their listeners, planned firings done, until nothing is left (rules' changes cause events).
    private func settle(_ w: World) async {
        for _ in 0..<8 {
            await w.app.drainEvents()
            await w.app.jobs.runUntilIdle(AutomationRuns.actionsJob, app: w.app)
        }
    }

    private func runs(_ w: World, conversation id: UUID) async throws -> [AutomationRunDTO] {
        let response = try await w.app.send(.GET, "/api/v1/automation/runs?targetType=conversation&targetId=\(id)", as: w.f.agent)
        XCTAssertEqual(response.status, .ok, response.body.string)
        return try response.content.decode(ItemsDTO<AutomationRunDTO>.self).items
    }

    private func shopperSays(_ w: World, _ text: String) async throws {
        let shopper = KefuServer.Caller.visitor(accountID: w.accountID, contactID: w.f.buyer.contact.id!, inboxID: w.f.shop.inbox.id!, name: nil)
        _ = try await w.app.conversations.sendAsVisitor(MessageDraft(text: text, clientMessageID: UUID()), requested: w.f.buyer.conversation.id!, by: shopper)
    }

    private func conversation(_ w: World) async throws -> ConversationDTO {
        try await w.app.send(.GET, "/api/v1/conversations/\(w.f.buyer.conversation.id!)", as: w.f.agent).content.decode(ConversationDTO.self)
    }

    private func messages(_ w: World) async throws -> [Message] {
        try await Message.query(on: w.app.db).filter(\.$conversationID == w.f.buyer.conversation.id!).sort(\.$seq).all()
    }

    func testAComplaintIsTaggedPrioritisedNotedAndAnsweredByTheRuleThroughTheConversationsRules() async throws {
        // setup
        let w = try await world()
        let r = try await rule(w, """
            {"name":"投诉自动升级","trigger":{"kind":"event","event":"message.created"},
             "conditions":{"all":[{"field":"target","op":"is","value":"conversation"},{"field":"text","op":"contains_any","value":["投诉","质量太差"]}]},
             "actions":[{"type":"set_priority","value":"urgent"},{"type":"add_tags","tags":["投诉"]},{"type":"note","text":"顾客在投诉，请优先处理"},
                        {"type":"reply","text":"{customer_name}您好，已为您转接售后专员优先处理。"}]}
            """)
        // act: a message that does not match, then one that does
        try await shopperSays(w, "在吗")
        await settle(w)
        let quiet = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(quiet.count, 0)
        try await shopperSays(w, "衣服质量太差，我要投訴！")
        await settle(w)
        // check: done through the conversation's rules, once
        let c = try await conversation(w)
        XCTAssertEqual(c.priority, .urgent)
        XCTAssertEqual(c.tags, ["投诉"])
        let all = try await messages(w)
        let reply = try XCTUnwrap(all.first { $0.text == "顾客您好，已为您转接售后专员优先处理。" }, "the reply with the customer's name")
        XCTAssertFalse(reply.isPrivate)
        XCTAssertEqual(reply.senderType, .bot)
        XCTAssertEqual(reply.senderID, r.id, "signed by the rule")
        XCTAssertTrue(all.contains { $0.text == "顾客在投诉，请优先处理" && $0.isPrivate })
        XCTAssertTrue(all.contains { $0.event == "automation.fired" && $0.text == "投诉自动升级" }, "the timeline names the rule")
        let log = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(log.map(\.status), ["done"])
        XCTAssertEqual(log.first?.ruleId, r.id)
        XCTAssertEqual(log.first?.trigger, "message.created")
        XCTAssertEqual(log.first?.actions.map(\.result), ["ok", "ok", "ok", "ok"])
        // the changes name the rule as their actor
        let actors = try await (w.app.db as! any SQLDatabase).raw("""
            SELECT payload FROM event_outbox WHERE kind = 'conversation.attributes_changed'
            """).all().map { try $0.decode(column: "payload", as: String.self) }
        XCTAssertTrue(actors.contains { $0.contains(#""automation""#) && $0.contains(r.id.uuidString) }, "\(actors)")
        // the rule's own reply does not start it again; the rule's list counts the firing
        let listed = try await w.app.send(.GET, "/api/v1/automation/rules", as: w.supervisor).content.decode(ItemsDTO<AutomationRuleDTO>.self)
        XCTAssertEqual(listed.items.first?.firings7d, 1)
        XCTAssertNotNil(listed.items.first?.lastFiredAt)
    }

    func testMessagesFromRulesToOneCustomerAreRateLimited() async throws {
        let w = try await world()
        try await rule(w, """
            {"name":"自动回复","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"reply","text":"收到"}]}
            """)
        for i in 0..<5 {
            try await shopperSays(w, "第\(i)条")
            await settle(w)
        }
        let log = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(log.count, 5)
        XCTAssertEqual(log.flatMap(\.actions).map(\.result).sorted(), ["ok", "ok", "ok", "rate_limited", "rate_limited"])
        let sent = try await messages(w).filter { $0.text == "收到" }
        XCTAssertEqual(sent.count, AutomationGuard.repliesPerCustomer)
        // after the window, rules may write again
        w.clock.advance(by: AutomationGuard.replyWindow + 1)
        try await shopperSays(w, "还在吗")
        await settle(w)
        let later = try await messages(w).filter { $0.text == "收到" }
        XCTAssertEqual(later.count, AutomationGuard.repliesPerCustomer + 1)
    }

    func testRulesFeedingEachOtherStopAtTheLoopGuardAndARuleNeverReactsToItself() async throws {
        // setup: A turns tag x into y, B turns y back into x; S tags whatever changed, and would see its own change
        let w = try await world()
        try await rule(w, """
            {"name":"A","trigger":{"kind":"event","event":"conversation.attributes_changed"},
             "conditions":{"all":[{"field":"tags","op":"contains_any","value":["x"]}]},
             "actions":[{"type":"remove_tags","tags":["x"]},{"type":"add_tags","tags":["y"]}]}
            """)
        try await rule(w, """
            {"name":"B","trigger":{"kind":"event","event":"conversation.attributes_changed"},
             "conditions":{"all":[{"field":"tags","op":"contains_any","value":["y"]}]},
             "actions":[{"type":"remove_tags","tags":["y"]},{"type":"add_tags","tags":["x"]}]}
            """)
        // act: an agent tags the conversation x
        let tagged = try await w.app.send(.PATCH, "/api/v1/conversations/\(w.f.buyer.conversation.id!)", as: w.f.agent, json: #"{"tags":["x"]}"#)
        XCTAssertEqual(tagged.status, .ok, tagged.body.string)
        await settle(w)
        // check: A, B, A fired (depths 0, 1, 2); the fourth in the chain was stopped, logged
        let log = try await runs(w, conversation: w.f.buyer.conversation.id!).sorted { $0.depth < $1.depth }
        XCTAssertEqual(log.map(\.ruleName), ["A", "B", "A", "B"])
        XCTAssertEqual(log.map(\.depth), [0, 1, 2, 3])
        XCTAssertEqual(log.map(\.status), ["done", "done", "done", "stopped"])
        XCTAssertEqual(log.last?.reason, "loop_guard")
        let tags = try await conversation(w).tags
        XCTAssertEqual(tags, ["y"])
    }

    func testARuleDoesNotStartOnItsOwnChange() async throws {
        let w = try await world()
        try await rule(w, """
            {"name":"S","trigger":{"kind":"event","event":"conversation.attributes_changed"},"actions":[{"type":"add_tags","tags":["seen"]}]}
            """)
        let changed = try await w.app.send(.PATCH, "/api/v1/conversations/\(w.f.buyer.conversation.id!)", as: w.f.agent, json: #"{"priority":"high"}"#)
        XCTAssertEqual(changed.status, .ok, changed.body.string)
        await settle(w)
        let log = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(log.map(\.status), ["done"], "once: its own tag change does not start it again")
        let tags = try await conversation(w).tags
        XCTAssertEqual(tags, ["seen"])
    }

    func testATimeRuleFiresOnceWhenTheCustomerHasWaitedItsMinutesAndAgainForTheNextWait() async throws {
        // setup: the rule exists before the customer writes
        let w = try await world()
        try await rule(w, """
            {"name":"等待 10 分钟","trigger":{"kind":"time","timer":"conversation.unanswered","minutes":10},
             "actions":[{"type":"set_priority","value":"high"},{"type":"note","text":"顾客已等待 10 分钟"}]}
            """)
        w.clock.advance(by: 1)
        try await shopperSays(w, "有人吗")
        await settle(w)
        let awaited = try await Conversation.find(w.f.buyer.conversation.id!, on: w.app.db)
        let since = try XCTUnwrap(awaited?.awaitingSince)
        // act + check: not a second early
        w.clock.set(since.addingTimeInterval(599))
        await w.app.jobs.runUntilIdle(AutomationRuns.timerJob, app: w.app)
        await settle(w)
        var log = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(log.count, 0)
        w.clock.set(since.addingTimeInterval(600))
        await w.app.jobs.runUntilIdle(AutomationRuns.timerJob, app: w.app)
        await settle(w)
        log = try await runs(w, conversation: w.f.buyer.conversation.id!)
        XCTAssertEqual(log.map(\.trigger), ["timer:conversation.unanswered"])
        XCTAssertEqual(log.map(\.status), ["done"])
        let priority = try await conversation(w).priority
        XCTAssertEqual(priority, .high)
        // however often the timer runs, once
        w.clock.advance(by: 300)
        await w.app.jobs.runUntilIdle(AutomationRuns.timerJob, app: w.app)
        await settle(w)
        let firings = try await runs(w, conversation: w.f.buyer.conversation.id!).count
        XCTAssertEqual(firings, 1)
        // an agent answers, the customer writes again: a new wait, fired again 10 minutes later
        _ = try await w.app.send(.POST, "/api/v1/conversations/\(w.f.buyer.conversation.id!)/messages", as: w.f.agent, json: #"{"text":"在的"}"#)
        try await shopperSays(w, "那什么时候发货")
        await settle(w)
        w.clock.advance(by: 601)
        await w.app.jobs.runUntilIdle(AutomationRuns.timerJob, app: w.app)
        await settle(w)
        let again = try await runs(w, conversation: w.f.buyer.conversation.id!).count
        XCTAssertEqual(again, 2)
    }

    func testAnSLABreachEscalatesTheTicketAndARulesReplyDoesNotMeetFirstReply() async throws {
        // setup: complaints are answered within 2 minutes; a rule acknowledges new tickets, another escalates breaches
        let w = try await world()
        let policy = try await w.app.send(.POST, "/api/v1/sla/policies", as: w.supervisor, json: """
            {"name":"投诉 2 分钟","conditions":{"targetTypes":["ticket"],"ticketTypes":["complaint"]},
             "targets":[{"metric":"first_reply","priority":"normal","minutes":2}]}
            """)
        XCTAssertEqual(policy.status, .created, policy.body.string)
        try await rule(w, """
            {"name":"受理回执","trigger":{"kind":"event","event":"ticket.created"},"actions":[{"type":"reply","text":"您的投诉 {ticket_number} 已受理"}]}
            """)
        try await rule(w, """
            {"name":"超时升级","trigger":{"kind":"event","event":"sla.breached"},
             "conditions":{"all":[{"field":"target","op":"is","value":"ticket"},{"field":"sla_metric","op":"in","value":["first_reply"]}]},
             "actions":[{"type":"escalate"}]}
            """)
        let created = try await w.app.send(.POST, "/api/v1/tickets", as: w.f.agent, json: """
            {"subject":"大衣破损","type":"complaint","priority":"normal","contactId":"\(w.f.buyer.contact.id!)","conversationId":"\(w.f.buyer.conversation.id!)","inboxId":"\(w.f.shop.inbox.id!)"}
            """)
        XCTAssertEqual(created.status, .created, created.body.string)
        let ticket = try created.content.decode(TicketDTO.self)
        await settle(w)
        // check: the acknowledgement went out, and first reply still runs
        let acknowledged = try await messages(w).contains { $0.text == "您的投诉 \(ticket.number) 已受理" && !$0.isPrivate }
        XCTAssertTrue(acknowledged)
        var sla = try await w.app.send(.GET, "/api/v1/tickets/\(ticket.id)/sla", as: w.f.agent).content.decode(SLAStatusDTO.self)
        XCTAssertEqual(sla.clocks.first { $0.metric == .firstReply }?.state, .running, "a rule's reply is not a person's")
        // act: the breach
        w.clock.advance(by: 121)
        await w.app.jobs.runUntilIdle(SLAClocks.timerJob, app: w.app)
        await settle(w)
        // check: priority up, the supervisor has it, a note says which rule
        let after = try await w.app.send(.GET, "/api/v1/tickets/\(ticket.id)", as: w.supervisor).content.decode(TicketDTO.self)
        XCTAssertEqual(after.priority, .high)
        XCTAssertEqual(after.assignee?.id, w.supervisorID)
        let entries = try await TicketEntry.query(on: w.app.db).filter(\.$ticketID == ticket.id).sort(\.$seq).all()
        XCTAssertTrue(entries.contains { $0.kind == .note && $0.text.contains("超时升级") && $0.authorType == "automation" })
        let log = try await w.app.send(.GET, "/api/v1/automation/runs?targetType=ticket&targetId=\(ticket.id)", as: w.supervisor)
            .content.decode(ItemsDTO<AutomationRunDTO>.self).items
        XCTAssertEqual(Set(log.map(\.ruleName)), ["受理回执", "超时升级"])
        XCTAssertTrue(log.allSatisfy { $0.status == "done" }, "\(log)")
        sla = try await w.app.send(.GET, "/api/v1/tickets/\(ticket.id)/sla", as: w.f.agent).content.decode(SLAStatusDTO.self)
        XCTAssertNotNil(sla.clocks.first { $0.metric == .firstReply }?.breachedAt)
    }

    func testBadRulesAreRefusedNamingTheFieldAndNothingIsStored() async throws {
        let w = try await world()
        let other = try await TestShop.create(w.app, name: "Other")
        let cases: [(String, String)] = [
            (#"{"name":"x","trigger":{"kind":"time","timer":"conversation.unanswered","minutes":0},"actions":[{"type":"close"}]}"#, "trigger.minutes"),
            (#"{"name":"x","trigger":{"kind":"event","event":"message.created"},"conditions":{"all":[{"field":"tags","op":"in","value":["a"]}]},"actions":[{"type":"close"}]}"#,
             "conditions.all[0].op"),
            (#"{"name":"x","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"assign_agent","agentId":"\#(other.agent.id!)"}]}"#,
             "actions[0].agentId"),
            (#"{"name":"x","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"reply","text":""}]}"#, "actions[0].text"),
            (#"{"name":"x","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"close"}],"colour":"red"}"#, "colour"),
        ]
        for (json, field) in cases {
            let response = try await w.app.send(.POST, "/api/v1/automation/rules", as: w.supervisor, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
            XCTAssertTrue(response.body.string.contains(field), "\(field): \(response.body.string)")
        }
        let stored = try await AutomationRuleRow.query(on: w.app.db).count()
        XCTAssertEqual(stored, 0)
        // agents may not write rules
        let byAgent = try await w.app.send(.POST, "/api/v1/automation/rules", as: w.f.agent,
                                           json: #"{"name":"x","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"close"}]}"#)
        XCTAssertEqual(byAgent.status, .forbidden)
    }

    func testTryingARuleOnAPastConversationExplainsEachConditionAndChangesNothing() async throws {
        let w = try await world()
        try await shopperSays(w, "我要投诉，发错货了")
        await settle(w)
        let body = """
            {"rule":{"name":"试","trigger":{"kind":"event","event":"message.created"},
              "conditions":{"all":[{"field":"text","op":"contains_any","value":["投诉"]},{"field":"priority","op":"in","value":["urgent"]}]},
              "actions":[{"type":"reply","text":"{customer_name}您好"}]},
             "targetType":"conversation","targetId":"\(w.f.buyer.conversation.id!)"}
            """
        let response = try await w.app.send(.POST, "/api/v1/automation/rules/test", as: w.supervisor, json: body)
        XCTAssertEqual(response.status, .ok, response.body.string)
        let result = try response.content.decode(AutomationTestDTO.self)
        XCTAssertFalse(result.matched)
        XCTAssertEqual(result.conditions.map(\.passed), [true, false])
        XCTAssertEqual(result.conditions[1].actual, ["none"])
        XCTAssertEqual(result.actions.map(\.detail), ["顾客您好"])
        let firings = try await runs(w, conversation: w.f.buyer.conversation.id!).count
        XCTAssertEqual(firings, 0)
        let priority = try await conversation(w).priority
        XCTAssertEqual(priority, ConversationPriority.none)
    }

    func testTwoInstancesFireEachTimeRuleOnceAndDoItsActionsOnce() async throws {
        // setup: twelve customers waiting, a one-minute rule, two instances on one database
        let clock = ManualClock()
        let settings = try TestApp.settings()
        let first = try await TestApp.make(for: self, clock: clock) { $0 = settings }
        let second = try await TestApp.secondInstance(settings, for: self, clock: clock)
        let w = try await world(app: first, clock: clock)
        try await rule(w, """
            {"name":"等 1 分钟","trigger":{"kind":"time","timer":"conversation.unanswered","minutes":1},"actions":[{"type":"note","text":"已等待 1 分钟"}]}
            """)
        clock.advance(by: 1)
        var ids: [UUID] = []
        for _ in 0..<12 { ids.append(try await TestVisitor.create(first, shop: w.f.shop, messages: ["在吗"]).conversation.id!) }
        await first.drainEvents()
        clock.advance(by: 61)
        // act: both instances look at the timers and do the actions at once, several times
        try await withThrowingTaskGroup(of: Void.self) { group in
            for app in [first, second, first, second] {
                group.addTask {
                    for _ in 0..<3 {
                        _ = try await app.automationRuns.timers(now: clock.now())
                        _ = try await app.automationRuns.runDue(now: clock.now())
                    }
                }
            }
            try await group.waitForAll()
        }
        // check: one firing and one note per waiting conversation
        let runs = try await AutomationRunRow.query(on: first.db).filter(\.$targetID ~~ ids).all()
        XCTAssertEqual(runs.count, 12)
        XCTAssertTrue(runs.allSatisfy { $0.status == "done" }, "\(runs.map(\.status))")
        let notes = try await Message.query(on: first.db).filter(\.$conversationID ~~ ids).filter(\.$text == "已等待 1 分钟").count()
        XCTAssertEqual(notes, 12)
    }

    func testRulesMatchingOneEventRunInTheShopsOrder() async throws {
        // setup: three rules on the same message, each leaving a note with its name
        let w = try await world()
        for name in ["第一", "第二", "第三"] {
            try await rule(w, """
                {"name":"\(name)","trigger":{"kind":"event","event":"message.created"},"actions":[{"type":"note","text":"\(name)"}]}
                """)
        }
        // act
        try await shopperSays(w, "在吗")
        await settle(w)
        // check: the notes in the thread in the rules' order
        let notes = try await messages(w).filter { $0.isPrivate && ["第一", "第二", "第三"].contains($0.text) && $0.event == nil }.map(\.text)
        XCTAssertEqual(notes, ["第一", "第二", "第三"])
    }
}
