import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The one writer of the append-only reporting table (`conversation_events`): each domain
/// event becomes the rows ``ReportingRules`` says, exactly once (durable).
struct ReportingListener: DurableListener {
    let name = "reporting"
    let kinds: Set<EventKind> = [.conversationOpened, .queued, .assigneeChanged, .inboxChanged, .firstHumanReply, .botHandedOver,
                                 .statusChanged, .merged]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        for row in ReportingRules.rows(for: event) {
            try await unit.sql.raw("""
                INSERT INTO conversation_events (account_id, conversation_id, inbox_id, kind, agent_id, from_agent_id, seconds, detail, created_at)
                VALUES (\(bind: event.accountID), \(bind: row.conversationID), \(bind: row.inboxID), \(bind: row.kind.rawValue),
                        \(bind: row.agentID), \(bind: row.fromAgentID), \(bind: row.seconds), \(bind: row.detail), \(bind: row.at))
                """).run()
        }
    }
}
