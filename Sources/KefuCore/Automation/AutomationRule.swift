import Foundation

/// What a rule acts on.
public enum AutomationTarget: String, Codable, Hashable, Sendable, CaseIterable {
    case conversation, ticket
}

/// A time-based activation: the rule looks at an object once, when it has been in a state for
/// the rule's minutes (Zammad's time-based rules; Chatwoot's most asked-for gap).
public enum AutomationTimer: String, Codable, Hashable, Sendable, CaseIterable {
    /// The customer has waited this long for a reply (from their oldest unanswered message).
    case conversationUnanswered = "conversation.unanswered"
    /// An open chat without any message for this long.
    case conversationIdle = "conversation.idle"
    /// A ticket has waited on the customer (pending) this long.
    case ticketPending = "ticket.pending"
    /// A ticket filed this long ago is still not solved.
    case ticketUnsolved = "ticket.unsolved"

    public var target: AutomationTarget {
        switch self {
        case .conversationUnanswered, .conversationIdle: .conversation
        case .ticketPending, .ticketUnsolved: .ticket
        }
    }
}

/// When a rule is tried: on an event, or when a timer comes due for an object.
public enum AutomationTrigger: Hashable, Sendable {
    case event(EventKind)
    case time(AutomationTimer, minutes: Int)

    /// The events a rule can start on.
    public static let events: [EventKind] = [
        .conversationOpened, .messageCreated, .assigneeChanged, .statusChanged, .attributesChanged,
        .ticketCreated, .ticketUpdated, .ticketCommented, .caseUpdated, .slaWarned, .slaBreached,
    ]

    /// The objects the trigger can concern (SLA events concern both).
    public var targets: Set<AutomationTarget> {
        switch self {
        case .time(let timer, _): [timer.target]
        case .event(let kind):
            switch kind {
            case .ticketCreated, .ticketUpdated, .ticketCommented, .caseUpdated: [.ticket]
            case .slaWarned, .slaBreached: [.conversation, .ticket]
            default: [.conversation]
            }
        }
    }

    /// The stored key ("message.created", "timer:ticket.pending") rules are looked up by.
    public var key: String {
        switch self {
        case .event(let kind): kind.rawValue
        case .time(let timer, _): "timer:" + timer.rawValue
        }
    }
}

/// The fields conditions look at.
public enum AutomationField: String, Codable, Hashable, Sendable, CaseIterable {
    case target, inbox, channel, status, priority, tags, assignee
    case ticketType = "ticket_type"
    case customerLevel = "customer_level"
    case text
    case businessHours = "business_hours"
    case slaMetric = "sla_metric"

    /// The operators this field takes.
    public var ops: [AutomationOp] {
        switch self {
        case .target, .businessHours: [.is]
        case .inbox, .channel, .ticketType, .customerLevel: [.in, .notIn]
        case .status, .priority: [.in, .notIn, .changedTo]
        case .tags: [.containsAny, .containsAll, .containsNone]
        case .assignee: [.in, .notIn, .isSet, .isEmpty]
        case .text: [.containsAny, .containsNone]
        case .slaMetric: [.in]
        }
    }

    /// The values the field can take, when it is a fixed list.
    public var choices: [String]? {
        switch self {
        case .target: AutomationTarget.allCases.map(\.rawValue)
        case .businessHours: ["inside", "outside"]
        case .status: Self.union(ConversationStatus.allCases.map(\.rawValue), TicketStatus.allCases.map(\.rawValue))
        case .priority: Self.union(ConversationPriority.allCases.map(\.rawValue), TicketPriority.allCases.map(\.rawValue))
        case .slaMetric: SLAMetric.allCases.map(\.rawValue)
        default: nil
        }
    }

    /// Values that are ids of the shop's inboxes or members.
    public var isID: Bool { self == .inbox || self == .assignee }

    private static func union(_ a: [String], _ b: [String]) -> [String] { a + b.filter { !a.contains($0) } }
}

public enum AutomationOp: String, Codable, Hashable, Sendable, CaseIterable {
    case `is`
    case `in`
    case notIn = "not_in"
    case containsAny = "contains_any"
    case containsAll = "contains_all"
    case containsNone = "contains_none"
    case isSet = "is_set"
    case isEmpty = "is_empty"
    case changedTo = "changed_to"

    /// How many values it takes: none, one, or a list of at least one.
    public enum Arity: Sendable { case none, one, list }
    public var arity: Arity {
        switch self {
        case .isSet, .isEmpty: .none
        case .is, .changedTo: .one
        case .in, .notIn, .containsAny, .containsAll, .containsNone: .list
        }
    }
}

/// One test of a field.
public struct AutomationCondition: Hashable, Sendable {
    public var field: AutomationField
    public var op: AutomationOp
    public var values: [String]

    public init(field: AutomationField, op: AutomationOp, values: [String] = []) {
        self.field = field
        self.op = op
        self.values = values
    }
}

/// Who hears of a `notify` action.
public enum AutomationRecipients: String, Codable, Hashable, Sendable, CaseIterable {
    /// The object's assignee.
    case assignee
    /// The shop's supervisors, admins and owner.
    case supervisors
    /// Everyone who works in the object's inbox (and who sees every inbox).
    case inbox
}

/// What a rule does, in order.
public enum AutomationAction: Hashable, Sendable {
    case assignAgent(UUID)
    case assignInbox(UUID)
    /// A conversation goes back to routing in its inbox; a ticket to the inbox member with the fewest active tickets.
    case roundRobin
    case setPriority(String)
    case addTags([String])
    case removeTags([String])
    case setStatus(String)
    /// A conversation is resolved, a ticket solved.
    case close
    /// A message to the customer (with variables).
    case reply(String)
    /// A private note for the team (with variables).
    case note(String)
    case notify(AutomationRecipients, String)
    /// Priority one step up (at least high), reassigned to a supervisor, with a note saying why.
    case escalate
    /// `automation.fired` to the shop's webhook endpoints that subscribe to it.
    case webhook

    public var type: String {
        switch self {
        case .assignAgent: "assign_agent"
        case .assignInbox: "assign_inbox"
        case .roundRobin: "round_robin"
        case .setPriority: "set_priority"
        case .addTags: "add_tags"
        case .removeTags: "remove_tags"
        case .setStatus: "set_status"
        case .close: "close"
        case .reply: "reply"
        case .note: "note"
        case .notify: "notify"
        case .escalate: "escalate"
        case .webhook: "webhook"
        }
    }

    public static let types = ["assign_agent", "assign_inbox", "round_robin", "set_priority", "add_tags", "remove_tags", "set_status",
                               "close", "reply", "note", "notify", "escalate", "webhook"]

    /// Changes a field of the object (changes next to each other in a rule are made as one).
    public var isFieldChange: Bool {
        switch self {
        case .assignAgent, .assignInbox, .roundRobin, .setPriority, .addTags, .removeTags, .setStatus, .close: true
        case .reply, .note, .notify, .escalate, .webhook: false
        }
    }

    /// A short summary of what it sets ("priority=urgent", "tags=投诉,退款"); nil for texts and bare actions.
    public var summary: String? {
        switch self {
        case .assignAgent(let id): "agent=\(id.uuidString.lowercased())"
        case .assignInbox(let id): "inbox=\(id.uuidString.lowercased())"
        case .setPriority(let v): "priority=\(v)"
        case .setStatus(let v): "status=\(v)"
        case .addTags(let t), .removeTags(let t): "tags=\(t.joined(separator: ","))"
        case .roundRobin, .close, .reply, .note, .notify, .escalate, .webhook: nil
        }
    }

    /// Sends a message the customer reads (rate-limited per customer).
    public var messagesCustomer: Bool {
        if case .reply = self { return true }
        return false
    }
}

/// A rule as it runs: checked and typed (``AutomationRuleBody/parse()`` makes one).
public struct AutomationRule: Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var enabled: Bool
    public var trigger: AutomationTrigger
    public var all: [AutomationCondition]
    public var any: [AutomationCondition]
    public var actions: [AutomationAction]
    /// Time rules act on objects that come due after this moment (a new rule does not sweep the past).
    public var createdAt: Date

    public init(id: UUID, name: String, enabled: Bool, trigger: AutomationTrigger, all: [AutomationCondition], any: [AutomationCondition],
                actions: [AutomationAction], createdAt: Date) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.trigger = trigger
        self.all = all
        self.any = any
        self.actions = actions
        self.createdAt = createdAt
    }
}

/// The loop guard's limits.
public enum AutomationGuard {
    /// Rule → change → rule … : the chain stops after this many rules in a row.
    public static let maxDepth = 3
    /// Messages rules send to one customer within ``replyWindow``.
    public static let repliesPerCustomer = 3
    public static let replyWindow: TimeInterval = 600
}
