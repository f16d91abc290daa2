import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

extension Conversations {
    /// How far the caller's side has read (the shopper's, or the team's): moves forward only,
    /// clears the side's unread count when it reached the newest message, and tells the
    /// other side (已读). Not a domain event. Returns the position now.
    @discardableResult
    func markRead(_ id: UUID, seq: Int, by caller: Caller, except connection: UUID? = nil) async throws -> Int {
        guard seq >= 0 else { throw DomainError.invalid("seq", "seq must be ≥ 0") }
        let conversation = try await find(id, as: caller)
        let upTo = min(seq, conversation.lastSeq)
        let visitor = caller.viewer.isVisitor
        let sql = db as! any SQLDatabase
        let updated: Bool
        if visitor {
            updated = try await sql.raw("""
                UPDATE conversations SET visitor_read_seq = \(bind: upTo),
                  visitor_unread = CASE WHEN \(bind: upTo) >= last_seq THEN 0 ELSE visitor_unread END
                WHERE id = \(bind: id) AND account_id = \(bind: caller.accountID) AND visitor_read_seq < \(bind: upTo)
                RETURNING id
                """).first() != nil
        } else {
            updated = try await sql.raw("""
                UPDATE conversations SET agent_read_seq = CASE WHEN agent_read_seq < \(bind: upTo) THEN \(bind: upTo) ELSE agent_read_seq END,
                  agent_unread = CASE WHEN \(bind: upTo) >= last_seq THEN 0 ELSE agent_unread END
                WHERE id = \(bind: id) AND account_id = \(bind: caller.accountID) AND (agent_read_seq < \(bind: upTo) OR agent_unread > 0)
                RETURNING id
                """).first() != nil
        }
        if updated {
            app.chat.relay(HubEvent(
                accountID: caller.accountID, conversationID: id, inboxID: conversation.inboxID, contactID: conversation.contactID,
                toVisitor: !visitor, toAgents: true,
                frame: FrameCoder.encode(ServerFrame.Read(conversationId: id, reader: visitor ? "visitor" : "agent", seq: upTo)),
                except: connection))
        }
        return upTo
    }
}
