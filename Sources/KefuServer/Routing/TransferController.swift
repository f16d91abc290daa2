import Fluent
import Foundation
import KefuCore
import Vapor

struct TransferRequest: StrictContent {
    static let allowedFields: Set<String> = ["assigneeId", "inboxId", "note"]
    var assigneeId: UUID?
    var inboxId: UUID?
    var note: String?
}

/// `POST /api/v1/conversations/{id}/transfer`: hand a conversation to another agent or
/// inbox with a note for them. To an inbox without an agent, it queues there.
struct TransferController {
    func transfer(_ req: Request) async throws -> ConversationDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(TransferRequest.self)
        let (_, conversation) = try await ConversationsController.find(req)
        guard input.assigneeId != nil || input.inboxId != nil else {
            throw DomainError.invalid("assigneeId", "name the agent (assigneeId) or the inbox (inboxId) to transfer to")
        }
        let note = try Validate.optionalText(input.note, field: "note", limit: 1000)
        let db = req.db
        var target: Inbox?
        if let inboxID = input.inboxId {
            guard let inbox = try await Inbox.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == inboxID)
                .filter(\.$active == true).first() else {
                throw DomainError.invalid("inboxId", "inboxId names no active inbox of this shop")
            }
            target = inbox
        }
        var agent: User?
        if let agentID = input.assigneeId {
            guard let user = try await User.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == agentID)
                .filter(\.$active == true).first() else {
                throw DomainError.invalid("assigneeId", "assigneeId names no active member of this shop")
            }
            guard agentID != conversation.assigneeID || target != nil else {
                throw DomainError.invalid("assigneeId", "the conversation is already with this agent")
            }
            agent = user
        }
        let previous = conversation.assigneeID
        if let target { conversation.inboxID = target.id! }
        conversation.assigneeID = agent?.id
        if conversation.status != .open { conversation.status = .open; conversation.snoozedUntil = nil }
        conversation.botActive = false
        conversation.updatedAt = Date()
        let reporting = RoutingHooks.assignedByHand(conversation, previous: previous, by: principal.userID)
            + (agent == nil && previous == nil ? [ConversationEvent("transferred", conversation: conversation)] : [])
        try await db.transaction { tx in
            try await conversation.save(on: tx)
            for event in reporting { try await event.create(on: tx) }
        }
        let (sender, _) = try await ConversationsController.sender(principal, on: db)
        let detail = agent.map { "\($0.agentNumber) \($0.displayName)" } ?? target?.name ?? ""
        _ = try await req.application.chat.writer.write(NewMessage(
            accountID: principal.accountID, conversationID: conversation.id!, senderType: .system, sender: sender, clientMessageID: nil,
            text: detail, isPrivate: true, attachments: [], event: "conversation.transferred", createdAt: nil))
        if let note {
            _ = try await req.application.chat.writer.write(NewMessage(
                accountID: principal.accountID, conversationID: conversation.id!, senderType: principal.userID == nil ? .bot : .agent,
                sender: sender, clientMessageID: nil, text: note, isPrivate: true, attachments: [], event: nil, createdAt: nil))
        }
        if conversation.assigneeID == nil {
            try await req.application.routing.route(conversation.id!, accountID: principal.accountID)
        }
        return try await ConversationsController.announce(conversation.id!, accountID: principal.accountID, req)
    }
}
