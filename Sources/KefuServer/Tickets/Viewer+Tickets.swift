import Fluent
import Foundation
import KefuCore

extension Viewer {
    /// Tickets this viewer may see: a visitor their own; an agent limited to some inboxes the
    /// tickets of those inboxes and those assigned to them (a shop-wide ticket, without an inbox,
    /// only when it is theirs: it may name any customer); everyone else the shop's.
    func tickets(on db: any Database) -> QueryBuilder<Ticket> {
        let query = Ticket.query(on: db).filter(\.$accountID == accountID)
        switch self {
        case .visitor(_, let contactID, _):
            return query.filter(\.$contactID == contactID)
        case .staff(_, _, let userID, let inboxes):
            guard let inboxes else { return query }
            guard let userID else { return query.filter(\.$inboxID ~~ Array(inboxes)) }
            return query.group(.or) { or in
                or.filter(\.$assigneeID == userID)
                if !inboxes.isEmpty { or.filter(\.$inboxID ~~ Array(inboxes)) }
            }
        }
    }

    /// The ticket `id` if this viewer may see it; one they may not see is not found.
    func ticket(_ id: UUID?, on db: any Database) async throws -> Ticket {
        guard let id, let ticket = try await tickets(on: db).filter(\.$id == id).first() else { throw DomainError.notFound("ticket") }
        return ticket
    }
}
