import Foundation

/// The routing state of one inbox: its agents' status, load and last assignment, changed
/// only through methods that keep it consistent. A server keeps one per inbox inside an
/// actor (or under a lock) and calls ``assign(_:at:)`` for each arrival, ``release(from:)``
/// when a conversation is resolved or moves away, and ``setStatus(_:of:)`` on presence
/// frames; every assignment goes through ``Router`` and is recorded at once, so two arrivals
/// can never both take an agent's last free place.
///
/// Assignment times are kept strictly increasing within a table: an assignment at the same
/// instant as (or, with a clock set back, before) the latest one is stamped one microsecond
/// after it. Round robin therefore keeps rotating when many conversations arrive at once,
/// and the stamps survive storage with microsecond precision.
public struct RoutingTable: Sendable, Equatable {
    /// The agents, in the order given (and added).
    public private(set) var agents: [AgentSlot]
    private var positions: [UUID: Int]
    /// The latest ``AgentSlot/lastAssignedAt`` of the table.
    public private(set) var latestAssignment: Date?

    /// A table of `agents`; of several slots with the same id the last one is kept.
    public init(agents: [AgentSlot]) {
        self.agents = []
        positions = [:]
        latestAssignment = nil
        for agent in agents { upsert(agent) }
    }

    public subscript(id: UUID) -> AgentSlot? {
        positions[id].map { agents[$0] }
    }

    /// Agents whose status is online, with or without room.
    public var onlineCount: Int { agents.count { $0.status == .online } }

    /// Free places among online agents: how many conversations can be assigned right now.
    public var freePlaces: Int {
        agents.reduce(0) { $0 + ($1.status == .online ? max(0, $1.capacity - max($1.load, 0)) : 0) }
    }

    // MARK: routing

    /// Routes one arrival with ``Router/choose(_:among:)`` and records the assignment
    /// (load + 1, last assigned now). Nil, and nothing changes, when nobody is eligible.
    public mutating func assign(_ request: RoutingRequest, at now: Date) -> UUID? {
        guard let index = Router.chooseIndex(request, among: agents) else { return nil }
        record(index, at: now)
        return agents[index].id
    }

    /// Routes `requests` in order, the first at `start` and each next one `interval` seconds
    /// later; the chosen agent of each (nil = queued). For simulations and benchmarks.
    public mutating func assignMany(_ requests: [RoutingRequest], startingAt start: Date, every interval: TimeInterval = 1) -> [UUID?] {
        requests.enumerated().map { assign($0.element, at: start.addingTimeInterval(Double($0.offset) * interval)) }
    }

    /// A conversation timed out with `agent`: it leaves them (load − 1) and is routed again
    /// with `agent` excluded. Nil when nobody else is eligible (the conversation is queued).
    public mutating func reassign(from agent: UUID, _ request: RoutingRequest, at now: Date) -> UUID? {
        release(from: agent)
        var request = request
        request.excluded.insert(agent)
        return assign(request, at: now)
    }

    /// Records an assignment made outside routing (a supervisor's pick, a transfer, a
    /// conversation taken from the queue by hand): load + 1, last assigned now, even above
    /// capacity. False if the agent is not in the table.
    @discardableResult
    public mutating func recordAssignment(to agent: UUID, at now: Date) -> Bool {
        guard let index = positions[agent] else { return false }
        record(index, at: now)
        return true
    }

    /// A conversation left `agent` (resolved, transferred away, timed out): load − 1, never
    /// below 0. False if the agent is not in the table.
    @discardableResult
    public mutating func release(from agent: UUID) -> Bool {
        guard let index = positions[agent] else { return false }
        agents[index].load = max(0, agents[index].load - 1)
        return true
    }

    // MARK: membership and presence

    /// Adds an agent or replaces the slot with the same id (e.g. after reloading the load
    /// from storage).
    public mutating func upsert(_ agent: AgentSlot) {
        if let index = positions[agent.id] {
            agents[index] = agent
        } else {
            positions[agent.id] = agents.count
            agents.append(agent)
        }
        if let stamp = agent.lastAssignedAt, latestAssignment.map({ stamp > $0 }) ?? true {
            latestAssignment = stamp
        }
    }

    /// Removes an agent (left the inbox); their slot, if they were in the table.
    @discardableResult
    public mutating func remove(_ agent: UUID) -> AgentSlot? {
        guard let index = positions.removeValue(forKey: agent) else { return nil }
        let slot = agents.remove(at: index)
        for later in index..<agents.count { positions[agents[later].id] = later }
        return slot
    }

    /// A presence change. False if the agent is not in the table.
    @discardableResult
    public mutating func setStatus(_ status: PresenceStatus, of agent: UUID) -> Bool {
        guard let index = positions[agent] else { return false }
        agents[index].status = status
        return true
    }

    /// The inbox's capacity setting changed: applies to every agent. Conversations above a
    /// lowered capacity stay assigned; the agent just gets no new ones until below it.
    public mutating func setCapacity(_ capacity: Int) {
        for index in agents.indices { agents[index].capacity = capacity }
    }

    // MARK: internals

    private mutating func record(_ index: Int, at now: Date) {
        var stamp = now
        if let latest = latestAssignment, stamp <= latest {
            stamp = latest.addingTimeInterval(Self.stampStep)
        }
        agents[index].load = max(agents[index].load, 0) + 1
        agents[index].lastAssignedAt = stamp
        latestAssignment = stamp
    }

    /// How far apart assignments in the same instant are stamped.
    static let stampStep: TimeInterval = 0.000_001
}
