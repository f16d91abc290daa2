import Foundation

/// How an inbox hands new conversations to its agents.
public enum RoutingStrategy: String, Codable, CaseIterable, Sendable {
    /// In turn: the agent with room who was assigned a conversation longest ago.
    case roundRobin = "round_robin"
    /// The agent with the most room for their capacity.
    case leastBusy = "least_busy"
    /// Nobody is assigned automatically; conversations wait in the queue.
    case manual

    /// The strategy of a settings value; throws `.invalid` naming `field` otherwise.
    public static func parse(_ raw: String, field: String = "routing") throws(DomainError) -> RoutingStrategy {
        guard let value = RoutingStrategy(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// What routing needs to know about one agent of an inbox.
public struct AgentSlot: Sendable, Hashable {
    public var id: UUID
    public var status: PresenceStatus
    /// Open conversations assigned to the agent (in the inbox being routed).
    public var load: Int
    /// Open conversations the agent may have at once (the inbox's `capacity`).
    public var capacity: Int
    /// When the agent was last assigned a conversation; nil if never (or not known).
    public var lastAssignedAt: Date?

    public init(id: UUID, status: PresenceStatus, load: Int = 0, capacity: Int, lastAssignedAt: Date? = nil) {
        self.id = id
        self.status = status
        self.load = load
        self.capacity = capacity
        self.lastAssignedAt = lastAssignedAt
    }

    /// Online and below capacity: may be given a conversation now.
    public var hasRoom: Bool { status == .online && load < capacity }
}

/// One conversation to route.
public struct RoutingRequest: Sendable, Hashable {
    public var strategy: RoutingStrategy
    /// The agent who served this customer last (when the inbox prefers the last agent);
    /// chosen whenever they have room.
    public var preferredAgent: UUID?
    /// Agents never to choose, e.g. the one who let the conversation time out.
    public var excluded: Set<UUID>

    public init(strategy: RoutingStrategy, preferredAgent: UUID? = nil, excluded: Set<UUID> = []) {
        self.strategy = strategy
        self.preferredAgent = preferredAgent
        self.excluded = excluded
    }
}

/// Chooses the agent for a new conversation. Pure and deterministic: the same slots give the
/// same answer, so a server and its tests agree.
///
/// Rules, in order:
/// 1. `manual` assigns nobody.
/// 2. Only agents with ``AgentSlot/hasRoom`` (status online, load below capacity) and not
///    in ``RoutingRequest/excluded`` are eligible; busy, away and offline agents never are.
/// 3. The ``RoutingRequest/preferredAgent`` wins if eligible.
/// 4. `roundRobin`: the eligible agent assigned longest ago (never assigned first), ties by id.
/// 5. `leastBusy`: the lowest load ÷ capacity, then the lowest load, then assigned longest
///    ago, then by id.
///
/// Nil when nobody is eligible: the conversation is queued.
public enum Router {
    public static func choose(_ request: RoutingRequest, among agents: [AgentSlot]) -> UUID? {
        guard let index = chooseIndex(request, among: agents) else { return nil }
        return agents[index].id
    }

    /// Whether `agent` may be given the conversation of `request` (ignoring the strategy).
    public static func isEligible(_ agent: AgentSlot, for request: RoutingRequest) -> Bool {
        agent.hasRoom && !request.excluded.contains(agent.id)
    }

    /// The position in `agents` of the chosen agent.
    static func chooseIndex(_ request: RoutingRequest, among agents: [AgentSlot]) -> Int? {
        if request.strategy == .manual { return nil }
        if let preferred = request.preferredAgent,
           let index = agents.firstIndex(where: { $0.id == preferred }),
           isEligible(agents[index], for: request) {
            return index
        }
        var best: Int?
        for index in agents.indices where isEligible(agents[index], for: request) {
            guard let current = best else { best = index; continue }
            let better = switch request.strategy {
            case .roundRobin: assignedEarlier(agents[index], than: agents[current])
            case .leastBusy: lessBusy(agents[index], than: agents[current])
            case .manual: false
            }
            if better { best = index }
        }
        return best
    }

    /// Round-robin order: never assigned first, then the oldest assignment, then by id.
    static func assignedEarlier(_ a: AgentSlot, than b: AgentSlot) -> Bool {
        switch (a.lastAssignedAt, b.lastAssignedAt) {
        case (nil, .some): return true
        case (.some, nil): return false
        case let (x?, y?) where x != y: return x < y
        default: return idPrecedes(a.id, b.id)
        }
    }

    /// Least-busy order; both agents have room, so both capacities are positive.
    static func lessBusy(_ a: AgentSlot, than b: AgentSlot) -> Bool {
        // a.load / a.capacity vs b.load / b.capacity without rounding.
        let left = max(a.load, 0) * b.capacity, right = max(b.load, 0) * a.capacity
        if left != right { return left < right }
        if a.load != b.load { return a.load < b.load }
        return assignedEarlier(a, than: b)
    }

    /// Byte order of two ids (the same as the order of their uppercase strings).
    static func idPrecedes(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in x.lexicographicallyPrecedes(y) }
        }
    }
}
