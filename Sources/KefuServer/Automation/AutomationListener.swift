import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Tries the shop's event rules on each event they can start on, exactly once (durable): a rule
/// that matches is planned in this transaction, with the listener's cursor (``AutomationRuns``
/// does its actions a moment later). The loop guard: a rule never reacts to its own changes; a
/// chain of rules reacting to each other's changes stops at ``AutomationGuard/maxDepth`` (the run
/// is logged as stopped); a rule fires at most once per object and event.
struct AutomationListener: DurableListener {
    let name = "automation"
    let kinds: Set<EventKind> = Set(AutomationTrigger.events)

    /// A shop without rules for this kind (nor time rules a customer's message starts) skips it undecoded.
    func wants(_ kind: EventKind, accountID: UUID, app: Application, on db: any Database) async throws -> Bool {
        let catalog = try await app.automationCatalog.catalog(accountID, on: db)
        return !catalog.rules(for: kind.rawValue).isEmpty || (Self.timerKinds.contains(kind) && catalog.hasTimers)
    }

    /// Kinds that start a timer (``armTimers(_:catalog:app:)``).
    static let timerKinds: Set<EventKind> = [.messageCreated, .conversationOpened, .ticketCreated, .ticketUpdated]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        let catalog = try await unit.app.automationCatalog.catalog(event.accountID, on: unit.db)
        armTimers(event, catalog: catalog, app: unit.app)
        let rules = catalog.rules(for: event.kind.rawValue)
        guard !rules.isEmpty, let (target, id) = Self.target(event) else { return }
        guard var subject = try await AutomationSubjects.load(target, id, accountID: event.accountID, now: event.occurredAt, on: unit.sql) else { return }
        Self.overlay(event, on: &subject)
        let runs = unit.app.automationRuns
        let depth = try await runs.depth(of: event.actor, at: event.occurredAt, targetID: id, on: unit.sql)
        var order = 0
        for rule in rules {
            // A rule's own changes never start it again.
            if case .automation(let ruleID) = event.actor, ruleID == rule.id { continue }
            guard AutomationEngine.evaluate(rule, subject).matched else { continue }
            try await runs.plan(rule, subject: subject, trigger: event.kind.rawValue, occurrence: "event:\(event.id.uuidString.lowercased())",
                                depth: depth, stopped: depth >= AutomationGuard.maxDepth, order: order, accountID: event.accountID, in: unit)
            order += 1
        }
    }

    /// The object an event is about, if a rule can act on it.
    static func target(_ event: DomainEvent) -> (AutomationTarget, UUID)? {
        switch event.fact {
        case .messageCreated(let f):
            // Rules start on what the customer wrote, not on the team's, the bot's or their own messages.
            guard f.isFromShopper, !f.isPrivate else { return nil }
            return (.conversation, f.conversation.id)
        case .caseUpdated(let f):
            return (.ticket, f.afterSaleCase.ticketID)
        case .slaWarned(let a), .slaBreached(let a):
            return (a.targetType == .ticket ? .ticket : .conversation, a.targetID)
        default:
            if let ticket = event.fact.ticket { return (.ticket, ticket.id) }
            if let conversation = event.fact.conversation { return (.conversation, conversation.id) }
            return nil
        }
    }

    /// What the event itself says: the message's text, the fields it changed, the SLA metric.
    static func overlay(_ event: DomainEvent, on subject: inout AutomationSubject) {
        switch event.fact {
        case .messageCreated(let f):
            subject.text = f.text
        case .statusChanged(let f):
            subject.changedTo["status"] = f.to.rawValue
        case .attributesChanged(let f):
            if let to = f.priorityTo { subject.changedTo["priority"] = to.rawValue }
        case .ticketUpdated(let f):
            for field in ["status", "priority"] {
                if let change = f.change(field), let to = change.to { subject.changedTo[field] = to }
            }
        case .ticketCommented(let f) where f.kind == .customer:
            subject.text = f.text
        case .slaWarned(let a), .slaBreached(let a):
            subject.slaMetric = a.metric.rawValue
        default:
            break
        }
    }

    /// A customer's message or a ticket going pending starts a timer: the timer job is woken
    /// when the shortest such rule comes due, not at its next poll.
    private func armTimers(_ event: DomainEvent, catalog: AutomationCatalog, app: Application) {
        let timers: [AutomationTimer]
        switch event.fact {
        case .messageCreated(let f) where f.isFromShopper: timers = [.conversationUnanswered, .conversationIdle]
        case .conversationOpened: timers = [.conversationIdle]
        case .ticketCreated: timers = [.ticketUnsolved]
        case .ticketUpdated(let f) where f.change("status")?.to == TicketStatus.pending.rawValue: timers = [.ticketPending]
        default: return
        }
        let minutes = timers.flatMap { catalog.rules(for: "timer:" + $0.rawValue) }.compactMap { rule -> Int? in
            if case .time(_, let m) = rule.trigger { return m }
            return nil
        }
        guard let shortest = minutes.min() else { return }
        let now = app.kefu.clock.now()
        app.jobs.wake(AutomationRuns.timerJob, at: event.occurredAt.addingTimeInterval(Double(shortest) * 60), now: now)
    }
}
