import Fluent
import Foundation
import KefuCore
import Vapor

/// Countdowns, the ticket's page and the breach list hear at once that an SLA clock warned or
/// breached: an `sla.alert` frame to who may see the ticket or conversation — its inbox's agents
/// and the members who see every inbox — and to a ticket's assignee (inline, after the timer's
/// commit, on every instance through the cluster bus).
struct SLAAlertListener: InlineListener {
    let name = "sla-alerts"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        // The tickets' assignees, one query for the whole batch of the timer's pass.
        let ticketIDs = events.compactMap { event -> UUID? in
            switch event.fact {
            case .slaWarned(let a) where a.targetType == .ticket, .slaBreached(let a) where a.targetType == .ticket: a.targetID
            default: nil
            }
        }
        var assignees: [UUID: UUID] = [:]
        if !ticketIDs.isEmpty {
            let accounts = Array(Set(events.map(\.accountID)))
            for ticket in try await Ticket.query(on: app.db).filter(\.$accountID ~~ accounts).filter(\.$id ~~ Array(Set(ticketIDs))).all() {
                if let assignee = ticket.assigneeID { assignees[ticket.id!] = assignee }
            }
        }
        for event in events {
            let (kind, alert): (String, SLAAlert)
            switch event.fact {
            case .slaWarned(let a): (kind, alert) = ("warned", a)
            case .slaBreached(let a): (kind, alert) = ("breached", a)
            default: continue
            }
            let frame = FrameCoder.encode(ServerFrame.SLAAlertFrame(kind: kind, targetType: alert.targetType, targetId: alert.targetID,
                                                                    metric: alert.metric, at: alert.at))
            app.chat.relay(HubEvent(accountID: event.accountID, conversationID: nil, inboxID: alert.inboxID, contactID: nil, toVisitor: false,
                                    toAgents: true, frame: frame, except: nil, staffOnly: true))
            if alert.targetType == .ticket, let assignee = assignees[alert.targetID] {
                app.chat.relay(HubEvent(accountID: event.accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false,
                                        toAgents: true, frame: frame, except: nil, toUser: assignee))
            }
        }
    }
}
