import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Where the chat flow tells routing what happened.
enum RoutingHooks {
    /// A shopper's message was stored in a conversation the bot is not answering: start the
    /// answer clock, route it if nobody has it, then the automatic replies.
    static func shopperWrote(_ text: String, conversationID: UUID, accountID: UUID, app: Application) async throws {
        let db = app.db
        try await (db as! any SQLDatabase).raw("""
            UPDATE conversations SET awaiting_since = \(bind: Date())
            WHERE id = \(bind: conversationID) AND account_id = \(bind: accountID) AND awaiting_since IS NULL
            """).run()
        guard var conversation = try await RoutingService.load(conversationID, accountID: accountID, on: db),
              !conversation.botActive, conversation.status == .open else { return }
        if conversation.assigneeID == nil {
            try await app.routing.route(conversationID, accountID: accountID)
            guard let fresh = try await RoutingService.load(conversationID, accountID: accountID, on: db) else { return }
            conversation = fresh
        }
        if !text.isEmpty { try await AutoReplier(app: app).afterShopperMessage(text, conversation: conversation) }
    }

    /// A person answered publicly: the answer clock stops; the first answer is a reporting
    /// event; a queued conversation the agent answered directly is theirs now.
    static func agentReplied(_ conversation: Conversation, agentID: UUID, on db: any Database) async throws {
        let now = Date()
        var changed = false
        if conversation.awaitingSince != nil { conversation.awaitingSince = nil; changed = true }
        if let queued = conversation.queuedAt {
            conversation.queuedAt = nil
            conversation.assignedAt = now
            try await ConversationEvent("assigned", conversation: conversation, agentID: agentID, seconds: now.timeIntervalSince(queued)).create(on: db)
            changed = true
        }
        if conversation.firstResponseAt == nil {
            conversation.firstResponseAt = now
            try await ConversationEvent("first_response", conversation: conversation, agentID: agentID,
                                        seconds: now.timeIntervalSince(conversation.createdAt)).create(on: db)
            changed = true
        }
        if changed { try await conversation.save(on: db) }
    }

    /// Someone set or cleared the assignee by hand (or moved the conversation to another inbox).
    static func assignedByHand(_ conversation: Conversation, previous: UUID?, by actorID: UUID?) -> [ConversationEvent] {
        let now = Date()
        var events: [ConversationEvent] = []
        if let assignee = conversation.assigneeID, assignee != previous {
            if let queued = conversation.queuedAt {
                events.append(ConversationEvent("assigned", conversation: conversation, agentID: assignee, seconds: now.timeIntervalSince(queued)))
            } else if previous != nil {
                events.append(ConversationEvent("transferred", conversation: conversation, agentID: assignee, fromAgentID: previous))
            }
            conversation.queuedAt = nil
            conversation.assignedAt = now
        } else if conversation.assigneeID == nil, previous != nil, conversation.status == .open {
            // Back to the queue of its inbox.
            conversation.queuedAt = now
            events.append(ConversationEvent("transferred", conversation: conversation, fromAgentID: previous))
        }
        return events
    }
}
