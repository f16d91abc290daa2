import Foundation
import KefuCore
@testable import KefuServer
import NIOConcurrencyHelpers
import XCTest

final class PresenceFanoutTests: XCTestCase {
    func testTeammatesHearOfAChangeInOneCoalescedFrameTheMemberAtOnce() async throws {
        // setup: two members of the shop connected
        let f = try await RoutingFixture.make(for: self)
        let mei = try await f.agent(f.shop.agent)
        let admin = try await f.agent(f.shop.admin)
        _ = try await admin.collect("presence.changes", for: 0.5)   // the sign-ins themselves
        _ = try await mei.collect("presence", for: 0.1)

        // act
        mei.send(["type": "presence", "status": "away"])

        // check: mei's own socket gets `presence`, the teammate one `presence.changes`
        let own = try await mei.next("presence")
        XCTAssertEqual(own["status"]?.string, "away")
        XCTAssertEqual(own["userId"]?.string.flatMap(UUID.init(uuidString:)), f.shop.agent.id)
        let changes = try await admin.next("presence.changes")
        let change = try XCTUnwrap(changes["changes"]?.array?.first)
        XCTAssertEqual(change["userId"]?.string.flatMap(UUID.init(uuidString:)), f.shop.agent.id)
        XCTAssertEqual(change["status"]?.string, "away")
        let stray = try await admin.collect("presence", for: 0.3)
        XCTAssertTrue(stray.isEmpty, "the admin gets no one-by-one frames about others")
    }

    func testManyChangesInAMomentBecomeAFewFramesWithTheLatestStatusEach() throws {
        // setup: a fan-out whose frames are recorded
        let sent = NIOLockedValueBox<[HubEvent]>([])
        let fanout = PresenceFanout { event in sent.withLockedValue { $0.append(event) } }
        let shop = UUID()
        let members = (0..<150).map { _ in UUID() }

        // act: every member comes online, the first one then goes away, all within one window
        for member in members { fanout.changed(member, accountID: shop, to: .online) }
        fanout.changed(members[0], accountID: shop, to: .away)
        fanout.flush()

        // check: one frame to each member's own sockets per change, and 3 shared frames of ≤ 60
        let events = sent.withLockedValue { $0 }
        XCTAssertEqual(events.filter { $0.toUser != nil }.count, 151)
        let shared = events.filter { $0.toUser == nil }
        XCTAssertEqual(shared.count, 3)
        let changes = try shared.flatMap { event -> [JSONValue] in
            let frame = try JSONParser.parse(event.frame)
            XCTAssertEqual(frame["type"]?.string, "presence.changes")
            return frame["changes"]?.array ?? []
        }
        XCTAssertEqual(changes.count, 150, "one entry per member")
        XCTAssertEqual(changes.first?["status"]?.string, "away", "the latest status wins")
        XCTAssertEqual(Set(changes.compactMap { $0["userId"]?.string.flatMap(UUID.init(uuidString:)) }), Set(members))
    }
}
