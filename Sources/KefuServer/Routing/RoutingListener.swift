import Foundation
import KefuCore
import Vapor

/// Routing's reactions (inline): a conversation that now needs an agent is routed at once;
/// a change that may free a place (a resolution, a new assignee, a status away from open)
/// wakes the queue's sweep.
struct RoutingListener: InlineListener {
    let name = "routing"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        var route: [UUID: UUID] = [:]   // conversation → account, once per operation
        var kick = false
        for event in events {
            switch event.fact {
            case .messageCreated(let f) where f.senderType == .visitor:
                // Once queued, another message changes nothing for routing: the queue's sweep
                // serves it in its turn (routing it per message cost a transaction each).
                if needsAgent(f.conversation), f.conversation.queuedAt == nil { route[f.conversation.id] = event.accountID }
            case .assigneeChanged(let f):
                if f.from != nil { kick = true }
                if f.to == nil, needsAgent(f.conversation) { route[f.conversation.id] = event.accountID }
            case .inboxChanged(let f):
                if needsAgent(f.conversation) { route[f.conversation.id] = event.accountID }
            case .botHandedOver(let f) where f.reason == .shopperAsked:
                if needsAgent(f.conversation) { route[f.conversation.id] = event.accountID }
            case .statusChanged(let f):
                if f.from == .open { kick = true }
                // Opened again by the team (a shopper's own message is handled above).
                if f.to == .open, !isShopper(event.actor), needsAgent(f.conversation) { route[f.conversation.id] = event.accountID }
            default:
                break
            }
        }
        for (conversationID, accountID) in route {
            try await app.routing.route(conversationID, accountID: accountID)
        }
        if kick { app.routing.kick() }
    }

    private func needsAgent(_ c: ConversationSnapshot) -> Bool {
        c.status == .open && c.assigneeID == nil && !c.botActive
    }

    private func isShopper(_ actor: EventActor) -> Bool {
        if case .visitor = actor { return true }
        return false
    }
}
