import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Turns ticket and conversation events into SLA signals (``SLASignal``) for ``SLAClocks``,
/// exactly once (durable), at the moment each event happened. Only a person's public reply
/// (`agent` actor, not private, not an automatic message) fulfils reply metrics: the bot,
/// automatic replies, rules, API tokens and notes never do.
struct SLAListener: DurableListener {
    let name = "sla"
    let kinds: Set<EventKind> = [.ticketCreated, .ticketUpdated, .ticketCommented, .conversationOpened, .messageCreated,
                                 .statusChanged, .attributesChanged, .inboxChanged]

    /// Ticket fields SLA policies look at.
    static let policyFields: Set<String> = ["priority", "type", "inbox", "tags"]

    /// A shop without SLA policies or open clocks skips its events undecoded.
    func wants(_ kind: EventKind, accountID: UUID, app: Application, on db: any Database) async throws -> Bool {
        try await !app.slaPolicies.catalog(accountID, on: db).isIdle
    }

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        guard let (type, id, signals) = Self.signals(event), !signals.isEmpty else { return }
        // A shop without SLA policies or open clocks costs one cached lookup per event.
        let catalog = try await unit.app.slaPolicies.catalog(event.accountID, on: unit.db)
        if catalog.isIdle { return }
        let current = try await SLAClocks.subjectRow(type, id, accountID: event.accountID, on: unit.sql)
        if catalog.policies.isEmpty, current == nil { return }
        // A customer writing while a reply is already owed changes no clock: one indexed read.
        if signals == [.customerMessage], current?.replyOpen == true { return }
        guard let found = try await Self.subject(type, id, accountID: event.accountID, on: unit.sql) else { return }
        var subject = found.0
        let firstReplied = found.1
        if let ticket = event.fact.ticket {
            subject.phase = SLAPhase.of(ticket.status)
            subject.priority = SLAPriority(ticket.priority)
        } else if let conversation = event.fact.conversation {
            subject.phase = SLAPhase.of(conversation.status)
        }
        for signal in signals {
            // The row as the previous signal left it.
            let row = signal == signals.first ? current : try await SLAClocks.subjectRow(type, id, accountID: event.accountID, on: unit.sql)
            try await unit.app.slaClocks.react(signal, at: event.occurredAt, subject: subject, current: row, firstReplied: firstReplied,
                                               accountID: event.accountID, in: unit)
        }
    }

    /// What an event means for SLA clocks, and on which ticket or conversation.
    static func signals(_ event: DomainEvent) -> (SLATargetType, UUID, [SLASignal])? {
        switch event.fact {
        case .ticketCreated(let f):
            return (.ticket, f.ticket.id, [.started])
        case .ticketUpdated(let f):
            var out: [SLASignal] = []
            if !Set(f.changes.map(\.field)).isDisjoint(with: policyFields) { out.append(.reapplied) }
            if let status = f.change("status"), let to = status.to.flatMap(TicketStatus.init(rawValue:)) {
                let from = status.from.flatMap(TicketStatus.init(rawValue:)).map(SLAPhase.of)
                if from != SLAPhase.of(to) { out.append(.phase(SLAPhase.of(to))) }
            }
            return (.ticket, f.ticket.id, out)
        case .ticketCommented(let f):
            switch f.kind {
            case .reply where event.actor.userID != nil: return (.ticket, f.ticket.id, [.humanReply])
            case .customer: return (.ticket, f.ticket.id, [.customerMessage])
            default: return nil
            }
        case .conversationOpened(let f):
            return (.conversation, f.conversation.id, [.started])
        case .messageCreated(let f):
            guard !f.isPrivate else { return nil }
            if f.senderType == .visitor {
                return (.conversation, f.conversation.id, [.customerMessage])
            }
            if f.senderType == .agent, event.actor.userID != nil, !(f.payloadType?.isAutomatic ?? false) {
                return (.conversation, f.conversation.id, [.humanReply])
            }
            return nil
        case .statusChanged(let f):
            let to = SLAPhase.of(f.to)
            return SLAPhase.of(f.from) == to ? nil : (.conversation, f.conversation.id, [.phase(to)])
        case .attributesChanged(let f):
            return (.conversation, f.conversation.id, [.reapplied])
        case .inboxChanged(let f):
            return (.conversation, f.conversation.id, [.reapplied])
        default:
            return nil
        }
    }

    /// The ticket or conversation as policies see it now, and whether the team has replied.
    static func subject(_ type: SLATargetType, _ id: UUID, accountID: UUID, on sql: any SQLDatabase) async throws -> (SLASubject, Bool)? {
        switch type {
        case .ticket:
            guard let row = try await sql.raw("""
                SELECT t.inbox_id, t.source, t.type, t.priority, t.status, t.tags, t.created_at, t.first_reply_at, c.tier
                FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id AND c.account_id = t.account_id
                WHERE t.id = \(bind: id) AND t.account_id = \(bind: accountID)
                """).first() else { return nil }
            let status = TicketStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .open
            let priority = TicketPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal
            let subject = SLASubject(
                type: .ticket, id: id, inboxID: try row.decodeNil(column: "inbox_id") ? nil : try row.decode(column: "inbox_id", as: UUID.self),
                channel: try row.decode(column: "source", as: String.self), ticketType: try row.decode(column: "type", as: String.self),
                priority: SLAPriority(priority), tags: tags(try row.decode(column: "tags", as: String.self)),
                customerTier: try row.decodeNil(column: "tier") ? nil : try row.decode(column: "tier", as: String.self), phase: SLAPhase.of(status),
                createdAt: try row.decode(column: "created_at", as: Date.self))
            return (subject, try !row.decodeNil(column: "first_reply_at"))
        case .conversation:
            guard let row = try await sql.raw("""
                SELECT v.inbox_id, v.channel, v.priority, v.status, v.tags, v.created_at, v.first_response_at, c.tier
                FROM conversations v LEFT JOIN contacts c ON c.id = v.contact_id AND c.account_id = v.account_id
                WHERE v.id = \(bind: id) AND v.account_id = \(bind: accountID)
                """).first() else { return nil }
            let status = ConversationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .open
            let priority = ConversationPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .none
            let subject = SLASubject(
                type: .conversation, id: id, inboxID: try row.decode(column: "inbox_id", as: UUID.self),
                channel: try row.decode(column: "channel", as: String.self), ticketType: nil, priority: SLAPriority(priority),
                tags: tags(try row.decode(column: "tags", as: String.self)),
                customerTier: try row.decodeNil(column: "tier") ? nil : try row.decode(column: "tier", as: String.self), phase: SLAPhase.of(status),
                createdAt: try row.decode(column: "created_at", as: Date.self))
            return (subject, try !row.decodeNil(column: "first_response_at"))
        }
    }

    static func tags(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}
