import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit

/// The event outbox (`event_outbox`): every domain event is a row written in the same
/// transaction as the fact it records, so an event is never lost nor told of a change that
/// did not happen. Durable listeners read it in order behind their cursors.
///
/// Order: on SQLite one writer commits at a time, so ids grow in commit order. On
/// PostgreSQL ids are taken before commit, so a reader could see id 7 committed while id 6
/// is still open and skip it for good; each row therefore carries its transaction id (`tx`)
/// and readers take only rows of transactions older than every transaction still running
/// (`pg_snapshot_xmin`), in (tx, id) order. A long-running write transaction delays durable
/// listeners until it ends; it never makes them skip an event.
enum EventOutbox {
    /// A position in the outbox: (tx, id) order.
    struct Position: Comparable, Sendable, Equatable {
        var tx: Int64
        var id: Int64
        static let start = Position(tx: 0, id: 0)
        static func < (a: Position, b: Position) -> Bool { (a.tx, a.id) < (b.tx, b.id) }
    }

    /// One row as read: who and what without decoding the payload, which is decoded when a
    /// listener wants the event (once for every listener reading it: ``DecodedEvents``).
    struct Row: Sendable {
        var position: Position
        var eventID: UUID
        var accountID: UUID
        var kind: EventKind?
        var payload: String

        func event(_ cache: DecodedEvents) throws -> DomainEvent {
            try cache.event(eventID) { try EventOutbox.decoder.decode(DomainEvent.self, from: Data(payload.utf8)) }
        }
    }

    static let encoder: JSONEncoder = JSONEncoder()
    static let decoder: JSONDecoder = JSONDecoder()

    /// Appends `events` inside the caller's open transaction (a few multi-row inserts).
    static func append(_ events: [DomainEvent], on sql: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        for chunk in stride(from: 0, to: events.count, by: 100).map({ Array(events[$0..<min($0 + 100, events.count)]) }) {
            let values: [SQLQueryString] = chunk.map { event in
                let payload = event.outboxJSON
                return """
                    (\(bind: event.id), \(bind: event.accountID), \(bind: event.kind.rawValue), \(bind: event.fact.conversation?.id), \
                    \(bind: payload), \(bind: event.occurredAt))
                    """
            }
            let query: SQLQueryString = "INSERT INTO event_outbox (event_id, account_id, kind, conversation_id, payload, created_at) VALUES "
            try await sql.raw(query + values.joined(separator: ", ")).run()
        }
    }

    /// The last position every reader may safely pass: nothing can commit before it later.
    static func head(on sql: any SQLDatabase) async throws -> Position {
        if isPostgres(sql) {
            guard let row = try await sql.raw("""
                SELECT tx, id FROM event_outbox WHERE tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY tx DESC, id DESC LIMIT 1
                """).first() else { return .start }
            return Position(tx: try row.decode(column: "tx", as: Int64.self), id: try row.decode(column: "id", as: Int64.self))
        }
        guard let row = try await sql.raw("SELECT max(id) AS id FROM event_outbox").first(),
              let id = try row.decode(column: "id", as: Int64?.self) else { return .start }
        return Position(tx: 0, id: id)
    }

    /// Events after `after` up to `upTo` (inclusive), of `kinds` (all when empty), oldest first.
    static func read(after: Position, upTo: Position, kinds: Set<EventKind>, limit: Int, on sql: any SQLDatabase) async throws -> [Row] {
        guard after < upTo else { return [] }
        var query: SQLQueryString = """
            SELECT id, tx, event_id, account_id, kind, payload FROM event_outbox
            WHERE (tx > \(bind: after.tx) OR (tx = \(bind: after.tx) AND id > \(bind: after.id)))
              AND (tx < \(bind: upTo.tx) OR (tx = \(bind: upTo.tx) AND id <= \(bind: upTo.id)))
            """
        if !kinds.isEmpty {
            query += " AND kind IN (\(binds: kinds.map(\.rawValue).sorted()))"
        }
        query += " ORDER BY tx, id LIMIT \(unsafeRaw: String(limit))"
        return try await sql.raw(query).all().map { row in
            Row(position: Position(tx: try row.decode(column: "tx", as: Int64.self), id: try row.decode(column: "id", as: Int64.self)),
                eventID: try row.decode(column: "event_id", as: UUID.self), accountID: try row.decode(column: "account_id", as: UUID.self),
                kind: EventKind(rawValue: try row.decode(column: "kind", as: String.self)),
                payload: try row.decode(column: "payload", as: String.self))
        }
    }

    /// Deletes rows every cursor has passed and older than `before`.
    @discardableResult
    static func prune(passedBy position: Position, before: Date, on sql: any SQLDatabase) async throws -> Int {
        let rows = try await sql.raw("""
            DELETE FROM event_outbox
            WHERE (tx < \(bind: position.tx) OR (tx = \(bind: position.tx) AND id <= \(bind: position.id))) AND created_at < \(bind: before)
            RETURNING id
            """).all()
        return rows.count
    }

    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }
}

/// Decoded events by their id, the newest `limit` kept (events never change once written): the
/// durable listeners read the same events one after another (every chat message is read by
/// reporting, SLA and automation), and each is decoded once. One per application.
final class DecodedEvents: Sendable {
    private struct State {
        var events: [UUID: DomainEvent] = [:]
        var order: [UUID] = []
        var head = 0
    }
    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) { self.limit = limit }

    func event(_ id: UUID, decode: () throws -> DomainEvent) throws -> DomainEvent {
        if let hit = state.withLockedValue({ $0.events[id] }) { return hit }
        let event = try decode()
        state.withLockedValue { s in
            guard s.events[id] == nil else { return }
            if s.order.count < limit {
                s.order.append(id)
            } else {
                // A ring: the oldest entry makes room.
                s.events[s.order[s.head]] = nil
                s.order[s.head] = id
                s.head = (s.head + 1) % limit
            }
            s.events[id] = event
        }
        return event
    }
}
