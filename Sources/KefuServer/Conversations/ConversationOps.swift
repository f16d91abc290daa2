import Fluent
import Foundation
import KefuCore
import Vapor

/// Changes to conversations shared by the sockets and the REST handlers.
enum ConversationOps {
    /// The conversation a visitor's message goes to: the one named (reopened if
    /// resolved or snoozed), else its latest unresolved one in the inbox, else a new one.
    static func forVisitorMessage(contactID: UUID, inboxID: UUID, accountID: UUID, requested: UUID?,
                                  on db: any Database) async throws -> (Conversation, changed: Bool) {
        let viewer = Viewer.visitor(accountID: accountID, contactID: contactID, inboxID: inboxID)
        if let requested {
            let conversation = try await viewer.conversation(requested, on: db)
            return (conversation, try await reopenForVisitor(conversation, on: db))
        }
        if let latest = try await viewer.conversations(on: db).filter(\.$inboxID == inboxID)
            .filter(\.$status != .resolved).filter(\.$mergedIntoID == nil).sort(\.$createdAt, .descending).first() {
            return (latest, try await reopenForVisitor(latest, on: db))
        }
        let conversation = Conversation(accountID: accountID, inboxID: inboxID, contactID: contactID, now: Date())
        if let inbox = try await inbox(inboxID, accountID: accountID, on: db) {
            conversation.botActive = FAQBot.startsWithBot(inbox)
        }
        try await conversation.create(on: db)
        return (conversation, true)
    }

    /// A shopper writing into a closed conversation reopens it; the inbox's FAQ bot takes
    /// it again if the bot answers first (or the shop is now closed) and nobody is assigned.
    static func reopenForVisitor(_ conversation: Conversation, on db: any Database) async throws -> Bool {
        guard try await reopenIfNeeded(conversation, on: db) else { return false }
        if conversation.assigneeID == nil, !conversation.botActive,
           let inbox = try await inbox(conversation.inboxID, accountID: conversation.accountID, on: db), FAQBot.startsWithBot(inbox) {
            conversation.botActive = true
            try await conversation.save(on: db)
        }
        return true
    }

    /// Before a public reply from the team (a message or a card): a closed conversation opens
    /// again, the FAQ bot stops, an unassigned conversation goes to the replying agent, and the
    /// reply counts for routing (first response, answer timeout). True when the conversation
    /// changed and should be announced.
    static func beforeTeamReply(_ conversation: Conversation, senderType: SenderType, userID: UUID?,
                                on db: any Database) async throws -> Bool {
        var changed = try await reopenIfNeeded(conversation, on: db)
        guard senderType == .agent, let userID else { return changed }
        if try await agentTookOver(conversation, on: db) { changed = true }
        if conversation.assigneeID == nil {
            conversation.assigneeID = userID
            try await conversation.save(on: db)
            changed = true
        }
        try await RoutingHooks.agentReplied(conversation, agentID: userID, on: db)
        return changed
    }

    static func inbox(_ id: UUID, accountID: UUID, on db: any Database) async throws -> Inbox? {
        try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first()
    }

    /// An agent's public reply ends the bot's turn.
    static func agentTookOver(_ conversation: Conversation, on db: any Database) async throws -> Bool {
        guard conversation.botActive else { return false }
        conversation.botActive = false
        try await conversation.save(on: db)
        return true
    }

    static func reopenIfNeeded(_ conversation: Conversation, on db: any Database) async throws -> Bool {
        guard conversation.status == .resolved || conversation.status == .snoozed else { return false }
        conversation.status = .open
        conversation.snoozedUntil = nil
        conversation.updatedAt = Date()
        try await conversation.save(on: db)
        return true
    }

    /// Checks that the attachment ids were uploaded by this sender in this shop.
    static func attachments(_ ids: [String], accountID: UUID, uploaderType: String, uploaderID: UUID,
                            on db: any Database) async throws -> [AttachmentDTO] {
        guard !ids.isEmpty else { return [] }
        let found = try await Attachment.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids)
            .filter(\.$uploaderType == uploaderType).filter(\.$uploaderID == uploaderID)
            .field(\.$id).field(\.$name).field(\.$contentType).field(\.$size).all()
        let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id!, $0) })
        return try ids.map { id in
            guard let a = byID[id] else {
                throw DomainError(.invalid, code: "attachment_invalid", message: "attachment \(id) is unknown or not yours", field: "attachments")
            }
            return AttachmentDTO(id: id, name: a.name, contentType: a.contentType, size: a.size, url: AttachmentDTO.url(for: id, accountID: accountID))
        }
    }

    static func contact(of conversation: Conversation, on db: any Database) async throws -> Contact? {
        try await Contact.query(on: db).filter(\.$accountID == conversation.accountID).filter(\.$id == conversation.contactID).first()
    }

    static func sender(of user: User) -> SenderDTO {
        SenderDTO(id: user.id, name: user.displayName, agentNumber: user.agentNumber)
    }
}
