import Foundation
import KefuCore
import XCTest

final class ReminderStatsTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    func testEmpty() throws {
        // setup, act
        let stats = ReminderStats.summarize([])

        // check
        XCTAssertEqual(stats.byRule, [:])
        XCTAssertEqual(stats.byAgent, [:])
        XCTAssertEqual(stats.total, ReminderStats.Summary(sent: 0, paid: 0, rate: 0, medianMinutesToPay: nil))
        XCTAssertEqual(stats.total, .empty)
    }

    func testByRuleByAgentAndTotal() throws {
        // setup
        let records = [
            ReminderRecord(ruleID: "R30", sentAt: at(0), paidAt: at(10)),
            ReminderRecord(ruleID: "R30", sentAt: at(0), paidAt: at(30)),
            ReminderRecord(ruleID: "R30", sentAt: at(0), paidAt: nil),
            ReminderRecord(ruleID: "R30", sentAt: at(0), paidAt: at(20)),
            ReminderRecord(ruleID: "R120", sentAt: at(0), paidAt: nil),
            ReminderRecord(agentID: "A8", sentAt: at(0), paidAt: at(5)),
            ReminderRecord(agentID: "A8", sentAt: at(0), paidAt: at(8)),
            ReminderRecord(agentID: "A9", sentAt: at(0), paidAt: nil),
        ]

        // act
        let stats = ReminderStats.summarize(records)

        // check
        XCTAssertEqual(stats.byRule["R30"], ReminderStats.Summary(sent: 4, paid: 3, rate: 0.75, medianMinutesToPay: 20))
        XCTAssertEqual(stats.byRule["R120"], ReminderStats.Summary(sent: 1, paid: 0, rate: 0, medianMinutesToPay: nil))
        XCTAssertEqual(stats.byAgent["A8"], ReminderStats.Summary(sent: 2, paid: 2, rate: 1, medianMinutesToPay: 7))
        XCTAssertEqual(stats.byAgent["A9"]?.paid, 0)
        XCTAssertEqual(stats.byRule.count, 2)
        XCTAssertEqual(stats.byAgent.count, 2)
        XCTAssertEqual(stats.total.sent, 8)
        XCTAssertEqual(stats.total.paid, 5)
        XCTAssertEqual(stats.total.rate, 5.0 / 8.0, accuracy: 1e-12)
        XCTAssertEqual(stats.total.medianMinutesToPay, 10)
    }

    func testOnlyAPaymentAfterTheReminderCounts() throws {
        // setup
        let records = [
            ReminderRecord(ruleID: "R", sentAt: at(10), paidAt: at(9)),
            ReminderRecord(ruleID: "R", sentAt: at(10), paidAt: at(10)),
        ]

        // act
        let summary = ReminderStats.summarize(records).byRule["R"]

        // check
        XCTAssertEqual(summary, ReminderStats.Summary(sent: 2, paid: 1, rate: 0.5, medianMinutesToPay: 0))
    }

    func testTheMedianIsRoundedToWholeMinutes() throws {
        // setup
        func median(_ minutes: [Double]) -> Int? {
            ReminderStats.summary(minutes.map { ReminderRecord(ruleID: "R", sentAt: at(0), paidAt: at($0)) }).medianMinutesToPay
        }

        // act, check
        XCTAssertEqual(median([1.4]), 1)
        XCTAssertEqual(median([1.5]), 2)
        XCTAssertEqual(median([2, 3]), 3)       // 2.5 → 3
        XCTAssertEqual(median([2, 3.9]), 3)     // 2.95 → 3
        XCTAssertEqual(median([50, 1, 7]), 7)
        XCTAssertEqual(median([0.2, 0.1]), 0)
        XCTAssertEqual(median([600, 10, 20, 30]), 25)
    }

    func testARecordWithRuleAndAgentCountsForBoth() throws {
        // setup
        let records = [ReminderRecord(ruleID: "R", agentID: "A", sentAt: at(0), paidAt: at(3)), ReminderRecord(sentAt: at(0))]

        // act
        let stats = ReminderStats.summarize(records)

        // check
        XCTAssertEqual(stats.byRule["R"]?.paid, 1)
        XCTAssertEqual(stats.byAgent["A"]?.paid, 1)
        XCTAssertEqual(stats.total.sent, 2)
        XCTAssertEqual(stats.total.rate, 0.5)
    }
}
