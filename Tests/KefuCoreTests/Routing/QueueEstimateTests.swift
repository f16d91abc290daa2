import Foundation
import KefuCore
import XCTest

final class QueueEstimateTests: XCTestCase {
    func testWaitIsPositionTimesHandleTimeOverPlaces() {
        // setup, act, check: places free at agents × capacity ÷ handle time per second
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 1, agentsOnline: 2, averageHandleSeconds: 180), 90)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 5, agentsOnline: 2, averageHandleSeconds: 180), 450)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 6, agentsOnline: 2, capacityPerAgent: 3, averageHandleSeconds: 180), 180)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 6, agentsOnline: 2, capacityPerAgent: 0, averageHandleSeconds: 180), 540,
                       "a capacity below 1 counts as 1")
    }

    func testWaitIsRoundedUpToTenSecondsWithAFloorAndACeiling() {
        // setup, act, check
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 1, agentsOnline: 3, averageHandleSeconds: 100), 40, "33.3 s → 40 s")
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 7, agentsOnline: 3, averageHandleSeconds: 100), 240, "233.3 s → 240 s")
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 3, agentsOnline: 3, averageHandleSeconds: 70.000000001), 70, "rounding noise is not a new step")
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 1, agentsOnline: 10, averageHandleSeconds: 60), QueueEstimate.minimumSeconds)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 100_000, agentsOnline: 1, averageHandleSeconds: 7_000), QueueEstimate.maximumSeconds)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: Int.max, agentsOnline: 1, averageHandleSeconds: 180), QueueEstimate.maximumSeconds)
    }

    func testPositionZeroMeansBeingAssigned() {
        // setup, act, check
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 0, agentsOnline: 2, averageHandleSeconds: 180), 0)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: -1, agentsOnline: 0, averageHandleSeconds: 180), 0)
    }

    func testWithNobodyOnlineTheWaitIsTheTimeToTheOpening() {
        // setup, act, check
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 3, agentsOnline: 0, averageHandleSeconds: 180, secondsUntilOpening: 3_605), 3_610)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 3, agentsOnline: 0, averageHandleSeconds: 180, secondsUntilOpening: 0), 30)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 3, agentsOnline: 0, averageHandleSeconds: 180), QueueEstimate.noAgentSeconds)
        XCTAssertEqual(QueueEstimate.etaSeconds(position: 3, agentsOnline: 0, averageHandleSeconds: 180, secondsUntilOpening: .infinity),
                       QueueEstimate.noAgentSeconds)
    }

    func testAnUnusableHandleTimeCountsAsTheDefault() {
        // setup, act, check
        for bad in [0, -5, Double.nan, Double.infinity] {
            XCTAssertEqual(QueueEstimate.etaSeconds(position: 1, agentsOnline: 1, averageHandleSeconds: bad), 180, "\(bad)")
        }
    }

    func testAverageHandleTimeIsATrimmedMeanWithoutOutliers() {
        // setup: 18 ordinary conversations, one very short and one very long (both trimmed)
        let durations: [TimeInterval] = [10] + Array(repeating: 100, count: 18) + [1_000]

        // act
        let trimmed = QueueEstimate.averageHandleSeconds(durations: durations)
        let small = QueueEstimate.averageHandleSeconds(durations: [100, 200, 300, 10_000, 0, -3, .nan, .infinity])

        // check
        XCTAssertEqual(trimmed, 100, accuracy: 1e-9)
        XCTAssertEqual(small, 200, accuracy: 1e-9, "over 2 h and unusable values are left out; under 10 samples nothing is trimmed")
    }

    func testAverageHandleTimeFallsBackToTheDefault() {
        // setup, act, check
        XCTAssertEqual(QueueEstimate.averageHandleSeconds(durations: []), 180)
        XCTAssertEqual(QueueEstimate.averageHandleSeconds(durations: [8_000, 30_000]), 180, "only outliers")
        XCTAssertEqual(QueueEstimate.averageHandleSeconds(durations: [], default: 240), 240)
        XCTAssertEqual(QueueEstimate.averageHandleSeconds(durations: [7_200]), 7_200, "two hours exactly is kept")
    }
}
