import Foundation

/// The promised times an SLA policy can set (Zendesk's six metrics, which helpdesk teams know):
/// each is a clock on one ticket or conversation that starts, may pause, and is fulfilled.
public enum SLAMetric: String, Codable, Hashable, Sendable, CaseIterable {
    /// From the start to the team's first public reply by a person.
    case firstReply = "first_reply"
    /// From the oldest customer message the team has not answered to the next public reply by a person.
    case nextReply = "next_reply"
    /// After each public reply by a person, the next one is due within the target (keep the
    /// customer updated); paused while waiting on the customer.
    case periodicUpdate = "periodic_update"
    /// The customer's waiting time: runs unless waiting on the customer; fulfilled when solved.
    case requesterWait = "requester_wait"
    /// The team's working time: runs only while the case is new or open; fulfilled when solved.
    case agentWork = "agent_work"
    /// From the start to solved, never paused.
    case resolution

    /// Metrics that start with the ticket or conversation (the others start on a message or reply).
    public var startsWithTarget: Bool {
        switch self {
        case .firstReply, .requesterWait, .agentWork, .resolution: true
        case .nextReply, .periodicUpdate: false
        }
    }

    /// Whether the clock runs in `phase` (a metric that is not finished).
    public func runs(in phase: SLAPhase) -> Bool {
        switch (self, phase) {
        case (_, .done): false
        case (.firstReply, _), (.nextReply, _), (.resolution, _): true
        case (.periodicUpdate, .waitingOnCustomer), (.requesterWait, .waitingOnCustomer): false
        case (.periodicUpdate, _), (.requesterWait, _): true
        case (.agentWork, .working): true
        case (.agentWork, _): false
        }
    }
}

/// What an SLA is measured on.
public enum SLATargetType: String, Codable, Hashable, Sendable, CaseIterable {
    case ticket, conversation
}

/// Where a ticket or conversation stands, as far as SLA clocks are concerned.
public enum SLAPhase: String, Codable, Hashable, Sendable {
    /// New or open: the team is on it.
    case working
    /// Pending: waiting on the customer.
    case waitingOnCustomer = "waiting_on_customer"
    /// On hold (a courier, the platform) or a snoozed chat: waiting on a third party.
    case waitingOnThirdParty = "waiting_on_third_party"
    /// Solved, closed or resolved.
    case done

    public static func of(_ status: TicketStatus) -> SLAPhase {
        switch status {
        case .new, .open: .working
        case .pending: .waitingOnCustomer
        case .onHold: .waitingOnThirdParty
        case .solved, .closed: .done
        }
    }

    public static func of(_ status: ConversationStatus) -> SLAPhase {
        switch status {
        case .open: .working
        case .pending: .waitingOnCustomer
        case .snoozed: .waitingOnThirdParty
        case .resolved: .done
        }
    }
}

/// One priority scale for SLA targets. Tickets use it as it is; a conversation's priority maps
/// onto it (none and medium count as normal).
public enum SLAPriority: String, Codable, Hashable, Sendable, CaseIterable {
    case low, normal, high, urgent

    public init(_ priority: TicketPriority) {
        switch priority {
        case .low: self = .low
        case .normal: self = .normal
        case .high: self = .high
        case .urgent: self = .urgent
        }
    }

    public init(_ priority: ConversationPriority) {
        switch priority {
        case .low: self = .low
        case .none, .medium: self = .normal
        case .high: self = .high
        case .urgent: self = .urgent
        }
    }
}

/// What happened to a metric, as the append-only SLA event log records it.
public enum SLAEventKind: String, Codable, Hashable, Sendable, CaseIterable {
    case policyApplied = "policy_applied"
    case activated, paused, resumed, fulfilled, warned, breached
    /// The metric no longer applies (another policy without it, the case ended before it was due).
    case cancelled
}
