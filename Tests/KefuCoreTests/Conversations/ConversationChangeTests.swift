import Foundation
import KefuCore
import XCTest

/// The conversation's rules: one per operation, whichever path asks.
final class ConversationChangeTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_796_083_200)
    let agent = UUID()
    let other = UUID()
    let inboxA = UUID()
    let inboxB = UUID()

    func state(_ adjust: (inout ConversationState) -> Void = { _ in }) -> ConversationState {
        var s = ConversationState(id: UUID(), inboxID: inboxA, contactID: UUID(), createdAt: now.addingTimeInterval(-120))
        adjust(&s)
        return s
    }

    func kinds(_ change: ConversationChange) -> [EventKind] { change.facts.map(\.kind) }

    // MARK: messages

    func testAShoppersMessageStartsTheAnswerClockOnce() {
        var change = ConversationChange(state(), now: now)
        change.message(.shopper(botStartsOnReopen: false))
        XCTAssertEqual(change.state.awaitingSince, now)
        XCTAssertEqual(change.facts, [], "the clock is not news")
        XCTAssertFalse(change.announce)
        var later = ConversationChange(change.state, now: now.addingTimeInterval(30))
        later.message(.shopper(botStartsOnReopen: false))
        XCTAssertEqual(later.state.awaitingSince, now, "the oldest unanswered message counts")
        XCTAssertFalse(later.changed)
    }

    func testAShoppersMessageReopensAndGivesItBackToTheBotWhenNobodyHasIt() {
        var change = ConversationChange(state { $0.status = .resolved }, now: now)
        change.message(.shopper(botStartsOnReopen: true))
        XCTAssertEqual(change.state.status, .open)
        XCTAssertTrue(change.state.botActive)
        XCTAssertNil(change.state.awaitingSince, "the bot answers: no answer clock for the team")
        XCTAssertEqual(kinds(change), [.statusChanged])
        XCTAssertTrue(change.announce)
        // An agent still has it: the agent keeps it, the bot stays out.
        var assigned = ConversationChange(state { $0.status = .snoozed; $0.snoozedUntil = now.addingTimeInterval(60); $0.assigneeID = agent },
                                          now: now)
        assigned.message(.shopper(botStartsOnReopen: true))
        XCTAssertFalse(assigned.state.botActive)
        XCTAssertNil(assigned.state.snoozedUntil)
        XCTAssertEqual(assigned.state.awaitingSince, now)
    }

    func testAMembersFirstReplyTakesTheConversationEndsTheBotAndIsTheFirstResponse() {
        let queued = now.addingTimeInterval(-40)
        var change = ConversationChange(state { $0.botActive = true; $0.queuedAt = queued; $0.awaitingSince = queued }, now: now)
        change.message(.teamReply(agentID: agent))
        XCTAssertEqual(change.state.assigneeID, agent)
        XCTAssertEqual(change.state.assignedAt, now)
        XCTAssertNil(change.state.queuedAt)
        XCTAssertNil(change.state.awaitingSince)
        XCTAssertFalse(change.state.botActive)
        XCTAssertEqual(change.state.firstResponseAt, now)
        XCTAssertEqual(kinds(change), [.botHandedOver, .assigneeChanged, .firstHumanReply])
        guard case .assigneeChanged(let assigned) = change.facts[1] else { return XCTFail() }
        XCTAssertEqual(assigned.reason, .replied)
        XCTAssertEqual(assigned.waitedSeconds, 40, "the queue wait is recorded with the assignment")
        guard case .firstHumanReply(let first) = change.facts[2] else { return XCTFail() }
        XCTAssertEqual(first.seconds, 120)
        XCTAssertEqual(first.conversation.assigneeID, agent, "facts carry the conversation as it ends up")
        // The second reply is no first response and takes nothing.
        var second = ConversationChange(change.state, now: now.addingTimeInterval(5))
        second.message(.teamReply(agentID: other))
        XCTAssertEqual(second.facts, [])
        XCTAssertEqual(second.state.assigneeID, agent)
    }

    func testAutomaticRepliesNotesTimelineEntriesAndIntegrationsAnswerNobody() {
        let waiting = state { $0.awaitingSince = now.addingTimeInterval(-10); $0.status = .resolved }
        for role in [MessageRole.automatic, .note, .system] {
            var change = ConversationChange(waiting, now: now)
            change.message(role)
            XCTAssertFalse(change.changed, "\(role)")
        }
        var token = ConversationChange(waiting, now: now)
        token.message(.teamReply(agentID: nil))
        XCTAssertEqual(token.state.status, .open, "an integration's reply reopens")
        XCTAssertNil(token.state.firstResponseAt, "but is no person's answer")
        XCTAssertNotNil(token.state.awaitingSince)
    }

    // MARK: reassignment

    func testReassigningToAnAgentIsManualAndEndsTheBotAndReopens() throws {
        var change = ConversationChange(state { $0.botActive = true; $0.status = .resolved; $0.assigneeID = agent }, now: now)
        try change.reassign(assignee: .some(other), inbox: nil, keepStatus: false)
        XCTAssertEqual(change.state.assigneeID, other)
        XCTAssertEqual(change.state.status, .open)
        XCTAssertFalse(change.state.botActive)
        XCTAssertEqual(kinds(change), [.assigneeChanged, .botHandedOver, .statusChanged])
        guard case .assigneeChanged(let f) = change.facts[0] else { return XCTFail() }
        XCTAssertEqual(f.from, agent)
        XCTAssertEqual(f.reason, .manual)
    }

    func testAnInboxWithoutAnAgentLeavesItToThatInboxsRoutingEvenItsOwn() throws {
        var moved = ConversationChange(state { $0.assigneeID = agent }, now: now)
        try moved.reassign(assignee: nil, inbox: inboxB, keepStatus: false)
        XCTAssertEqual(moved.state.inboxID, inboxB)
        XCTAssertNil(moved.state.assigneeID)
        XCTAssertEqual(kinds(moved), [.inboxChanged, .assigneeChanged])
        var back = ConversationChange(state { $0.assigneeID = agent }, now: now)
        try back.reassign(assignee: nil, inbox: inboxA, keepStatus: false)
        XCTAssertNil(back.state.assigneeID, "back to the queue of its own inbox")
        XCTAssertEqual(kinds(back), [.assigneeChanged])
    }

    func testAMoveThatChangesNothingIsRefused() {
        var same = ConversationChange(state { $0.assigneeID = agent }, now: now)
        XCTAssertThrowsError(try same.reassign(assignee: .some(agent), inbox: nil, keepStatus: false)) { error in
            XCTAssertEqual((error as? DomainError)?.field, "assigneeId")
        }
        var waiting = ConversationChange(state(), now: now)
        XCTAssertThrowsError(try waiting.reassign(assignee: nil, inbox: inboxA, keepStatus: false)) { error in
            XCTAssertEqual((error as? DomainError)?.field, "inboxId")
        }
        var nothing = ConversationChange(state(), now: now)
        XCTAssertNoThrow(try nothing.reassign(assignee: nil, inbox: nil, keepStatus: false))
        XCTAssertFalse(nothing.changed)
    }

    func testAStatusSetInTheSameOperationIsKept() throws {
        var change = ConversationChange(state { $0.status = .resolved }, now: now)
        try change.reassign(assignee: .some(agent), inbox: nil, keepStatus: true)
        XCTAssertEqual(change.state.status, .resolved)
    }

    // MARK: routing

    func testRoutingAssignsAndRestartsTheAnswerClock() {
        var change = ConversationChange(state { $0.queuedAt = now.addingTimeInterval(-30); $0.awaitingSince = now.addingTimeInterval(-30) },
                                        now: now)
        change.route(to: agent, reason: .routed)
        XCTAssertEqual(change.state.awaitingSince, now, "the agent's clock starts at the assignment")
        XCTAssertNil(change.state.queuedAt)
        guard case .assigneeChanged(let f) = change.facts[0] else { return XCTFail() }
        XCTAssertEqual(f.waitedSeconds, 30)
        var timeout = ConversationChange(state { $0.assigneeID = agent; $0.awaitingSince = now.addingTimeInterval(-95) }, now: now)
        timeout.route(to: other, reason: .answerTimeout)
        guard case .assigneeChanged(let t) = timeout.facts[0] else { return XCTFail() }
        XCTAssertEqual(t.waitedSeconds, 95, "how long the shopper had waited for an answer")
        XCTAssertEqual(t.from, agent)
    }

    func testEnqueueingOnlyWhatNeedsAnAgentAndOnlyOnce() {
        var change = ConversationChange(state(), now: now)
        change.enqueue(position: 3, etaSeconds: 120)
        XCTAssertEqual(change.state.queuedAt, now)
        XCTAssertEqual(kinds(change), [.queued])
        var again = ConversationChange(change.state, now: now.addingTimeInterval(10))
        again.enqueue(position: 2, etaSeconds: 60)
        XCTAssertFalse(again.changed)
        var bot = ConversationChange(state { $0.botActive = true }, now: now)
        bot.enqueue(position: 1, etaSeconds: 0)
        XCTAssertFalse(bot.changed)
    }

    // MARK: status

    func testSnoozingNeedsAFutureTimeAndLeavingOpenStopsTheQueueAndTheClock() throws {
        var past = ConversationChange(state(), now: now)
        XCTAssertThrowsError(try past.setStatus(.snoozed, snoozedUntil: now)) { error in
            XCTAssertEqual((error as? DomainError)?.field, "snoozedUntil")
        }
        var snooze = ConversationChange(state { $0.queuedAt = now; $0.awaitingSince = now }, now: now)
        try snooze.setStatus(.snoozed, snoozedUntil: now.addingTimeInterval(3600))
        XCTAssertNil(snooze.state.queuedAt)
        XCTAssertNil(snooze.state.awaitingSince)
        XCTAssertEqual(kinds(snooze), [.statusChanged])
        var same = ConversationChange(snooze.state, now: now)
        try same.setStatus(.snoozed, snoozedUntil: now.addingTimeInterval(3600))
        XCTAssertFalse(same.changed)
    }

    func testHandOverAndMerge() throws {
        var handover = ConversationChange(state { $0.botActive = true; $0.status = .resolved }, now: now)
        handover.handOver(.shopperAsked)
        XCTAssertEqual(kinds(handover), [.botHandedOver, .statusChanged])
        var none = ConversationChange(state(), now: now)
        none.handOver(.shopperAsked)
        XCTAssertFalse(none.changed, "nothing to hand over without the bot")

        let target = UUID()
        var source = ConversationChange(state(), now: now)
        try source.mergeAway(into: target)
        XCTAssertEqual(source.state.mergedIntoID, target)
        XCTAssertEqual(source.state.status, .resolved)
        var twice = ConversationChange(source.state, now: now)
        XCTAssertThrowsError(try twice.mergeAway(into: UUID()))
    }

    func testAttributes() {
        var change = ConversationChange(state { $0.tags = ["vip"] }, now: now)
        change.setAttributes(priority: .high, tags: ["vip", "退货"])
        guard case .attributesChanged(let f) = change.facts.first else { return XCTFail() }
        XCTAssertEqual(f.priorityTo, .high)
        XCTAssertEqual(f.tagsAdded, ["退货"])
        XCTAssertEqual(f.tagsRemoved, [])
        var same = ConversationChange(change.state, now: now)
        same.setAttributes(priority: .high, tags: ["vip", "退货"])
        XCTAssertFalse(same.changed)
    }
}
