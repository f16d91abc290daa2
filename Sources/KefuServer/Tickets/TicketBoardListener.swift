import Fluent
import Foundation
import KefuCore
import Vapor

/// Ticket lists and pages stay current without waiting for their poll: after a ticket, one of
/// its cases or a compensation on it changed, a `ticket.changed` frame (id and number, no
/// content) goes to who may see the ticket — its inbox's agents and the members who see every
/// inbox, or only the latter when it has no inbox — and to its assignee (inline, on every
/// instance through the cluster bus).
struct TicketBoardListener: InlineListener {
    let name = "ticket-board"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        var tickets: [UUID: (accountID: UUID, snapshot: TicketSnapshot?)] = [:]
        for event in events {
            switch event.fact {
            case .ticketCreated(let f): tickets[f.ticket.id] = (event.accountID, f.ticket)
            case .ticketUpdated(let f): tickets[f.ticket.id] = (event.accountID, f.ticket)
            case .ticketCommented(let f): tickets[f.ticket.id] = (event.accountID, f.ticket)
            case .caseUpdated(let f): if tickets[f.afterSaleCase.ticketID] == nil { tickets[f.afterSaleCase.ticketID] = (event.accountID, nil) }
            case .compensationApproved(let f): if tickets[f.entry.ticketID] == nil { tickets[f.entry.ticketID] = (event.accountID, nil) }
            default: continue
            }
        }
        guard !tickets.isEmpty else { return }
        // Cases and compensations name only their ticket: read where it lives.
        let unknown = tickets.filter { $0.value.snapshot == nil }.map(\.key)
        if !unknown.isEmpty {
            for ticket in try await Ticket.query(on: app.db).filter(\.$id ~~ unknown).all() where tickets[ticket.id!]?.accountID == ticket.accountID {
                tickets[ticket.id!] = (ticket.accountID, ticket.snapshot)
            }
        }
        for (id, item) in tickets {
            guard let ticket = item.snapshot else { continue }
            let frame = FrameCoder.encode(ServerFrame.TicketChanged(ticketId: id, number: ticket.number))
            app.chat.relay(HubEvent(accountID: item.accountID, conversationID: nil, inboxID: ticket.inboxID, contactID: nil, toVisitor: false,
                                    toAgents: true, frame: frame, except: nil, staffOnly: true))
            if let assignee = ticket.assigneeID {
                app.chat.relay(HubEvent(accountID: item.accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false,
                                        toAgents: true, frame: frame, except: nil, toUser: assignee))
            }
        }
    }
}
