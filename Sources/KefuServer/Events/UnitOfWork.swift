import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One write transaction and what happens once it commits. Code that changes state records
/// its domain events here; they go to the outbox in the same transaction. After the commit
/// the stored messages and changed conversations are published to the sockets, the inline
/// listeners run (in the caller's task) and the durable listeners are woken.
final class UnitOfWork: Sendable {
    let app: Application
    /// The transaction's connection: every read and write of the unit goes through it.
    let db: any Database
    let now: Date
    private struct Effects {
        var events: [DomainEvent] = []
        var messages: [StoredMessage] = []
        var announced: [UUID: UUID] = [:]   // conversation → account
        var onCommit: [@Sendable () -> Void] = []
    }
    private let effects = NIOLockedValueBox(Effects())

    init(app: Application, db: any Database, now: Date) {
        self.app = app
        self.db = db
        self.now = now
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }
    var ids: any IDSource { app.kefu.ids }

    /// Records facts caused by `actor` in shop `accountID`, in order.
    func record(_ facts: [Fact], accountID: UUID, actor: EventActor) {
        guard !facts.isEmpty else { return }
        let events = facts.map { DomainEvent(id: ids.make(), accountID: accountID, occurredAt: now, actor: actor, fact: $0) }
        record(events)
    }

    func record(_ events: [DomainEvent]) {
        effects.withLockedValue { $0.events.append(contentsOf: events) }
    }

    /// A message stored inside this transaction: published after the commit.
    func stored(_ message: StoredMessage) {
        effects.withLockedValue { $0.messages.append(message) }
    }

    /// A conversation whose listed fields changed: agents hear of it after the commit.
    func announce(_ conversationID: UUID, accountID: UUID) {
        effects.withLockedValue { $0.announced[conversationID] = accountID }
    }

    /// Runs `action` right after the commit, after the sockets heard of the unit's messages
    /// and changes and before the listeners run (a frame that must precede their replies).
    func onCommit(_ action: @escaping @Sendable () -> Void) {
        effects.withLockedValue { $0.onCommit.append(action) }
    }

    var events: [DomainEvent] { effects.withLockedValue { $0.events } }

    // MARK: commit

    /// Writes the recorded events to the outbox (the last statement before the commit).
    func flushOutbox() async throws {
        try await EventOutbox.append(events, on: sql)
    }

    /// After the commit: sockets, inline listeners, the durable runner.
    func afterCommit() async {
        let done = effects.withLockedValue { $0 }
        if !done.messages.isEmpty { app.chat.messagesStored(done.messages) }
        for (conversationID, accountID) in done.announced {
            await app.conversations.announce(conversationID, accountID: accountID)
        }
        for action in done.onCommit { action() }
        if !done.events.isEmpty {
            await app.events.dispatch(done.events, app: app)
            app.events.committed(done.events, app: app)
        }
    }
}

extension Application {
    /// Runs `body` in one write transaction (see ``WriteTransaction``) with a unit of work:
    /// the events it records go to the outbox before the commit; after the commit its
    /// messages and conversation changes are published and the listeners run.
    func write<T: Sendable>(_ body: @escaping @Sendable (UnitOfWork) async throws -> T) async throws -> T {
        let app = self
        let now = kefu.clock.now()
        let (result, unit) = try await WriteTransaction.run(on: db) { tx in
            let unit = UnitOfWork(app: app, db: tx, now: now)
            let result = try await body(unit)
            try await unit.flushOutbox()
            return (result, unit)
        }
        await unit.afterCommit()
        return result
    }
}

extension UnitOfWork {
    /// Stores a message inside this transaction (its conversation's rules applied, its events
    /// recorded); it is published after the commit.
    @discardableResult
    func insert(_ message: NewMessage) async throws -> StoredMessage {
        let written = try await MessageInsert.run(message, on: sql, now: now, ids: ids)
        record(written.events)
        if !written.stored.duplicate { stored(written.stored) }
        if written.announce { announce(message.conversationID, accountID: message.accountID) }
        return written.stored
    }
}
