import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A durable listener that writes one row per event it handles into `test_seen`, in its
/// transaction (so a handled event and its row commit together), and can be told to fail.
struct RecordingListener: DurableListener {
    let name: String
    let kinds: Set<EventKind>
    /// Events whose text contains this fail (a listener that cannot handle them).
    var failOn: String?

    static func createTable(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE TABLE IF NOT EXISTS test_seen (listener TEXT NOT NULL, event_id TEXT NOT NULL)").run()
    }

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        if let failOn, case .messageCreated(let f) = event.fact, f.text.contains(failOn) {
            throw DomainError(.conflict, code: "test_failure", message: "this listener cannot handle '\(f.text)'")
        }
        try await unit.sql.raw("INSERT INTO test_seen (listener, event_id) VALUES (\(bind: name), \(bind: event.id.uuidString))").run()
    }

    /// How many times each event id was handled.
    static func seen(_ name: String, on db: any Database) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await (db as! any SQLDatabase).raw("SELECT event_id FROM test_seen WHERE listener = \(bind: name)").all() {
            counts[try row.decode(column: "event_id", as: String.self), default: 0] += 1
        }
        return counts
    }
}

/// The ids of the outbox's events of `kinds`.
func outboxEvents(_ kinds: Set<EventKind>, on db: any Database) async throws -> [String] {
    let rows = try await (db as! any SQLDatabase).raw("SELECT payload FROM event_outbox ORDER BY id").all()
    return try rows.compactMap { row in
        let event = try JSONDecoder().decode(DomainEvent.self, from: Data(try row.decode(column: "payload", as: String.self).utf8))
        return kinds.contains(event.kind) ? event.id.uuidString : nil
    }
}

/// An inline listener that fails on every event (to show that others still run).
struct FailingInlineListener: InlineListener {
    let name = "test-failing"
    func handle(_ events: [DomainEvent], app: Application) async throws {
        throw DomainError(.conflict, code: "test_failure", message: "an inline listener failed")
    }
}

/// An inline listener that remembers the kinds it saw.
final class SpyInlineListener: InlineListener, Sendable {
    let name = "test-spy"
    private let box = NIOLockedValueBox<[EventKind]>([])
    var kinds: [EventKind] { box.withLockedValue { $0 } }
    func handle(_ events: [DomainEvent], app: Application) async throws {
        box.withLockedValue { $0.append(contentsOf: events.map(\.kind)) }
    }
}
