import Fluent
import Foundation
import KefuCore
import Vapor

/// Who asks the ``Conversations`` service for something: what they may see (``Viewer``),
/// who the domain events name (``EventActor``) and how their messages are signed.
struct Caller: Sendable {
    var viewer: Viewer
    var actor: EventActor
    /// The sender of this caller's messages.
    var sender: SenderDTO?
    var senderType: SenderType

    var accountID: UUID { viewer.accountID }

    /// A signed-in member or an API token (whose messages are the integration's, signed with
    /// the token's name). Agents see the conversations of their inboxes only.
    static func member(_ principal: Principal, on db: any Database) async throws -> Caller {
        let viewer = try await Viewer.staff(principal, on: db)
        if let userID = principal.userID,
           let user = try await User.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
            return Caller(viewer: viewer, actor: .agent(userID: userID), sender: ConversationOps.sender(of: user), senderType: .agent)
        }
        guard let tokenID = principal.tokenID else { throw DomainError.forbidden("sign in or send an API token") }
        let name = principal.label.hasPrefix("token:") ? String(principal.label.dropFirst(6)) : principal.label
        return Caller(viewer: viewer, actor: .token(tokenID: tokenID), sender: SenderDTO(id: tokenID, name: name, agentNumber: nil),
                      senderType: .bot)
    }

    /// A shopper with a visitor token: their own conversations in their inbox's shop.
    static func visitor(accountID: UUID, contactID: UUID, inboxID: UUID, name: String?) -> Caller {
        Caller(viewer: .visitor(accountID: accountID, contactID: contactID, inboxID: inboxID), actor: .visitor(contactID: contactID),
               sender: SenderDTO(id: contactID, name: name, agentNumber: nil), senderType: .visitor)
    }

    /// Kefu itself (routing, timers, jobs): sees the whole shop; its timeline entries have no sender.
    static func system(_ accountID: UUID) -> Caller {
        Caller(viewer: .staff(accountID: accountID, role: .owner, userID: nil, inboxIDs: nil), actor: .system, sender: nil, senderType: .system)
    }

    /// The FAQ bot, the automatic replies and the shop's own order messages, signed `sender`.
    static func bot(_ accountID: UUID, sender: SenderDTO, actor: EventActor = .bot) -> Caller {
        Caller(viewer: .staff(accountID: accountID, role: .owner, userID: nil, inboxIDs: nil), actor: actor, sender: sender, senderType: .bot)
    }

    /// What a message from this caller is for the conversation's rules.
    func role(isPrivate: Bool, botStartsOnReopen: Bool = false) -> MessageRole {
        if isPrivate { return .note }
        switch senderType {
        case .visitor: return .shopper(botStartsOnReopen: botStartsOnReopen)
        case .agent: return .teamReply(agentID: actor.userID)
        case .bot:
            if case .token = actor { return .teamReply(agentID: nil) }
            return .automatic
        case .system: return .system
        }
    }

    /// Who uploads this caller's attachments ("visitor" or "agent").
    var uploaderType: String { senderType == .visitor ? "visitor" : "agent" }
}
