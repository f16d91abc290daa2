import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The conversations of every shop and the only writer of their state. The socket
/// sessions, the REST controllers, order cards, routing, the FAQ bot, automatic replies and
/// jobs all ask it; it checks what the caller may see (``Caller/viewer``), applies the
/// conversation's rules (``ConversationChange`` in KefuCore), writes the change, its
/// timeline entries and its domain events in one transaction, and after the commit tells
/// the sockets and runs the listeners (``EventBus``).
///
/// Operations: ``send(_:in:by:afterCommit:)`` and ``sendAsVisitor(_:requested:by:afterCommit:)``
/// (messages, through the group-commit writer), ``open(contactID:inboxID:accountID:botActive:by:)``,
/// ``update(_:_:by:)`` and ``transfer(_:assignee:inbox:note:by:)`` (one reassignment rule set),
/// ``route(_:accountID:expecting:reason:choose:)`` and ``enqueue(_:accountID:position:etaSeconds:)``
/// (for routing), ``handOver(_:reason:by:)``, ``merge(_:into:by:)``, ``markRead(_:seq:by:)``,
/// ``wakeSnoozed(now:)``.
struct Conversations {
    let app: Application

    var db: any Database { app.db }

    /// The conversation `id` as `caller` sees it; one they may not see is not found.
    func find(_ id: UUID?, as caller: Caller) async throws -> Conversation {
        try await caller.viewer.conversation(id, on: db)
    }

    /// Tells agents' sockets (here and on the other instances) that the conversation changed.
    func announce(_ id: UUID, accountID: UUID) async {
        do {
            guard let fresh = try await ConversationListing.one(id, accountID: accountID, on: db as! any SQLDatabase) else { return }
            app.chat.conversationChanged(fresh, accountID: accountID)
        } catch {
            app.logger.warning("could not announce a conversation change", metadata: ["error": "\(error)", "component": "conversations"])
        }
    }

    /// The conversation as the caller sees it now, for a REST answer.
    func dto(_ id: UUID, as caller: Caller) async throws -> ConversationDTO {
        let conversation = try await find(id, as: caller)
        return ConversationDTO(conversation, contact: try await ConversationOps.contact(of: conversation, on: db))
    }

    // MARK: opening

    /// Starts a conversation of `contactID` in `inboxID`.
    func open(contactID: UUID, inboxID: UUID, accountID: UUID, botActive: Bool, by actor: EventActor) async throws -> Conversation {
        try await app.write { unit in
            try await open(contactID: contactID, inboxID: inboxID, accountID: accountID, botActive: botActive, by: actor, in: unit)
        }
    }

    /// Starts a conversation inside `unit`'s transaction (with the message that needs it).
    func open(contactID: UUID, inboxID: UUID, accountID: UUID, botActive: Bool, by actor: EventActor,
              in unit: UnitOfWork) async throws -> Conversation {
        let conversation = Conversation(accountID: accountID, inboxID: inboxID, contactID: contactID, now: unit.now)
        conversation.id = unit.ids.make()
        conversation.botActive = botActive
        try await conversation.create(on: unit.db)
        unit.record([.conversationOpened(ConversationOpened(conversation: conversation.state.snapshot, channel: conversation.channel))],
                    accountID: accountID, actor: actor)
        return conversation
    }

    /// The conversation a visitor's message goes to: the one named (or the one it was merged
    /// into), else the visitor's latest unresolved one in the inbox, else a new one (which
    /// the inbox's FAQ bot answers first if it is set so).
    func forVisitor(_ caller: Caller, requested: UUID?) async throws -> Conversation {
        guard case .visitor(let accountID, let contactID, let inboxID) = caller.viewer else {
            throw DomainError.forbidden("only a visitor writes as the shopper")
        }
        if let requested {
            var conversation = try await find(requested, as: caller)
            for _ in 0..<4 {
                guard let target = conversation.mergedIntoID else { break }
                conversation = try await find(target, as: caller)
            }
            return conversation
        }
        if let latest = try await caller.viewer.conversations(on: db).filter(\.$inboxID == inboxID)
            .filter(\.$status != .resolved).filter(\.$mergedIntoID == nil).sort(\.$createdAt, .descending).first() {
            return latest
        }
        let inbox = try await ConversationOps.inbox(inboxID, accountID: accountID, on: db)
        let bot = inbox.map { FAQBot.startsWithBot($0, at: app.kefu.clock.now()) } ?? false
        return try await open(contactID: contactID, inboxID: inboxID, accountID: accountID, botActive: bot, by: caller.actor)
    }
}

extension Application {
    /// The conversations service (stateless; see ``Conversations``).
    var conversations: Conversations { Conversations(app: self) }
}
