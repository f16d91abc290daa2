import Foundation
import KefuCore
import SQLKit
import Vapor

/// Tickets react to the chat: when the customer writes in a conversation linked to a ticket
/// that waits on them (pending) or is solved, the ticket opens again with a timeline entry
/// pointing at the message.
///
/// Inline, not durable: as a durable listener of `message.created` it made the event runner
/// write a cursor transaction for every batch of chat messages, competing with the message
/// writer for SQLite's one write lock (p99 at 2,880 msg/s went from 45 ms to 1.75 s). Inline it
/// costs one indexed read per shopper message and writes only when a ticket is linked; a
/// reopen lost to a crash in between is made by the customer's next message.
struct TicketsListener: InlineListener {
    let name = "tickets.customer_replies"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        for event in events {
            guard case .messageCreated(let f) = event.fact, f.senderType == .visitor, !f.isPrivate else { continue }
            let linked = try await (app.db as! any SQLDatabase).raw("""
                SELECT 1 AS x FROM ticket_links WHERE account_id = \(bind: event.accountID) AND conversation_id = \(bind: f.conversation.id) LIMIT 1
                """).first()
            guard linked != nil else { continue }
            try await app.write { unit in
                try await app.tickets.customerWrote(in: f.conversation.id, accountID: event.accountID, messageID: f.messageID, unit: unit)
            }
        }
    }
}

extension Application {
    /// The tickets service (the only writer of tickets).
    var tickets: Tickets { Tickets(app: self) }
}
