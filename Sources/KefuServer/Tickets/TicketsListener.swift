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
/// costs a cache lookup per shopper message (``ConversationDirectory/linkedToTicket(_:accountID:on:)``,
/// an indexed read on a miss) and writes only when a ticket is linked; a reopen lost to a crash
/// in between is made by the customer's next message.
struct TicketsListener: InlineListener {
    let name = "tickets.customer_replies"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        for event in events {
            guard case .messageCreated(let f) = event.fact, f.senderType == .visitor, !f.isPrivate else { continue }
            guard try await app.conversationDirectory.linkedToTicket(f.conversation.id, accountID: event.accountID, on: app.db) else { continue }
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
