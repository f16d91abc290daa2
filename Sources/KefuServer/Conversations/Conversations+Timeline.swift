import Fluent
import Foundation
import KefuCore
import Vapor

extension Conversations {
    /// The thread's timeline entries (private system messages the workbench renders) for
    /// what an operation did: assignments always (routing's too), inbox moves, and status
    /// changes made by a person. Written in the operation's transaction.
    func timeline(_ facts: [Fact], in conversationID: UUID, by caller: Caller, unit: UnitOfWork) async throws {
        let accountID = caller.accountID
        for fact in facts {
            let entry: (event: String, text: String)?
            switch fact {
            case .assigneeChanged(let f):
                let name = try await agentLabel(f.to, accountID: accountID, on: unit.db)
                switch (f.reason, f.from, f.to) {
                case (_, _, nil): entry = ("conversation.unassigned", "")
                case (.answerTimeout, _, _): entry = ("conversation.reassigned", name)
                case (_, nil, _): entry = ("conversation.assigned", name)
                default: entry = ("conversation.transferred", name)
                }
            case .inboxChanged(let f):
                let inbox = try await ConversationOps.inbox(f.to, accountID: accountID, on: unit.db)
                entry = ("conversation.transferred", inbox?.name ?? "")
            case .statusChanged(let f) where caller.actor.isPerson || isToken(caller.actor):
                entry = ("conversation.status", f.to.rawValue)
            default:
                entry = nil
            }
            guard let entry else { continue }
            try await unit.insert(NewMessage(
                accountID: accountID, conversationID: conversationID, senderType: .system, sender: caller.sender, clientMessageID: nil,
                text: entry.text, isPrivate: true, attachments: [], event: entry.event, createdAt: nil, actor: caller.actor, role: .system))
        }
    }

    /// "8 小美": the agent's number and name, as timeline entries carry them.
    private func agentLabel(_ id: UUID?, accountID: UUID, on db: any Database) async throws -> String {
        guard let id, let user = try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else { return "" }
        return "\(user.agentNumber) \(user.displayName)"
    }

    private func isToken(_ actor: EventActor) -> Bool {
        if case .token = actor { return true }
        return false
    }
}
