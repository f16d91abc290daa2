import Fluent
import Foundation
import KefuCore
import SQLKit

/// Reading and writing a conversation's ``ConversationState`` with plain SQL, inside the
/// transaction of the operation that changes it (only the ``Conversations`` service and the
/// message writer call these).
enum ConversationRows {
    /// The columns of the state (and the automatic replies' memory), for SELECT and RETURNING.
    static let stateColumns = """
        inbox_id, contact_id, status, assignee_id, bot_active, snoozed_until, queued_at, assigned_at, first_response_at, \
        awaiting_since, merged_into_id, priority, tags, created_at, auto_state
        """

    static func state(_ row: any SQLRow, id: UUID) throws -> ConversationState {
        ConversationState(
            id: id, inboxID: try row.decode(column: "inbox_id", as: UUID.self), contactID: try row.decode(column: "contact_id", as: UUID.self),
            status: try ConversationStatus.parse(try row.decode(column: "status", as: String.self)),
            assigneeID: try row.decode(column: "assignee_id", as: UUID?.self), botActive: try row.decode(column: "bot_active", as: Bool.self),
            snoozedUntil: try row.decode(column: "snoozed_until", as: Date?.self), queuedAt: try row.decode(column: "queued_at", as: Date?.self),
            assignedAt: try row.decode(column: "assigned_at", as: Date?.self),
            firstResponseAt: try row.decode(column: "first_response_at", as: Date?.self),
            awaitingSince: try row.decode(column: "awaiting_since", as: Date?.self),
            mergedIntoID: try row.decode(column: "merged_into_id", as: UUID?.self),
            priority: try ConversationPriority.parse(try row.decode(column: "priority", as: String.self)),
            tags: try row.decode(column: "tags", as: String.self).split(separator: ",").map(String.init),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// The conversation's state, locked for the rest of the transaction on PostgreSQL
    /// (SQLite's `BEGIN IMMEDIATE` holds the whole database).
    static func load(_ id: UUID, accountID: UUID, on sql: any SQLDatabase) async throws -> (ConversationState, AutoState)? {
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let row = try await sql.raw("""
            SELECT \(unsafeRaw: stateColumns) FROM conversations WHERE id = \(bind: id) AND account_id = \(bind: accountID)
            """ + lock).first() else { return nil }
        return (try state(row, id: id), AutoState.decode(try row.decode(column: "auto_state", as: String?.self)))
    }

    /// Writes `state` (and the automatic replies' memory, when given) back.
    static func save(_ state: ConversationState, autoState: AutoState? = nil, accountID: UUID, now: Date, on sql: any SQLDatabase) async throws {
        let auto: SQLQueryString = autoState.map { (memory: AutoState) -> SQLQueryString in ", auto_state = \(bind: memory.json)" } ?? ""
        try await sql.raw("""
            UPDATE conversations SET inbox_id = \(bind: state.inboxID), status = \(bind: state.status.rawValue),
              assignee_id = \(bind: state.assigneeID), bot_active = \(bind: state.botActive), snoozed_until = \(bind: state.snoozedUntil),
              queued_at = \(bind: state.queuedAt), assigned_at = \(bind: state.assignedAt), first_response_at = \(bind: state.firstResponseAt),
              awaiting_since = \(bind: state.awaitingSince), merged_into_id = \(bind: state.mergedIntoID),
              priority = \(bind: state.priority.rawValue), tags = \(bind: state.tags.joined(separator: ",")), updated_at = \(bind: now)
            """ + auto + " WHERE id = \(bind: state.id) AND account_id = \(bind: accountID)").run()
    }
}

extension Conversation {
    var state: ConversationState {
        ConversationState(id: id!, inboxID: inboxID, contactID: contactID, status: status, assigneeID: assigneeID, botActive: botActive,
                          snoozedUntil: snoozedUntil, queuedAt: queuedAt, assignedAt: assignedAt, firstResponseAt: firstResponseAt,
                          awaitingSince: awaitingSince, mergedIntoID: mergedIntoID, priority: priority, tags: tagList, createdAt: createdAt)
    }
}
