import Foundation
import KefuCore
import XCTest

final class RouterTests: XCTestCase {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Ids in byte order: agent(0) < agent(1) < …
    func agent(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
    }

    /// Online agents 0..<count with `capacity` and no load.
    func team(_ count: Int, capacity: Int) -> [AgentSlot] {
        (0..<count).map { AgentSlot(id: agent($0), status: .online, capacity: capacity) }
    }

    func counts(_ choices: [UUID?]) -> [UUID: Int] {
        choices.compactMap { $0 }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    func testStrategyParsesTheSettingsValues() throws {
        // setup, act, check
        XCTAssertEqual(try RoutingStrategy.parse("round_robin"), .roundRobin)
        XCTAssertEqual(try RoutingStrategy.parse("least_busy"), .leastBusy)
        XCTAssertEqual(try RoutingStrategy.parse("manual"), .manual)
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(RoutingStrategy.leastBusy), as: UTF8.self), #""least_busy""#)
        XCTAssertThrowsError(try RoutingStrategy.parse("roundRobin")) { error in
            let error = error as? DomainError
            XCTAssertEqual(error?.kind, .invalid)
            XCTAssertEqual(error?.field, "routing")
            XCTAssertEqual(error?.message.contains("round_robin, least_busy, manual"), true)
        }
    }

    func testRoundRobinIsExactlyFairOverAThousandArrivals() {
        // setup: room for everything; arrivals all in the same instant, or a second apart
        let request = RoutingRequest(strategy: .roundRobin)
        var sameInstant = RoutingTable(agents: team(10, capacity: 1_000))
        var spread = RoutingTable(agents: team(10, capacity: 1_000))

        // act
        let a = sameInstant.assignMany(Array(repeating: request, count: 1_000), startingAt: start, every: 0)
        let b = spread.assignMany(Array(repeating: request, count: 1_000), startingAt: start, every: 1)

        // check
        for choices in [a, b] {
            XCTAssertEqual(choices.count { $0 == nil }, 0)
            XCTAssertEqual(Set(counts(choices).values), [100], "each agent gets 100 ± 0")
            XCTAssertEqual(Array(choices.prefix(10)), (0..<10).map(agent), "never assigned first, then by id")
        }
        XCTAssertEqual(sameInstant.agents.map(\.load), Array(repeating: 100, count: 10))
    }

    func testRoundRobinStaysFairWhileConversationsClose() {
        // setup: capacity 3, each conversation closes 20 arrivals later
        var table = RoutingTable(agents: team(10, capacity: 3))
        var open: [UUID] = []
        var choices: [UUID?] = []

        // act
        for n in 0..<1_000 {
            if open.count == 20 { table.release(from: open.removeFirst()) }
            let chosen = table.assign(RoutingRequest(strategy: .roundRobin), at: start.addingTimeInterval(Double(n)))
            if let chosen { open.append(chosen) }
            choices.append(chosen)
        }

        // check
        XCTAssertEqual(Set(counts(choices).values), [100])
        XCTAssertEqual(table.agents.map(\.load).reduce(0, +), 20)
    }

    func testRoundRobinOrderIsNeverAssignedThenOldestThenId() {
        // setup
        let agents = [
            AgentSlot(id: agent(1), status: .online, capacity: 5, lastAssignedAt: start),
            AgentSlot(id: agent(4), status: .online, capacity: 5, lastAssignedAt: nil),
            AgentSlot(id: agent(3), status: .online, capacity: 5, lastAssignedAt: nil),
            AgentSlot(id: agent(2), status: .online, capacity: 5, lastAssignedAt: start.addingTimeInterval(-60)),
        ]
        let request = RoutingRequest(strategy: .roundRobin)

        // act
        var table = RoutingTable(agents: agents)
        let order = table.assignMany(Array(repeating: request, count: 4), startingAt: start.addingTimeInterval(10))

        // check
        XCTAssertEqual(Router.choose(request, among: agents), agent(3))
        XCTAssertEqual(order, [agent(3), agent(4), agent(2), agent(1)])
    }

    func testCapacityIsNeverExceeded() {
        // setup: 11 places in all
        let capacities = [1, 2, 3, 5]
        for strategy in [RoutingStrategy.roundRobin, .leastBusy] {
            var table = RoutingTable(agents: capacities.enumerated().map { AgentSlot(id: agent($0.offset), status: .online, capacity: $0.element) })

            // act
            var assigned = 0
            for n in 0..<100 {
                if table.assign(RoutingRequest(strategy: strategy), at: start.addingTimeInterval(Double(n))) != nil { assigned += 1 }
                // check
                XCTAssertTrue(table.agents.allSatisfy { $0.load <= $0.capacity }, "\(strategy) arrival \(n)")
            }
            XCTAssertEqual(assigned, 11, "\(strategy)")
            XCTAssertEqual(table.agents.map(\.load), capacities, "\(strategy)")
            XCTAssertEqual(table.freePlaces, 0)
        }
    }

    func testCapacityHoldsUnderRandomArrivalsAndReleases() {
        // setup: a fixed pseudo-random sequence (LCG) of arrivals, releases and presence changes
        var table = RoutingTable(agents: team(6, capacity: 4))
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let statuses: [PresenceStatus] = [.online, .online, .busy, .away, .offline]

        // act, check
        for n in 0..<10_000 {
            let now = start.addingTimeInterval(Double(n / 3))
            switch next(10) {
            case 0...4:
                let strategy: RoutingStrategy = next(2) == 0 ? .roundRobin : .leastBusy
                if let chosen = table.assign(RoutingRequest(strategy: strategy, preferredAgent: agent(next(8))), at: now) {
                    XCTAssertEqual(table[chosen]?.status, .online)
                }
            case 5...7: table.release(from: agent(next(6)))
            default: table.setStatus(statuses[next(statuses.count)], of: agent(next(6)))
            }
            XCTAssertTrue(table.agents.allSatisfy { $0.load >= 0 && $0.load <= $0.capacity }, "step \(n)")
        }
    }

    func testBusyAwayAndOfflineAgentsAreNeverChosen() {
        // setup: everyone but a full online agent is unavailable, with no load at all
        var agents = [
            AgentSlot(id: agent(0), status: .busy, capacity: 5),
            AgentSlot(id: agent(1), status: .away, capacity: 5),
            AgentSlot(id: agent(2), status: .offline, capacity: 5),
            AgentSlot(id: agent(3), status: .online, load: 5, capacity: 5),
            AgentSlot(id: agent(4), status: .online, load: 0, capacity: 0),
        ]

        // act, check
        for strategy in RoutingStrategy.allCases {
            for preferred in [nil, agent(0), agent(1), agent(2), agent(3)] {
                XCTAssertNil(Router.choose(RoutingRequest(strategy: strategy, preferredAgent: preferred), among: agents), "\(strategy) \(String(describing: preferred))")
            }
        }
        agents.append(AgentSlot(id: agent(5), status: .online, load: 4, capacity: 5))
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .roundRobin, preferredAgent: agent(0)), among: agents), agent(5))
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .leastBusy), among: agents), agent(5))
    }

    func testAReturningCustomerGoesToTheirLastAgentWhileTheyHaveRoom() {
        // setup: agent 2 is the busiest and was assigned last, but served this customer before
        var agents = [
            AgentSlot(id: agent(0), status: .online, load: 0, capacity: 5, lastAssignedAt: start),
            AgentSlot(id: agent(1), status: .online, load: 1, capacity: 5, lastAssignedAt: start.addingTimeInterval(1)),
            AgentSlot(id: agent(2), status: .online, load: 4, capacity: 5, lastAssignedAt: start.addingTimeInterval(2)),
        ]

        // act, check
        for strategy in [RoutingStrategy.roundRobin, .leastBusy] {
            XCTAssertEqual(Router.choose(RoutingRequest(strategy: strategy, preferredAgent: agent(2)), among: agents), agent(2))
        }
        XCTAssertNil(Router.choose(RoutingRequest(strategy: .manual, preferredAgent: agent(2)), among: agents), "manual assigns nobody")

        // setup: the last agent is full, away, or no longer in the inbox
        agents[2].load = 5
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .roundRobin, preferredAgent: agent(2)), among: agents), agent(0), "falls back to the strategy")
        agents[2].load = 0
        agents[2].status = .away
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .leastBusy, preferredAgent: agent(2)), among: agents), agent(0))
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .roundRobin, preferredAgent: agent(9)), among: agents), agent(0))
    }

    func testTheExcludedAgentIsSkipped() {
        // setup
        let agents = team(3, capacity: 2)

        // act, check
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .roundRobin), among: agents), agent(0))
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .roundRobin, excluded: [agent(0)]), among: agents), agent(1))
        XCTAssertEqual(Router.choose(RoutingRequest(strategy: .leastBusy, preferredAgent: agent(1), excluded: [agent(1)]), among: agents), agent(0),
                       "the preferred agent too")
        XCTAssertNil(Router.choose(RoutingRequest(strategy: .leastBusy, excluded: Set((0..<3).map(agent))), among: agents))
    }

    func testATimedOutConversationMovesToAnotherAgent() {
        // setup
        var table = RoutingTable(agents: team(2, capacity: 1))
        let first = table.assign(RoutingRequest(strategy: .roundRobin), at: start)

        // act
        let second = table.reassign(from: agent(0), RoutingRequest(strategy: .roundRobin, preferredAgent: agent(0)), at: start.addingTimeInterval(90))
        let third = table.reassign(from: agent(1), RoutingRequest(strategy: .roundRobin), at: start.addingTimeInterval(180))

        // check
        XCTAssertEqual(first, agent(0))
        XCTAssertEqual(second, agent(1), "never back to the agent who let it time out")
        XCTAssertEqual(third, agent(0), "agent 1 is excluded this time; agent 0 has room again")
        XCTAssertEqual(table.agents.map(\.load), [1, 0])
    }

    func testLeastBusyBalancesByShareOfCapacity() {
        // setup: capacities 2, 4 and 6
        var table = RoutingTable(agents: [2, 4, 6].enumerated().map { AgentSlot(id: agent($0.offset), status: .online, capacity: $0.element) })
        let request = RoutingRequest(strategy: .leastBusy)

        // act
        let firstSix = table.assignMany(Array(repeating: request, count: 6), startingAt: start)
        let halfway = table.agents.map(\.load)
        let rest = table.assignMany(Array(repeating: request, count: 7), startingAt: start.addingTimeInterval(100))

        // check
        XCTAssertEqual(firstSix, [agent(0), agent(1), agent(2), agent(2), agent(1), agent(2)])
        XCTAssertEqual(halfway, [1, 2, 3], "each half full")
        XCTAssertEqual(table.agents.map(\.load), [2, 4, 6])
        XCTAssertEqual(rest.count { $0 == nil }, 1)
        XCTAssertNil(rest[6], "the thirteenth waits")
    }

    func testLeastBusyTiesGoToTheLowerLoadThenTheLongestIdle() {
        // setup: agents 0 and 1 are both half full
        let agents = [
            AgentSlot(id: agent(0), status: .online, load: 2, capacity: 4, lastAssignedAt: start),
            AgentSlot(id: agent(1), status: .online, load: 1, capacity: 2, lastAssignedAt: start.addingTimeInterval(5)),
            AgentSlot(id: agent(2), status: .online, load: 1, capacity: 2, lastAssignedAt: start.addingTimeInterval(1)),
        ]

        // act
        let chosen = Router.choose(RoutingRequest(strategy: .leastBusy), among: agents)

        // check
        XCTAssertEqual(chosen, agent(2), "same share; load 1 beats 2; of the two with load 1, the one idle longer")
    }

    func testManualAssignsNobody() {
        // setup
        var table = RoutingTable(agents: team(3, capacity: 5))

        // act
        let chosen = table.assign(RoutingRequest(strategy: .manual), at: start)

        // check
        XCTAssertNil(chosen)
        XCTAssertEqual(table.agents.map(\.load), [0, 0, 0])
    }

    func testTheTableKeepsMembershipPresenceAndStampsConsistent() {
        // setup: a duplicate slot replaces the first
        var table = RoutingTable(agents: team(3, capacity: 2) + [AgentSlot(id: agent(1), status: .busy, load: 1, capacity: 2)])

        // act, check
        XCTAssertEqual(table.agents.count, 3)
        XCTAssertEqual(table[agent(1)]?.status, .busy)
        XCTAssertEqual(table.onlineCount, 2)
        XCTAssertEqual(table.freePlaces, 4)

        XCTAssertTrue(table.recordAssignment(to: agent(2), at: start))
        XCTAssertTrue(table.recordAssignment(to: agent(2), at: start))
        XCTAssertTrue(table.recordAssignment(to: agent(2), at: start), "a supervisor may go above capacity")
        XCTAssertEqual(table[agent(2)]?.load, 3)
        XCTAssertEqual(table.freePlaces, 2, "an agent above capacity has no room, not negative room")
        XCTAssertGreaterThan(table[agent(2)]!.lastAssignedAt!, start, "same-instant assignments get increasing stamps")
        XCTAssertEqual(table.latestAssignment, table[agent(2)]?.lastAssignedAt)

        XCTAssertTrue(table.release(from: agent(0)))
        XCTAssertEqual(table[agent(0)]?.load, 0, "never below 0")
        XCTAssertFalse(table.release(from: agent(7)))
        XCTAssertFalse(table.recordAssignment(to: agent(7), at: start))
        XCTAssertFalse(table.setStatus(.online, of: agent(7)))

        XCTAssertEqual(table.remove(agent(0))?.id, agent(0))
        XCTAssertNil(table[agent(0)])
        XCTAssertEqual(table[agent(2)]?.load, 3, "positions stay right after a removal")
        table.upsert(AgentSlot(id: agent(5), status: .online, capacity: 2))
        table.setStatus(.online, of: agent(1))
        table.setCapacity(4)
        XCTAssertEqual(table.agents.map(\.id), [agent(1), agent(2), agent(5)])
        XCTAssertEqual(table.agents.map(\.capacity), [4, 4, 4])
        XCTAssertEqual(table.assign(RoutingRequest(strategy: .roundRobin), at: start), agent(1), "never assigned, smaller id")
        XCTAssertEqual(table.assign(RoutingRequest(strategy: .roundRobin), at: start), agent(5), "never assigned")
        XCTAssertEqual(table.assign(RoutingRequest(strategy: .roundRobin), at: start), agent(2), "assigned longest ago")
        XCTAssertEqual(table.assign(RoutingRequest(strategy: .roundRobin), at: start), agent(1))
    }
}
