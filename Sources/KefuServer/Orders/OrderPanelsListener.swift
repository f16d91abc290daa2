import Foundation
import KefuCore
import Vapor

/// Agents' order panels load a customer's orders again when one of them changes (the
/// platform, a colleague, a reminder): an `order.updated` frame per customer and operation
/// (inline). A file import changes too many at once to tell each; panels load on opening.
struct OrderPanelsListener: InlineListener {
    let name = "order-panels"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        var latest: [UUID: (accountID: UUID, order: OrderSnapshot)] = [:]
        for event in events {
            if case .orderUpdated(let f) = event.fact, f.imported { continue }
            guard let order = event.fact.order, let contactID = order.contactID else { continue }
            latest[contactID] = (event.accountID, order)
        }
        for (contactID, item) in latest {
            app.chat.relay(HubEvent(accountID: item.accountID, conversationID: nil, inboxID: nil, contactID: contactID, toVisitor: false,
                                    toAgents: true, frame: FrameCoder.encode(ServerFrame.OrderUpdated(
                                        contactId: contactID, externalId: item.order.externalID, status: item.order.status.rawValue)),
                                    except: nil))
        }
    }
}
