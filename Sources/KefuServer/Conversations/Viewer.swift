import Fluent
import Foundation
import KefuCore
import Vapor

/// Who looks at conversations, and which ones they may see: a visitor its own;
/// an agent those of its inboxes; supervisors, admins, owners and API tokens all
/// of the shop's. A conversation one may not see answers exactly like one that
/// does not exist.
enum Viewer: Sendable {
    case visitor(accountID: UUID, contactID: UUID, inboxID: UUID)
    case staff(accountID: UUID, role: Role, userID: UUID?, inboxIDs: Set<UUID>?)

    var accountID: UUID {
        switch self {
        case .visitor(let a, _, _), .staff(let a, _, _, _): a
        }
    }

    var isVisitor: Bool {
        if case .visitor = self { return true }
        return false
    }

    static func staff(_ principal: Principal, on db: any Database) async throws -> Viewer {
        var inboxes: Set<UUID>?
        if principal.role == .agent, let userID = principal.userID {
            inboxes = Set(try await InboxMember.query(on: db).filter(\.$accountID == principal.accountID)
                .filter(\.$userID == userID).all(\.$inboxID))
        }
        return .staff(accountID: principal.accountID, role: principal.role, userID: principal.userID, inboxIDs: inboxes)
    }

    /// Conversations this viewer may see.
    func conversations(on db: any Database) -> QueryBuilder<Conversation> {
        let query = Conversation.query(on: db).filter(\.$accountID == accountID)
        switch self {
        case .visitor(_, let contactID, _):
            return query.filter(\.$contactID == contactID)
        case .staff(_, _, _, let inboxes):
            if let inboxes { return query.filter(\.$inboxID ~~ Array(inboxes)) }
            return query
        }
    }

    /// The contact `id` if this viewer may see it: a visitor only themselves; an agent
    /// limited to some inboxes a customer with a conversation there; everyone else the shop's.
    func contact(_ id: UUID?, on db: any Database) async throws -> Contact {
        guard let id, let contact = try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("contact")
        }
        switch self {
        case .visitor(_, let contactID, _):
            guard contactID == id else { throw DomainError.notFound("contact") }
        case .staff(_, _, _, .some):
            guard try await conversations(on: db).filter(\.$contactID == id).first() != nil else { throw DomainError.notFound("contact") }
        case .staff(_, _, _, nil):
            break
        }
        return contact
    }

    func conversation(_ id: UUID?, on db: any Database) async throws -> Conversation {
        guard let id, let conversation = try await conversations(on: db).filter(\.$id == id).first() else {
            throw DomainError.notFound("conversation")
        }
        return conversation
    }
}
