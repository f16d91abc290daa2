import Foundation
import KefuCore
import XCTest

/// Each SLA metric's clock: when it starts, pauses, resumes, is fulfilled or cancelled, and the
/// exact moments it warns and breaches, around the clock and on a calendar with a lunch break.
final class SLAEngineTests: XCTestCase {
    let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z, a Tuesday (08:00 in Shanghai)
    var ids = 0

    func newID() -> UUID {
        ids += 1
        return UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", ids))!
    }

    func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    func subject(_ phase: SLAPhase = .working, priority: SLAPriority = .urgent) -> SLASubject {
        SLASubject(type: .ticket, id: UUID(), inboxID: nil, channel: "chat", ticketType: "complaint", priority: priority, tags: [],
                   phase: phase, createdAt: start)
    }

    func policy(_ targets: [SLAPolicyRules.Target], warning: SLAPolicyRules.Warning = .init()) -> SLAApplied {
        SLAApplied(policyID: UUID(), version: 1, rules: SLAPolicyRules(targets: targets, warning: warning))
    }

    /// Applies signals one after another, keeping the clocks as a store would.
    struct Run {
        var clocks: [SLAClock] = []
        var log: [SLALogEntry] = []

        mutating func apply(_ signal: SLASignal, at: Date, _ subject: SLASubject, _ policy: SLAApplied?, firstReplied: Bool = false,
                            hours: SLAHours = .always, newID: () -> UUID) {
            let outcome = SLAEngine.react(to: signal, at: at, subject: subject, clocks: clocks.filter { !$0.state.isFinished || $0.state == .fulfilled },
                                          policy: policy, firstReplied: firstReplied, hours: hours, newID: newID)
            for clock in outcome.changed {
                if let i = clocks.firstIndex(where: { $0.id == clock.id }) { clocks[i] = clock } else { clocks.append(clock) }
            }
            log += outcome.log
        }

        func clock(_ metric: SLAMetric) -> SLAClock? { clocks.last { $0.metric == metric } }
    }

    func testFirstReplyRunsFromTheStartWarnsAndBreachesAtItsMomentsAndAHumanReplyFulfilsItLate() {
        let p = policy([.init(metric: .firstReply, priority: .urgent, minutes: 10)], warning: .init(percent: 80))
        var run = Run()
        run.apply(.started, at: start, subject(), p, newID: newID)
        var first = run.clock(.firstReply)!
        XCTAssertEqual(first.dueAt, at(10))
        XCTAssertEqual(first.warnAt, at(8))
        XCTAssertEqual(first.nextFireAt, at(8))
        // The timer, a little late, records the exact moments.
        XCTAssertTrue(first.fire(now: at(7.9)).isEmpty)
        let fired = first.fire(now: at(10.5))
        XCTAssertEqual(fired.map(\.0), [.warned, .breached])
        XCTAssertEqual(fired.map(\.1), [at(8), at(10)])
        XCTAssertNil(first.nextFireAt, "nothing left to fire, though it still runs")
        XCTAssertTrue(first.fire(now: at(20)).isEmpty, "once")
        run.clocks[0] = first
        run.apply(.humanReply, at: at(12), subject(), p, newID: newID)
        first = run.clock(.firstReply)!
        XCTAssertEqual(first.state, .fulfilled)
        XCTAssertEqual(first.breachedAt, at(10), "met late")
        XCTAssertEqual(first.usedSeconds, 12 * 60, accuracy: 0.001)
    }

    func testPendingPausesRequesterWaitAndMovesItsDueTimeOnHoldPausesOnlyAgentWork() {
        let p = policy([.init(metric: .requesterWait, priority: .urgent, minutes: 60), .init(metric: .agentWork, priority: .urgent, minutes: 60),
                        .init(metric: .resolution, priority: .urgent, minutes: 60)])
        var run = Run()
        run.apply(.started, at: start, subject(), p, newID: newID)
        run.apply(.phase(.waitingOnCustomer), at: at(10), subject(.waitingOnCustomer), p, newID: newID)
        XCTAssertEqual(run.clock(.requesterWait)?.state, .paused)
        XCTAssertNil(run.clock(.requesterWait)?.dueAt)
        XCTAssertEqual(run.clock(.agentWork)?.state, .paused)
        XCTAssertEqual(run.clock(.resolution)?.dueAt, at(60), "resolution never pauses")
        // 30 minutes waiting on the customer, then back to work: due 30 minutes later than planned.
        run.apply(.phase(.working), at: at(40), subject(), p, newID: newID)
        XCTAssertEqual(run.clock(.requesterWait)?.dueAt, at(90))
        XCTAssertEqual(run.clock(.agentWork)?.dueAt, at(90))
        // On hold (a courier): the customer still waits, the team's work time stops.
        run.apply(.phase(.waitingOnThirdParty), at: at(50), subject(.waitingOnThirdParty), p, newID: newID)
        XCTAssertEqual(run.clock(.requesterWait)?.state, .running)
        XCTAssertEqual(run.clock(.agentWork)?.state, .paused)
        // Solved: the clocks are met; reopened, they count on from where they stopped.
        run.apply(.phase(.done), at: at(70), subject(.done), p, newID: newID)
        XCTAssertEqual(Set(run.clocks.map(\.state)), [.fulfilled])
        XCTAssertEqual(run.clock(.requesterWait)?.usedSeconds ?? 0, 40 * 60, accuracy: 0.001)
        run.apply(.phase(.working), at: at(100), subject(), p, newID: newID)
        XCTAssertEqual(run.clock(.requesterWait)?.state, .running)
        XCTAssertEqual(run.clock(.requesterWait)?.dueAt, at(120), "20 of its 60 minutes were left")
        XCTAssertEqual(run.clock(.agentWork)?.dueAt, at(140), "20 of its 60 minutes were used")
    }

    func testNextReplyCountsFromTheOldestUnansweredMessageAndPeriodicUpdatesFollowEachReply() {
        let p = policy([.init(metric: .firstReply, priority: .urgent, minutes: 5), .init(metric: .nextReply, priority: .urgent, minutes: 15),
                        .init(metric: .periodicUpdate, priority: .urgent, minutes: 120)])
        var run = Run()
        run.apply(.started, at: start, subject(), p, newID: newID)
        // The customer writes again before the first reply: first reply covers it.
        run.apply(.customerMessage, at: at(1), subject(), p, newID: newID)
        XCTAssertNil(run.clock(.nextReply))
        run.apply(.humanReply, at: at(3), subject(), p, firstReplied: true, newID: newID)
        XCTAssertEqual(run.clock(.firstReply)?.state, .fulfilled)
        XCTAssertNil(run.clock(.firstReply)?.breachedAt)
        XCTAssertEqual(run.clock(.periodicUpdate)?.dueAt, at(123))
        // Two customer messages: the next reply is due 15 minutes after the first of them.
        run.apply(.customerMessage, at: at(10), subject(), p, firstReplied: true, newID: newID)
        run.apply(.customerMessage, at: at(12), subject(), p, firstReplied: true, newID: newID)
        XCTAssertEqual(run.clocks.filter { $0.metric == .nextReply }.count, 1)
        XCTAssertEqual(run.clock(.nextReply)?.dueAt, at(25))
        run.apply(.humanReply, at: at(20), subject(), p, firstReplied: true, newID: newID)
        XCTAssertEqual(run.clock(.nextReply)?.state, .fulfilled)
        XCTAssertEqual(run.clocks.filter { $0.metric == .periodicUpdate }.map(\.state), [.fulfilled, .running])
        XCTAssertEqual(run.clock(.periodicUpdate)?.dueAt, at(140))
        // Waiting on the customer pauses the periodic update; solving cancels reply clocks.
        run.apply(.phase(.waitingOnCustomer), at: at(30), subject(.waitingOnCustomer), p, firstReplied: true, newID: newID)
        XCTAssertEqual(run.clock(.periodicUpdate)?.state, .paused)
        run.apply(.phase(.done), at: at(31), subject(.done), p, firstReplied: true, newID: newID)
        XCTAssertEqual(run.clock(.periodicUpdate)?.state, .cancelled)
    }

    func testBusinessHoursWithALunchBreakAndAWarningMinutesBefore() {
        let day = [BusinessHours.TimeRange(start: "09:00", end: "12:00"), BusinessHours.TimeRange(start: "13:00", end: "18:00")]
        let hours = BusinessHours(timeZone: "Asia/Shanghai", weekly: Dictionary(uniqueKeysWithValues: BusinessHours.dayKeys.map { ($0, day) }))
        let p = policy([.init(metric: .firstReply, priority: .urgent, minutes: 240)], warning: .init(minutesBefore: 30))
        var run = Run()
        // Created at 08:00 Shanghai: the clock counts from 09:00; four hours are 09–12 and 13–14.
        run.apply(.started, at: start, subject(), p, hours: .calendar(hours), newID: newID)
        XCTAssertEqual(run.clock(.firstReply)?.dueAt, at(6 * 60))
        XCTAssertEqual(run.clock(.firstReply)?.warnAt, at(5 * 60 + 30))
        XCTAssertEqual(run.clock(.firstReply)!.elapsed(at: at(4.5 * 60), hours: .calendar(hours)), 3 * 3600, accuracy: 0.001,
                       "12:30 is lunch: three business hours so far")
    }

    func testAnotherPriorityRetargetsRunningClocksAndAPolicyWithoutTheMetricCancelsIt() {
        let p = policy([.init(metric: .firstReply, priority: .urgent, minutes: 10), .init(metric: .firstReply, priority: .normal, minutes: 60),
                        .init(metric: .resolution, priority: .urgent, minutes: 600)])
        var run = Run()
        run.apply(.started, at: start, subject(), p, newID: newID)
        run.apply(.reapplied, at: at(5), subject(priority: .normal), p, newID: newID)
        XCTAssertEqual(run.clock(.firstReply)?.dueAt, at(60), "the time already counted stays")
        XCTAssertEqual(run.clock(.resolution)?.state, .cancelled, "no resolution target for normal")
        // No policy at all: nothing starts.
        var none = Run()
        none.apply(.started, at: start, subject(), nil, newID: newID)
        XCTAssertTrue(none.clocks.isEmpty)
    }

    func testPoliciesMatchTheirConditionsAndBadOnesNameTheirFields() {
        var rules = SLAPolicyRules(conditions: .init(targetTypes: [.ticket], ticketTypes: ["complaint"], priorities: [.urgent, .high], tags: ["vip"]),
                                   targets: [.init(metric: .firstReply, priority: .urgent, minutes: 2)])
        var s = subject()
        XCTAssertFalse(rules.matches(s), "no vip tag")
        s.tags = ["vip", "破损"]
        XCTAssertTrue(rules.matches(s))
        var vip = rules
        vip.conditions.customerTiers = ["vip"]
        XCTAssertFalse(vip.matches(s), "customer level unknown")
        s.customerTier = "vip"
        XCTAssertTrue(vip.matches(s))
        s.type = .conversation
        XCTAssertFalse(rules.matches(s))
        rules.targets += [.init(metric: .firstReply, priority: .urgent, minutes: 0), .init(metric: .firstReply, priority: .urgent, minutes: 3)]
        rules.warning = .init(minutesBefore: 5, percent: 50)
        let fields = rules.problems().map(\.field)
        XCTAssertEqual(fields, ["targets[1].minutes", "targets[1]", "targets[2]", "warning"])
        XCTAssertEqual(SLACalendarRules.problems(name: " ", hours: BusinessHours(timeZone: "Mars/Base", weekly: [:])).map(\.field), ["name", "hours"])
    }
}

/// The SLA report's counting: outcomes, achievement, days in the shop's time zone.
final class SLAReportTests: XCTestCase {
    func testOutcomesAchievementAndDaysInTheShopsZone() {
        let p = UUID()
        let from = Date(timeIntervalSince1970: 1_796_054_400)  // 2026-11-30T16:00Z = 2026-12-01 00:00 in Shanghai
        let to = from.addingTimeInterval(2 * 86_400)
        func clock(_ state: SLAClock.State, breached: Bool, hoursIn: Double, metric: SLAMetric = .firstReply) -> SLAReport.Clock {
            SLAReport.Clock(metric: metric, policyID: p, state: state, activatedAt: from.addingTimeInterval(hoursIn * 3600),
                            breachedAt: breached ? from.addingTimeInterval(hoursIn * 3600 + 60) : nil)
        }
        let clocks = [clock(.fulfilled, breached: false, hoursIn: 1), clock(.fulfilled, breached: false, hoursIn: 2),
                      clock(.fulfilled, breached: true, hoursIn: 3), clock(.running, breached: true, hoursIn: 30, metric: .resolution),
                      clock(.running, breached: false, hoursIn: 31), clock(.cancelled, breached: false, hoursIn: 32),
                      clock(.fulfilled, breached: false, hoursIn: 49)]  // after the range
        let r = SLAReport.build(clocks, from: from, to: to, zone: TimeZone(identifier: "Asia/Shanghai")!)
        XCTAssertEqual(r.total.clocks, 6)
        XCTAssertEqual(r.total.achievement, 2.0 / 4.0)
        XCTAssertEqual(r.byMetric[.firstReply]?.metLate, 1)
        XCTAssertEqual(r.byMetric[.resolution]?.breachedOpen, 1)
        XCTAssertEqual(r.byDay.map(\.day), ["2026-12-01", "2026-12-02"])
        XCTAssertEqual(r.byDay.map(\.summary.clocks), [3, 3])
        XCTAssertNil(SLAReport.Summary().achievement)
    }
}
