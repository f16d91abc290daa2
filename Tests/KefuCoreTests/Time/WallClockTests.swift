import Foundation
import KefuCore
import XCTest

final class WallClockTests: XCTestCase {
    func testAManualClockStandsStillUntilMoved() {
        let clock = ManualClock(Date(timeIntervalSince1970: 100))
        XCTAssertEqual(clock.now(), Date(timeIntervalSince1970: 100))
        clock.advance(by: 30)
        XCTAssertEqual(clock.now(), Date(timeIntervalSince1970: 130))
        clock.set(Date(timeIntervalSince1970: 5))
        XCTAssertEqual(clock.now(), Date(timeIntervalSince1970: 5))
    }

    func testSequentialIdsCountUp() {
        let ids = SequentialIDs()
        XCTAssertEqual(ids.make().uuidString, "00000000-0000-4000-8000-000000000001")
        XCTAssertEqual(ids.make().uuidString, "00000000-0000-4000-8000-000000000002")
    }
}
