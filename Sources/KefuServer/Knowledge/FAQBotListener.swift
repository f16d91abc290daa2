import Foundation
import KefuCore
import Vapor

/// The FAQ bot answers a shopper's message in a conversation it is answering (inline, first
/// of the listeners, so its answer follows the question at once).
struct FAQBotListener: InlineListener {
    let name = "faq-bot"

    func handle(_ events: [DomainEvent], app: Application) async throws {
        for event in events {
            guard case .messageCreated(let f) = event.fact, f.senderType == .visitor, !f.isPrivate, f.conversation.botActive,
                  f.payloadType == nil, !f.text.isEmpty else { continue }
            try await FAQBot.respond(to: f.text, conversationID: f.conversation.id, accountID: event.accountID, app: app)
        }
    }
}
