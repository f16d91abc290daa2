import Fluent
import Foundation
import KefuCore
import Vapor

/// A message someone wants to send; the service decides the rest (sender, role, sequence).
struct MessageDraft: Sendable {
    var text: String
    var isPrivate = false
    /// Uploaded attachments to include, checked to be the caller's own uploads.
    var attachmentIDs: [String] = []
    var clientMessageID: UUID?
    /// A timeline entry's event ("conversation.assigned"); system callers only.
    var event: String?
    var payload: MessagePayload?
    /// Automatic replies firing with this message (their cool-downs start with it).
    var autoFired: [String] = []
}

extension Conversations {
    /// Sends a message from `caller` into a conversation they can see: a member's or a
    /// token's reply or note, a card, the FAQ bot, an automatic reply, an order message.
    /// One path for all: group-committed with the conversation's rules applied in the same
    /// transaction; `afterCommit` runs right after the commit (the socket's `ack`), before
    /// the conversation's change is announced and the inline listeners run.
    @discardableResult
    func send(_ draft: MessageDraft, in conversationID: UUID, by caller: Caller,
              afterCommit: @Sendable (StoredMessage) -> Void = { _ in }) async throws -> StoredMessage {
        try await finish(try await submit(draft, in: conversationID, by: caller), afterCommit: afterCommit)
    }

    /// A shopper's message: to the conversation named, else their open one, else a new one.
    /// A closed conversation opens again (and goes back to the FAQ bot if the inbox's bot
    /// would take it and nobody has it).
    @discardableResult
    func sendAsVisitor(_ draft: MessageDraft, requested: UUID?, by caller: Caller,
                       afterCommit: @Sendable (StoredMessage) -> Void = { _ in }) async throws -> StoredMessage {
        try await finish(try await submitAsVisitor(draft, requested: requested, by: caller), afterCommit: afterCommit)
    }

    /// The first half of ``send(_:in:by:afterCommit:)``: checks the message and hands it to the
    /// writer, in the order of the calls, without waiting for the commit (a socket pipelines its
    /// messages this way); ``finish(_:afterCommit:)`` waits for it and does the rest.
    func submit(_ draft: MessageDraft, in conversationID: UUID, by caller: Caller) async throws -> PendingMessage {
        let access = try await app.conversationDirectory.access(conversationID, for: caller.viewer, on: db)
        return try await enqueue(draft, to: access.id, by: caller, role: caller.role(isPrivate: draft.isPrivate))
    }

    /// The first half of ``sendAsVisitor(_:requested:by:afterCommit:)``.
    func submitAsVisitor(_ draft: MessageDraft, requested: UUID?, by caller: Caller) async throws -> PendingMessage {
        if draft.isPrivate { throw DomainError.forbidden("visitors cannot write private notes") }
        var access: ConversationAccess
        if let requested {
            // The conversation named, or the one it was merged into.
            access = try await app.conversationDirectory.access(requested, for: caller.viewer, on: db)
            for _ in 0..<4 {
                guard let target = access.mergedIntoID else { break }
                access = try await app.conversationDirectory.access(target, for: caller.viewer, on: db)
            }
        } else {
            let conversation = try await forVisitor(caller, requested: nil)
            access = ConversationAccess(id: conversation.id!, accountID: conversation.accountID, contactID: conversation.contactID,
                                        inboxID: conversation.inboxID, mergedIntoID: nil)
        }
        // Whether the inbox's bot would take the conversation back, should the message reopen it.
        let inbox = try await app.inboxes.runtime(access.inboxID, accountID: access.accountID, on: db)
        let botStarts = inbox?.botStarts(at: app.kefu.clock.now()) ?? false
        return try await enqueue(draft, to: access.id, by: caller, role: .shopper(botStartsOnReopen: botStarts))
    }

    /// Waits for a submitted message's commit; then `afterCommit` (the socket's `ack`), the
    /// conversation's announcement and the domain events' inline listeners.
    @discardableResult
    func finish(_ pending: PendingMessage, afterCommit: @Sendable (StoredMessage) -> Void = { _ in }) async throws -> StoredMessage {
        let written = try await pending.ticket.value()
        afterCommit(written.stored)
        if written.announce { await announce(pending.conversationID, accountID: pending.accountID) }
        if !written.events.isEmpty {
            await app.events.dispatch(written.events, app: app)
            app.events.committed(written.events, app: app)
        }
        return written.stored
    }

    /// A message from `caller` stored inside another capability's transaction (a ticket's public
    /// reply and its timeline entry commit together): the same visibility and conversation rules
    /// as ``send(_:in:by:afterCommit:)``; published with the unit after the commit. No attachments.
    @discardableResult
    func insert(_ draft: MessageDraft, in conversationID: UUID, by caller: Caller, unit: UnitOfWork) async throws -> StoredMessage {
        if draft.event != nil, caller.senderType != .system { throw DomainError.forbidden("only Kefu writes timeline entries") }
        let conversation = try await caller.viewer.conversation(conversationID, on: unit.db)
        return try await unit.insert(NewMessage(
            accountID: caller.accountID, conversationID: conversation.id!, senderType: caller.senderType, sender: caller.sender,
            clientMessageID: draft.clientMessageID, text: String(draft.text.prefix(ChatLimits.maxTextCharacters)),
            isPrivate: draft.isPrivate, attachments: [], event: draft.event, payload: draft.payload, createdAt: nil,
            actor: caller.actor, role: caller.role(isPrivate: draft.isPrivate), autoFired: draft.autoFired))
    }

    private func enqueue(_ draft: MessageDraft, to conversationID: UUID, by caller: Caller, role: MessageRole) async throws -> PendingMessage {
        if draft.event != nil, caller.senderType != .system { throw DomainError.forbidden("only Kefu writes timeline entries") }
        var attachments: [AttachmentDTO] = []
        if !draft.attachmentIDs.isEmpty {
            guard let uploader = caller.sender?.id else { throw DomainError.forbidden("this sender cannot attach files") }
            attachments = try await ConversationOps.attachments(draft.attachmentIDs, accountID: caller.accountID,
                                                                uploaderType: caller.uploaderType, uploaderID: uploader, on: db)
        }
        let ticket = await app.chat.writer.enqueue(NewMessage(
            accountID: caller.accountID, conversationID: conversationID, senderType: caller.senderType, sender: caller.sender,
            clientMessageID: draft.clientMessageID, text: String(draft.text.prefix(ChatLimits.maxTextCharacters)),
            isPrivate: draft.isPrivate, attachments: attachments, event: draft.event, payload: draft.payload, createdAt: nil,
            actor: caller.actor, role: role, autoFired: draft.autoFired))
        return PendingMessage(ticket: ticket, conversationID: conversationID, accountID: caller.accountID)
    }
}

/// A message handed to the writer, not yet known to be committed (``Conversations/finish(_:afterCommit:)``).
struct PendingMessage: Sendable {
    let ticket: WriteTicket
    let conversationID: UUID
    let accountID: UUID
}
