import Fluent
import Foundation
import KefuCore
import Vapor

/// The automatic replies (inline, after routing): the greeting when routing gives a new
/// conversation to an agent, the queued greeting when it joins a queue, and keyword, away
/// and closed replies after a shopper's message the bot is not answering. They only ever
/// answer the shopper or routing, never a bot or an automatic message, so they cannot loop.
struct AutoReplyListener: InlineListener {
    let name = "auto-replies"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        let replier = AutoReplier(app: app)
        for event in events {
            switch event.fact {
            case .assigneeChanged(let f) where f.reason == .routed && f.from == nil:
                guard let agentID = f.to, let (conversation, inbox) = try await load(f.conversation, event, app),
                      let agent = try await User.query(on: app.db).filter(\.$accountID == event.accountID).filter(\.$id == agentID).first()
                else { continue }
                try await replier.greet(conversation, inbox: inbox, agent: agent)
            case .queued(let f):
                guard let (conversation, inbox) = try await load(f.conversation, event, app) else { continue }
                try await replier.queued(conversation, inbox: inbox, position: f.position, etaSeconds: f.etaSeconds)
            case .messageCreated(let f) where f.senderType == .visitor && !f.isPrivate && !f.conversation.botActive:
                guard !f.text.isEmpty, f.payloadType == nil, f.conversation.status == .open else { continue }
                try await replier.afterShopperMessage(f.text, conversation: f.conversation, accountID: event.accountID)
            default:
                break
            }
        }
    }

    private func load(_ snapshot: ConversationSnapshot, _ event: DomainEvent, _ app: Application) async throws -> (Conversation, Inbox)? {
        guard let conversation = try await RoutingService.load(snapshot.id, accountID: event.accountID, on: app.db),
              let inbox = try await ConversationOps.inbox(conversation.inboxID, accountID: event.accountID, on: app.db) else { return nil }
        return (conversation, inbox)
    }
}
