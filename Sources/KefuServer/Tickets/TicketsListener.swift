import Foundation
import KefuCore
import Vapor

/// Tickets react to the chat: when the customer writes in a conversation linked to a ticket
/// that waits on them (pending) or is solved, the ticket opens again with a timeline entry
/// pointing at the message (durable: exactly once, in the cursor's transaction).
struct TicketsListener: DurableListener {
    let name = "tickets.customer_replies"
    let kinds: Set<EventKind> = [.messageCreated]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        guard case .messageCreated(let f) = event.fact, f.senderType == .visitor, !f.isPrivate else { return }
        try await unit.app.tickets.customerWrote(in: f.conversation.id, accountID: event.accountID, messageID: f.messageID, unit: unit)
    }
}

extension Application {
    /// The tickets service (the only writer of tickets).
    var tickets: Tickets { Tickets(app: self) }
}
