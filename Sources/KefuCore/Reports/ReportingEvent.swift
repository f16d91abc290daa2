import Foundation

/// The kinds of rows in the append-only reporting table (`conversation_events`). One
/// listener writes them, from the domain events, so every report counts the same thing.
public enum ReportingKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A conversation began.
    case opened
    /// It joined its inbox's queue.
    case queued
    /// It got an agent after having none; `seconds` is the queue wait (0 when it never queued).
    case assigned
    /// The first public answer by a person; `seconds` from the conversation's start.
    case firstResponse = "first_response"
    /// The answer timeout moved it from `fromAgent` to `agent`; `seconds` the shopper had waited.
    case reassigned
    /// A person moved it from `fromAgent` to `agent` (or to nobody, back to the queue).
    case transferred
    /// It moved to another inbox (the row's inbox).
    case inboxChanged = "inbox_changed"
    /// The FAQ bot's turn ended; `detail` says why.
    case handover
    /// Resolved; `agent` is the assignee at resolution.
    case resolved
    /// Opened again after being resolved or snoozed.
    case reopened
    /// Another conversation was appended to this one (`detail`: its id).
    case merged
}

/// One row of the reporting table.
public struct ReportingRow: Equatable, Sendable {
    public var kind: ReportingKind
    public var conversationID: UUID
    public var inboxID: UUID?
    public var agentID: UUID?
    public var fromAgentID: UUID?
    public var seconds: Double?
    public var detail: String?
    public var at: Date

    public init(kind: ReportingKind, conversationID: UUID, inboxID: UUID?, agentID: UUID? = nil, fromAgentID: UUID? = nil,
                seconds: Double? = nil, detail: String? = nil, at: Date) {
        self.kind = kind
        self.conversationID = conversationID
        self.inboxID = inboxID
        self.agentID = agentID
        self.fromAgentID = fromAgentID
        self.seconds = seconds
        self.detail = detail
        self.at = at
    }
}

/// Which reporting rows a domain event makes (none for most messages and for orders).
public enum ReportingRules {
    public static func rows(for event: DomainEvent) -> [ReportingRow] {
        func row(_ kind: ReportingKind, _ c: ConversationSnapshot, agent: UUID? = nil, from: UUID? = nil, seconds: Double? = nil,
                 detail: String? = nil) -> ReportingRow {
            ReportingRow(kind: kind, conversationID: c.id, inboxID: c.inboxID, agentID: agent, fromAgentID: from, seconds: seconds,
                         detail: detail, at: event.occurredAt)
        }
        switch event.fact {
        case .conversationOpened(let f):
            return [row(.opened, f.conversation, detail: f.channel)]
        case .queued(let f):
            return [row(.queued, f.conversation)]
        case .assigneeChanged(let f):
            if f.reason == .answerTimeout {
                return [row(.reassigned, f.conversation, agent: f.to, from: f.from, seconds: f.waitedSeconds)]
            }
            if f.from == nil, let to = f.to {
                return [row(.assigned, f.conversation, agent: to, seconds: f.waitedSeconds ?? 0, detail: f.reason.rawValue)]
            }
            return [row(.transferred, f.conversation, agent: f.to, from: f.from, detail: f.reason.rawValue)]
        case .inboxChanged(let f):
            return [row(.inboxChanged, f.conversation, detail: f.from.uuidString.lowercased())]
        case .firstHumanReply(let f):
            return [row(.firstResponse, f.conversation, agent: f.agentID, seconds: f.seconds)]
        case .botHandedOver(let f):
            return [row(.handover, f.conversation, detail: f.reason.rawValue)]
        case .statusChanged(let f):
            if f.to == .resolved { return [row(.resolved, f.conversation, agent: f.conversation.assigneeID)] }
            if f.to == .open, f.from == .resolved || f.from == .snoozed { return [row(.reopened, f.conversation)] }
            return []
        case .merged(let f):
            return [row(.merged, f.conversation, detail: f.sourceID.uuidString.lowercased())]
        case .messageCreated, .attributesChanged, .orderUpdated, .orderPaid, .priceChanged, .reminderSent, .ticketCreated, .ticketUpdated,
             .ticketCommented, .caseUpdated, .compensationApproved, .slaWarned, .slaBreached, .calendarUpdated:
            return []
        }
    }
}
