import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

extension Conversations {
    /// Appends the source conversation's messages (same customer) to the target, in their
    /// order with their original times and new sequence numbers, and ends the source, all in
    /// one transaction: a failure midway leaves neither copies nor a half-merged source, and
    /// a retry starts from scratch. The source's own timeline entries stay with it.
    func merge(_ sourceID: UUID, into targetID: UUID, by caller: Caller) async throws -> ConversationDTO {
        let target = try await find(targetID, as: caller)
        let source = try await find(sourceID, as: caller)
        guard source.id != target.id else { throw DomainError.invalid("sourceConversationId", "a conversation cannot be merged into itself") }
        guard source.contactID == target.contactID else {
            throw DomainError.invalid("sourceConversationId", "only conversations of the same customer can be merged")
        }
        guard target.mergedIntoID == nil else { throw DomainError.conflict(nil, "this conversation was merged into another one") }
        let accountID = caller.accountID
        try await app.write { unit in
            guard let (sourceState, _) = try await ConversationRows.load(sourceID, accountID: accountID, on: unit.sql),
                  let (targetState, _) = try await ConversationRows.load(targetID, accountID: accountID, on: unit.sql) else {
                throw DomainError.notFound("conversation")
            }
            var ending = ConversationChange(sourceState, now: unit.now)
            try ending.mergeAway(into: targetID)
            let messages = try await Message.query(on: unit.db).filter(\.$accountID == accountID)
                .filter(\.$conversationID == sourceID).filter(\.$senderType != .system).sort(\.$seq).all()
            let senders = try await MessageRows.senderDirectory(for: messages, accountID: accountID, on: unit.db)
            for m in messages {
                try await unit.insert(NewMessage(
                    accountID: accountID, conversationID: targetID, senderType: m.senderType,
                    sender: m.senderID.map { senders[$0] ?? SenderDTO(id: $0) }, clientMessageID: nil, text: m.text, isPrivate: m.isPrivate,
                    attachments: MessageRows.attachments(m.attachments), event: m.event, payload: MessagePayload.decode(m.payload),
                    createdAt: m.createdAt, actor: caller.actor, role: .system, isCopy: true))
            }
            var growing = ConversationChange(targetState, now: unit.now)
            growing.merged(from: sourceID, messages: messages.count)
            try await ConversationRows.save(ending.state, accountID: accountID, now: unit.now, on: unit.sql)
            app.conversationDirectory.forget(sourceID)
            unit.record(ending.facts + growing.facts, accountID: accountID, actor: caller.actor)
            unit.announce(sourceID, accountID: accountID)
            unit.announce(targetID, accountID: accountID)
            try await unit.insert(NewMessage(
                accountID: accountID, conversationID: targetID, senderType: .system, sender: caller.sender, clientMessageID: nil,
                text: String(messages.count), isPrivate: true, attachments: [], event: "conversation.merged", createdAt: nil,
                actor: caller.actor, role: .system))
        }
        return try await dto(targetID, as: caller)
    }
}
