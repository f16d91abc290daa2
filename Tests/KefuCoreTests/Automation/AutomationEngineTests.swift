import Foundation
import KefuCore
import XCTest

/// Rules as written (every problem named by its field), ALL/ANY, each operator, words folded
/// like search folds them, the escalation ladder and timers.
final class AutomationEngineTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func parse(_ body: AutomationRuleBody) -> Result<AutomationRule, DomainError> { body.parse(id: UUID(), createdAt: now) }

    private func rule(_ all: [AutomationRuleBody.Condition] = [], any: [AutomationRuleBody.Condition] = [],
                      event: String = "message.created") throws -> AutomationRule {
        try parse(AutomationRuleBody(name: "r", trigger: .init(kind: "event", event: event), conditions: .init(all: all, any: any),
                                     actions: [.init(type: "add_tags", tags: ["x"])])).get()
    }

    private func subject(text: String = "", tags: Set<String> = [], priority: String = "none", status: String = "open",
                         changedTo: [String: String] = [:], inside: Bool? = nil) -> AutomationSubject {
        AutomationSubject(target: .conversation, id: UUID(), inboxID: UUID(), channel: "web", status: status, priority: priority, tags: tags,
                          assigneeID: nil, customerLevel: "vip", text: text, insideBusinessHours: inside, changedTo: changedTo)
    }

    func testEveryProblemOfABadRuleNamesItsField() {
        // setup: one rule with a problem in each part
        let body = AutomationRuleBody(
            name: " ", trigger: .init(kind: "time", timer: "conversation.unanswered", minutes: 0),
            conditions: .init(all: [.init(field: "colour", op: "is", value: .one("red")),
                                    .init(field: "tags", op: "is", value: .one("x")),
                                    .init(field: "priority", op: "in", value: .list(["sky-high"]))],
                              any: [.init(field: "inbox", op: "in", value: .list(["not-an-id"])), .init(field: "assignee", op: "is_set", value: .one("x"))]),
            actions: [.init(type: "reply", text: "  "), .init(type: "assign_agent"), .init(type: "fly"), .init(type: "set_status", value: "deleted"),
                      .init(type: "notify", text: "hi", recipients: "everyone")])
        // act
        guard case .failure(let error) = parse(body) else { return XCTFail("a bad rule parsed") }
        // check
        XCTAssertEqual(Set(error.problems.map(\.field)), [
            "name", "trigger.minutes", "conditions.all[0].field", "conditions.all[1].op", "conditions.all[2].value", "conditions.any[0].value",
            "conditions.any[1].value", "actions[0].text", "actions[1].agentId", "actions[2].type", "actions[3].value", "actions[4].recipients"])
        XCTAssertTrue(error.message.contains("name"), error.message)
    }

    func testARuleNeedsAnActionAndATriggerItCanStartOn() {
        let noAction = AutomationRuleBody(name: "r", trigger: .init(kind: "event", event: "message.created"), actions: [])
        guard case .failure(let e1) = parse(noAction) else { return XCTFail() }
        XCTAssertEqual(e1.problems.map(\.field), ["actions"])
        let badEvent = AutomationRuleBody(name: "r", trigger: .init(kind: "event", event: "order.updated"), actions: [.init(type: "close")])
        guard case .failure(let e2) = parse(badEvent) else { return XCTFail() }
        XCTAssertEqual(e2.problems.map(\.field), ["trigger.event"])
        // A status a ticket rule cannot set: the trigger decides which statuses are valid.
        let ticketRule = AutomationRuleBody(name: "r", trigger: .init(kind: "event", event: "ticket.created"),
                                            actions: [.init(type: "set_status", value: "resolved")])
        guard case .failure(let e3) = parse(ticketRule) else { return XCTFail() }
        XCTAssertEqual(e3.problems.map(\.field), ["actions[0].value"])
    }

    func testABodyRoundTripsThroughTheTypedRule() throws {
        let body = AutomationRuleBody(
            name: "投诉升级", trigger: .init(kind: "time", timer: "ticket.pending", minutes: 1440),
            conditions: .init(all: [.init(field: "ticket_type", op: "in", value: .list(["complaint"]))],
                              any: [.init(field: "assignee", op: "is_empty")]),
            actions: [.init(type: "escalate"), .init(type: "notify", text: "请跟进 {ticket_number}", recipients: "supervisors"),
                      .init(type: "add_tags", tags: ["升级", "升级"])])
        let rule = try parse(body).get()
        XCTAssertEqual(rule.trigger, .time(.ticketPending, minutes: 1440))
        XCTAssertEqual(rule.actions, [.escalate, .notify(.supervisors, "请跟进 {ticket_number}"), .addTags(["升级"])])
        XCTAssertEqual(try rule.body.parse(id: rule.id, createdAt: now).get(), rule)
    }

    func testAllMustHoldAndOneOfAnyWhenThereAreAny() throws {
        let r = try rule([.init(field: "text", op: "contains_any", value: .list(["投诉", "质量差"]))],
                         any: [.init(field: "customer_level", op: "in", value: .list(["vip"])), .init(field: "tags", op: "contains_any", value: .list(["老客"]))])
        XCTAssertTrue(AutomationEngine.evaluate(r, subject(text: "我要投诉")).matched)
        XCTAssertFalse(AutomationEngine.evaluate(r, subject(text: "在吗")).matched)
        var s = subject(text: "我要投诉")
        s.customerLevel = "regular"
        XCTAssertFalse(AutomationEngine.evaluate(r, s).matched, "neither of the ANY conditions holds")
        s.tags = ["老客"]
        let (matched, results) = AutomationEngine.evaluate(r, s)
        XCTAssertTrue(matched)
        XCTAssertEqual(results.map(\.passed), [true, false, true])
        XCTAssertEqual(results[1].actual, ["regular"])
    }

    func testWordsAreFoldedLikeSearchFoldsThem() throws {
        let r = try rule([.init(field: "text", op: "contains_any", value: .list(["投诉", "refund"]))])
        XCTAssertTrue(AutomationEngine.evaluate(r, subject(text: "我要投訴你們")).matched, "traditional form")
        XCTAssertTrue(AutomationEngine.evaluate(r, subject(text: "ＲＥＦＵＮＤ please")).matched, "full width, upper case")
        let none = try rule([.init(field: "text", op: "contains_none", value: .list(["谢谢"]))])
        XCTAssertFalse(AutomationEngine.evaluate(none, subject(text: "好的謝謝")).matched)
    }

    func testEachOperator() throws {
        func holds(_ c: AutomationRuleBody.Condition, _ s: AutomationSubject) throws -> Bool {
            AutomationEngine.evaluate(try rule([c]), s).matched
        }
        XCTAssertTrue(try holds(.init(field: "tags", op: "contains_all", value: .list(["a", "B"])), subject(tags: ["a", "b", "c"])))
        XCTAssertFalse(try holds(.init(field: "tags", op: "contains_all", value: .list(["a", "d"])), subject(tags: ["a", "b"])))
        XCTAssertTrue(try holds(.init(field: "tags", op: "contains_none", value: .list(["d"])), subject(tags: ["a"])))
        XCTAssertTrue(try holds(.init(field: "priority", op: "not_in", value: .list(["urgent"])), subject(priority: "high")))
        XCTAssertTrue(try holds(.init(field: "assignee", op: "is_empty"), subject()))
        XCTAssertFalse(try holds(.init(field: "assignee", op: "is_set"), subject()))
        XCTAssertTrue(try holds(.init(field: "status", op: "changed_to", value: .one("pending")), subject(status: "pending", changedTo: ["status": "pending"])))
        XCTAssertFalse(try holds(.init(field: "status", op: "changed_to", value: .one("pending")), subject(status: "pending")),
                       "pending already, the event did not change it")
        XCTAssertTrue(try holds(.init(field: "business_hours", op: "is", value: .one("outside")), subject(inside: false)))
        XCTAssertTrue(try holds(.init(field: "business_hours", op: "is", value: .one("inside")), subject(inside: nil)), "no hours: always open")
        XCTAssertTrue(try holds(.init(field: "target", op: "is", value: .one("conversation")), subject()))
    }

    func testATicketRuleNeverMatchesAConversation() throws {
        let r = try rule(event: "ticket.created")
        XCTAssertFalse(AutomationEngine.evaluate(r, subject()).matched)
    }

    func testEscalationGoesOneStepUpAndAtLeastToHigh() {
        XCTAssertEqual(AutomationEngine.escalated("none", target: .conversation), "high")
        XCTAssertEqual(AutomationEngine.escalated("high", target: .conversation), "urgent")
        XCTAssertEqual(AutomationEngine.escalated("urgent", target: .conversation), "urgent")
        XCTAssertEqual(AutomationEngine.escalated("low", target: .ticket), "high")
        XCTAssertEqual(AutomationEngine.escalated("high", target: .ticket), "urgent")
    }

    func testATimerComesDueAfterItsMinutes() {
        let trigger = AutomationTrigger.time(.conversationUnanswered, minutes: 10)
        XCTAssertFalse(AutomationEngine.due(trigger, anchor: now.addingTimeInterval(-599), now: now))
        XCTAssertTrue(AutomationEngine.due(trigger, anchor: now.addingTimeInterval(-600), now: now))
        XCTAssertFalse(AutomationEngine.due(trigger, anchor: nil, now: now))
        XCTAssertFalse(AutomationEngine.due(.event(.messageCreated), anchor: now.addingTimeInterval(-6000), now: now))
    }
}
