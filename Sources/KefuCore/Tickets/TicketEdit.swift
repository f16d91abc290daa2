import Foundation

/// The editable state of a ticket, as the rules see it.
public struct TicketState: Hashable, Sendable {
    public var subject: String
    public var type: String
    public var status: TicketStatus
    public var urgency: TicketUrgency
    public var priority: TicketPriority
    public var inboxID: UUID?
    public var assigneeID: UUID?
    public var tags: [String]
    public var fields: [String: String]
    public var firstReplyAt: Date?
    public var solvedAt: Date?
    public var closedAt: Date?

    public init(subject: String, type: String, status: TicketStatus, urgency: TicketUrgency, priority: TicketPriority, inboxID: UUID?,
                assigneeID: UUID?, tags: [String], fields: [String: String], firstReplyAt: Date? = nil, solvedAt: Date? = nil,
                closedAt: Date? = nil) {
        self.subject = subject
        self.type = type
        self.status = status
        self.urgency = urgency
        self.priority = priority
        self.inboxID = inboxID
        self.assigneeID = assigneeID
        self.tags = tags
        self.fields = fields
        self.firstReplyAt = firstReplyAt
        self.solvedAt = solvedAt
        self.closedAt = closedAt
    }
}

/// What someone asks to change; nil leaves a field alone (`assignee: .some(nil)` unassigns).
public struct TicketPatch: Hashable, Sendable {
    public var subject: String?
    public var type: String?
    public var status: TicketStatus?
    public var urgency: TicketUrgency?
    public var priority: TicketPriority?
    public var inbox: UUID??
    public var assignee: UUID??
    public var tags: [String]?
    /// Tags to add and remove (bulk actions), applied after `tags`.
    public var addTags: [String] = []
    public var removeTags: [String] = []
    /// Field values to set (an empty string removes one), already checked by ``TicketFieldRules``.
    public var fields: [String: String]?

    public init(subject: String? = nil, type: String? = nil, status: TicketStatus? = nil, urgency: TicketUrgency? = nil,
                priority: TicketPriority? = nil, inbox: UUID?? = nil, assignee: UUID?? = nil, tags: [String]? = nil,
                addTags: [String] = [], removeTags: [String] = [], fields: [String: String]? = nil) {
        self.subject = subject
        self.type = type
        self.status = status
        self.urgency = urgency
        self.priority = priority
        self.inbox = inbox
        self.assignee = assignee
        self.tags = tags
        self.addTags = addTags
        self.removeTags = removeTags
        self.fields = fields
    }

    public var isEmpty: Bool { self == TicketPatch() }
}

/// Applies a patch to a ticket's state: checks the status move, stamps solved / closed times,
/// and lists every field that changed (for the timeline, the audit trail and `ticket.updated`).
public enum TicketEdit {
    public static let maxSubject = 200

    public static func subject(_ raw: String) throws(DomainError) -> String {
        let s = raw.trimmingWhitespace()
        guard !s.isEmpty else { throw DomainError.invalid("subject", "subject must not be empty") }
        guard s.count <= maxSubject else { throw DomainError.invalid("subject", "subject has at most \(maxSubject) characters") }
        return s
    }

    public static func apply(_ patch: TicketPatch, to state: TicketState, now: Date) throws(DomainError) -> (TicketState, [TicketFieldChange]) {
        var s = state
        var changes: [TicketFieldChange] = []
        func note(_ field: String, _ from: String?, _ to: String?) {
            if from != to { changes.append(TicketFieldChange(field: field, from: from, to: to)) }
        }
        if let subject = patch.subject {
            let new = try Self.subject(subject)
            note("subject", s.subject, new)
            s.subject = new
        }
        if let type = patch.type {
            note("type", s.type, type)
            s.type = type
        }
        if let urgency = patch.urgency {
            note("urgency", s.urgency.rawValue, urgency.rawValue)
            s.urgency = urgency
        }
        if let priority = patch.priority {
            note("priority", s.priority.rawValue, priority.rawValue)
            s.priority = priority
        }
        if let inbox = patch.inbox {
            note("inbox", s.inboxID?.uuidString.lowercased(), inbox?.uuidString.lowercased())
            s.inboxID = inbox
        }
        if let assignee = patch.assignee {
            note("assignee", s.assigneeID?.uuidString.lowercased(), assignee?.uuidString.lowercased())
            s.assigneeID = assignee
        }
        var tags = patch.tags ?? s.tags
        for t in patch.addTags where !tags.contains(t) { tags.append(t) }
        tags.removeAll { patch.removeTags.contains($0) }
        tags.sort()
        note("tags", s.tags.sorted().joined(separator: ", "), tags.joined(separator: ", "))
        s.tags = tags
        if let fields = patch.fields {
            var merged = s.fields
            for (key, value) in fields { merged[key] = value.isEmpty ? nil : value }
            for key in Set(merged.keys).union(s.fields.keys).sorted() {
                note("fields.\(key)", s.fields[key], merged[key])
            }
            s.fields = merged
        }
        if let status = patch.status, status != s.status {
            try s.status.check(to: status)
            note("status", s.status.rawValue, status.rawValue)
            s = moved(s, to: status, now: now)
        } else if s.status == .new, patch.assignee != nil, s.assigneeID != nil {
            // Taking a new ticket opens it.
            note("status", s.status.rawValue, TicketStatus.open.rawValue)
            s = moved(s, to: .open, now: now)
        }
        return (s, changes)
    }

    /// The state after a status move: solved and closed are stamped, a reopen clears them.
    public static func moved(_ state: TicketState, to status: TicketStatus, now: Date) -> TicketState {
        var s = state
        s.status = status
        switch status {
        case .solved: s.solvedAt = now
        case .closed: s.closedAt = now
        default: s.solvedAt = nil
        }
        return s
    }

    /// Whether a solved ticket closes by itself: solved at least `days` days ago.
    public static func closesByItself(solvedAt: Date?, status: TicketStatus, days: Int, now: Date) -> Bool {
        guard status == .solved, days > 0, let solvedAt else { return false }
        return now.timeIntervalSince(solvedAt) >= Double(days) * 86_400
    }
}
