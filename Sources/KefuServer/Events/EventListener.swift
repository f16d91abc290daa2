import Fluent
import Foundation
import KefuCore
import Vapor

/// Reacts to domain events right after the commit, in the task of whoever caused them and in
/// the order listeners are registered (Application/listeners.swift). For work the caller
/// should see done before it answers: the FAQ bot, routing, automatic replies, live panels.
/// A failure is logged and never undoes the committed change; the next listener still runs.
protocol InlineListener: Sendable {
    var name: String { get }
    /// The events of one operation (one message, one reassignment …), in order.
    func handle(_ events: [DomainEvent], app: Application) async throws
}

/// Reacts to domain events from the outbox, exactly once, in outbox order, in a transaction
/// of its own that also moves the listener's cursor: what it writes there commits with the
/// cursor or not at all. Runs on whichever instance claims it; survives restarts; a failing
/// event is retried with back-off and, after ``EventRunner/maxAttempts``, set aside in
/// `event_failures`. For work that must happen once and may happen a moment later:
/// reporting, webhooks, messages the shop sends on an order's news.
protocol DurableListener: Sendable {
    /// Stable: the cursor is stored under it.
    var name: String { get }
    /// The kinds it reads (the runner skips the others without reading them).
    var kinds: Set<EventKind> { get }
    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws
    /// Whether an event of `kind` in shop `accountID` may concern it (cheap, before the event is
    /// decoded; a listener that has nothing to do for a shop skips its events). Default: yes.
    func wants(_ kind: EventKind, accountID: UUID, app: Application, on db: any Database) async throws -> Bool
}

extension DurableListener {
    func wants(_ kind: EventKind, accountID: UUID, app: Application, on db: any Database) async throws -> Bool { true }
}
