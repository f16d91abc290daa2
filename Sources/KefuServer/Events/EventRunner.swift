import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Feeds the durable listeners from the outbox. Each listener has a cursor row
/// (`event_cursors`); a pass takes the cursor's row lock (`FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, so another instance moves on to another listener; SQLite has one writer),
/// reads the next events of the listener's kinds, lets the listener handle them and moves
/// the cursor, all in one transaction: an event is handled exactly once, on one instance,
/// and a crash before the commit hands the same events to the next pass.
///
/// A batch that fails is rolled back; the listener then goes one event at a time with
/// back-off, so the events before the failing one commit; after ``maxAttempts`` the
/// failing event is recorded in `event_failures` and passed over.
enum EventRunner {
    static let jobName = "events.durable"
    static let batch = 200
    static let maxAttempts = 5

    /// One pass over every durable listener; true when one of them has more waiting.
    static func pass(_ app: Application, now: Date) async throws -> Bool {
        var more = false
        let bus = app.events
        let full = bus.beginPass()
        for listener in bus.durable where full || bus.hasNews(listener) {
            let count = bus.writtenCount(of: listener.kinds)
            switch try await step(listener, app: app, now: now) {
            case .more: more = true
            case .done: bus.caughtUp(listener, at: count)
            case .failed, .waiting: break
            }
        }
        return more
    }

    private struct Cursor {
        var position: EventOutbox.Position
        var attempts: Int
        var retryAt: Date?
    }

    /// `.done`: read to the end; `.more`: a full batch handled, more may wait; `.waiting`: the
    /// listener backs off after a failure (or another instance holds it); `.failed`: the batch failed.
    enum Step { case done, more, waiting, failed }

    /// Handles the listener's next batch.
    static func step(_ listener: any DurableListener, app: Application, now: Date) async throws -> Step {
        if !app.events.cursorKnown(listener.name) {
            try await ensureCursor(listener.name, on: app.db, now: now)
            app.events.noteCursor(listener.name)
        }
        do {
            return try await handleBatch(listener, app: app, now: now)
        } catch {
            try await failed(listener, error: error, app: app, now: now)
            return .failed
        }
    }

    private static func handleBatch(_ listener: any DurableListener, app: Application, now: Date) async throws -> Step {
        let unitBox = UnitBox()
        let step: Step = try await WriteTransaction.run(on: app.db) { tx in
            let sql = tx as! any SQLDatabase
            guard let cursor = try await lockCursor(listener.name, on: sql), (cursor.retryAt ?? .distantPast) <= now else { return .waiting }
            let head = try await EventOutbox.head(on: sql)
            let limit = cursor.attempts > 0 ? 1 : batch
            let rows = try await EventOutbox.read(after: cursor.position, upTo: head, kinds: listener.kinds, limit: limit, on: sql)
            let unit = UnitOfWork(app: app, db: tx, now: now)
            for row in rows {
                // A listener with nothing to do for this shop and kind skips the event undecoded.
                guard let kind = row.kind, try await listener.wants(kind, accountID: row.accountID, app: app, on: tx) else { continue }
                try await listener.handle(try row.event(app.events.decoded), in: unit)
            }
            try await unit.flushOutbox()
            let reachedEnd = rows.count < limit
            let next = reachedEnd ? max(head, cursor.position) : rows.last!.position
            if next != cursor.position || cursor.attempts > 0 {
                try await sql.raw("""
                    UPDATE event_cursors SET last_tx = \(bind: next.tx), last_id = \(bind: next.id), attempts = 0, retry_at = NULL,
                      last_error = NULL, updated_at = \(bind: now)
                    WHERE name = \(bind: listener.name)
                    """).run()
            }
            unitBox.unit = unit
            return reachedEnd ? .done : .more
        }
        await unitBox.unit?.afterCommit()
        return step
    }

    /// The batch failed and was rolled back: count the attempt, wait, and after
    /// ``maxAttempts`` set the event aside so the listener goes on.
    private static func failed(_ listener: any DurableListener, error: any Error, app: Application, now: Date) async throws {
        let message = String(String(reflecting: error).prefix(500))
        app.logger.warning("durable listener failed", metadata: ["listener": "\(listener.name)", "error": "\(message)", "component": "events"])
        try await WriteTransaction.run(on: app.db) { tx in
            let sql = tx as! any SQLDatabase
            guard let cursor = try await lockCursor(listener.name, on: sql) else { return }
            let attempts = cursor.attempts + 1
            if attempts >= maxAttempts {
                let head = try await EventOutbox.head(on: sql)
                if let found = try await EventOutbox.read(after: cursor.position, upTo: head, kinds: listener.kinds, limit: 1, on: sql).first {
                    let row = (position: found.position, event: try found.event(app.events.decoded))
                    try await sql.raw("""
                        INSERT INTO event_failures (id, account_id, listener, event_id, outbox_id, kind, error, attempts, created_at)
                        VALUES (\(bind: app.kefu.ids.make()), \(bind: row.event.accountID), \(bind: listener.name), \(bind: row.event.id),
                                \(bind: row.position.id), \(bind: row.event.kind.rawValue), \(bind: message), \(bind: attempts), \(bind: now))
                        """).run()
                    try await sql.raw("""
                        UPDATE event_cursors SET last_tx = \(bind: row.position.tx), last_id = \(bind: row.position.id), attempts = 0,
                          retry_at = NULL, last_error = \(bind: message), updated_at = \(bind: now)
                        WHERE name = \(bind: listener.name)
                        """).run()
                    app.logger.error("durable listener gave up on an event", metadata: [
                        "listener": "\(listener.name)", "event": "\(row.event.id)", "kind": "\(row.event.kind.rawValue)", "component": "events"])
                    return
                }
            }
            let delay = WebhookRetry.delay(afterAttempt: attempts, jitter: 0.5)
            try await sql.raw("""
                UPDATE event_cursors SET attempts = \(bind: attempts), retry_at = \(bind: now.addingTimeInterval(delay)),
                  last_error = \(bind: message), updated_at = \(bind: now)
                WHERE name = \(bind: listener.name)
                """).run()
        }
    }

    // MARK: cursors

    /// Gives every registered durable listener its cursor (at start-up, before anything is
    /// written): a new listener begins at the outbox's head.
    static func ensureCursors(_ app: Application) async throws {
        let now = app.kefu.clock.now()
        for listener in app.events.durable { try await ensureCursor(listener.name, on: app.db, now: now) }
    }

    /// A listener seen for the first time starts at the outbox's head: it reacts to what
    /// happens from now on, not to history.
    static func ensureCursor(_ name: String, on db: any Database, now: Date) async throws {
        let sql = db as! any SQLDatabase
        if try await sql.raw("SELECT name FROM event_cursors WHERE name = \(bind: name)").first() != nil { return }
        let head = try await EventOutbox.head(on: sql)
        let conflict: SQLQueryString = " ON CONFLICT (name) DO NOTHING"
        try await sql.raw("""
            INSERT INTO event_cursors (name, last_tx, last_id, attempts, updated_at)
            VALUES (\(bind: name), \(bind: head.tx), \(bind: head.id), 0, \(bind: now))
            """ + conflict).run()
    }

    private static func lockCursor(_ name: String, on sql: any SQLDatabase) async throws -> Cursor? {
        let lock: SQLQueryString = EventOutbox.isPostgres(sql) ? " FOR UPDATE SKIP LOCKED" : ""
        guard let row = try await sql.raw("SELECT last_tx, last_id, attempts, retry_at FROM event_cursors WHERE name = \(bind: name)" + lock)
            .first() else { return nil }
        return Cursor(position: .init(tx: try row.decode(column: "last_tx", as: Int64.self), id: try row.decode(column: "last_id", as: Int64.self)),
                      attempts: try row.decode(column: "attempts", as: Int.self), retryAt: try row.decode(column: "retry_at", as: Date?.self))
    }

    /// The position every cursor has passed (what the janitor may delete up to).
    static func slowestCursor(on db: any Database) async throws -> EventOutbox.Position? {
        let rows = try await (db as! any SQLDatabase).raw("SELECT last_tx, last_id FROM event_cursors").all()
        return try rows.map { .init(tx: try $0.decode(column: "last_tx", as: Int64.self), id: try $0.decode(column: "last_id", as: Int64.self)) }.min()
    }

    /// Deletes outbox rows every listener has handled and that are older than a day.
    static func prune(_ app: Application, now: Date) async throws -> Bool {
        guard let slowest = try await slowestCursor(on: app.db) else { return false }
        try await EventOutbox.prune(passedBy: slowest, before: now.addingTimeInterval(-86_400), on: app.db as! any SQLDatabase)
        return false
    }
}

/// Carries the unit of work of a committed transaction out of its closure.
private final class UnitBox: @unchecked Sendable {
    var unit: UnitOfWork?
}
