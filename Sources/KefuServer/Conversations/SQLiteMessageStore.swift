import Foundation
import KefuCore
import Logging

/// The message writer's storage on SQLite: its own connection (``SQLiteLink``) on a serial queue
/// of its own, statements prepared once, a whole batch — sequence numbers, the conversations'
/// rules, the messages, the outbox rows — in one `BEGIN IMMEDIATE` transaction run on that queue.
final class SQLiteMessageStore: MessageStore, @unchecked Sendable {
    private let queue = DispatchQueue(label: "kefu.sqlite.messages", qos: .userInitiated)
    private let link: SQLiteLink

    init(path: String, pragmas: [String]) throws {
        link = try SQLiteLink(path: path, pragmas: pragmas)
    }

    func write(_ messages: [NewMessage], now: Date, ids: any IDSource) async throws -> [WrittenMessage] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    continuation.resume(returning: try self.writeBatch(messages, now: now, ids: ids))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private func writeBatch(_ messages: [NewMessage], now: Date, ids: any IDSource) throws -> [WrittenMessage] {
        try link.execute("BEGIN IMMEDIATE")
        do {
            var results: [WrittenMessage] = []
            results.reserveCapacity(messages.count)
            var inBatch: [String: StoredMessage] = [:]
            for m in messages {
                let key = m.clientMessageID.map { "\(m.conversationID)|\(m.senderType)|\(m.sender?.id?.uuidString ?? "")|\($0)" }
                if let key, let earlier = inBatch[key] {
                    var again = earlier
                    again.duplicate = true
                    results.append(WrittenMessage(stored: again, events: [], announce: false))
                    continue
                }
                let written = try insert(m, now: now, ids: ids)
                if let key { inBatch[key] = written.stored }
                results.append(written)
            }
            for event in results.lazy.flatMap(\.events) {
                try link.run("""
                    INSERT INTO event_outbox (event_id, account_id, kind, conversation_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, [.uuid(event.id), .uuid(event.accountID), .text(event.kind.rawValue), .uuid(event.fact.conversation?.id),
                          .text(event.outboxJSON), .date(event.occurredAt)])
            }
            link.resetAll()
            try link.execute("COMMIT")
            return results
        } catch {
            link.resetAll()
            try? link.execute("ROLLBACK")
            throw error
        }
    }

    private func insert(_ m: NewMessage, now: Date, ids: any IDSource) throws -> WrittenMessage {
        if let clientID = m.clientMessageID, let senderID = m.sender?.id {
            let found = try link.statement("""
                SELECT m.id, m.seq, m.created_at, m.text, m.private, m.attachments, m.event, m.payload, c.inbox_id, c.contact_id
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.conversation_id = ? AND m.sender_type = ? AND m.sender_id = ? AND m.client_message_id = ? AND m.account_id = ?
                """, [.uuid(m.conversationID), .text(m.senderType.rawValue), .uuid(senderID), .uuid(clientID), .uuid(m.accountID)])
            if try found.step() {
                let dto = MessageDTO(
                    id: found.uuid(0)!, conversationId: m.conversationID, seq: found.int(1), senderType: m.senderType, sender: m.sender,
                    text: found.string(3) ?? "", private: found.bool(4), attachments: MessageRows.attachments(found.string(5) ?? "[]"),
                    event: found.string(6), payload: MessagePayload.decode(found.string(7)), clientMessageId: clientID,
                    createdAt: found.date(2) ?? now)
                let stored = StoredMessage(accountID: m.accountID, message: dto, inboxID: found.uuid(8)!, contactID: found.uuid(9)!, duplicate: true)
                return WrittenMessage(stored: stored, events: [], announce: false)
            }
        }
        let shape = MessageInsert.Shape(m, now: now)
        let row = try link.statement("""
            UPDATE conversations SET last_seq = last_seq + 1, updated_at = ?1,
              last_message_preview = CASE WHEN ?2 AND activity_us <= ?3 THEN ?4 ELSE last_message_preview END,
              last_message_at = CASE WHEN ?2 AND activity_us < ?3 THEN ?5 ELSE last_message_at END,
              activity_us = CASE WHEN ?2 AND activity_us < ?3 THEN ?3 ELSE activity_us END,
              agent_unread = agent_unread + ?6, visitor_unread = visitor_unread + ?7
            WHERE id = ?8 AND account_id = ?9
            RETURNING last_seq, \(ConversationRows.stateColumns)
            """, [.date(now), .bool(shape.visible), .integer(shape.micros), .string(shape.preview ?? ""), .date(shape.at),
                  .int(shape.fromVisitor), .int(shape.toVisitor), .uuid(m.conversationID), .uuid(m.accountID)])
        guard try row.step() else { throw DomainError.notFound("conversation") }
        let seq = row.int(0)
        let state = ConversationState(
            id: m.conversationID, inboxID: row.uuid(1)!, contactID: row.uuid(2)!,
            status: ConversationStatus(rawValue: row.string(3) ?? "") ?? .open, assigneeID: row.uuid(4), botActive: row.bool(5),
            snoozedUntil: row.date(6), queuedAt: row.date(7), assignedAt: row.date(8), firstResponseAt: row.date(9),
            awaitingSince: row.date(10), mergedIntoID: row.uuid(11),
            priority: ConversationPriority(rawValue: row.string(12) ?? "") ?? ConversationPriority.none,
            tags: (row.string(13) ?? "").split(separator: ",").map(String.init), createdAt: row.date(14) ?? now)
        let autoState = row.string(15)
        while try row.step() {}
        let (change, memory) = MessageInsert.decide(m, state: state, autoStateJSON: autoState, now: now)
        if change.changed || memory != nil {
            let s = change.state
            try link.run("""
                UPDATE conversations SET inbox_id = ?, status = ?, assignee_id = ?, bot_active = ?, snoozed_until = ?, queued_at = ?,
                  assigned_at = ?, first_response_at = ?, awaiting_since = ?, merged_into_id = ?, priority = ?, tags = ?, updated_at = ?,
                  auto_state = COALESCE(?, auto_state)
                WHERE id = ? AND account_id = ?
                """, [.uuid(s.inboxID), .text(s.status.rawValue), .uuid(s.assigneeID), .bool(s.botActive), .date(s.snoozedUntil),
                      .date(s.queuedAt), .date(s.assignedAt), .date(s.firstResponseAt), .date(s.awaitingSince), .uuid(s.mergedIntoID),
                      .text(s.priority.rawValue), .text(s.tags.joined(separator: ",")), .date(now), .string(memory?.json),
                      .uuid(m.conversationID), .uuid(m.accountID)])
        }
        let id = ids.make()
        try link.run("""
            INSERT INTO messages (id, account_id, conversation_id, seq, sender_type, sender_id, client_message_id, text, private, attachments, event, payload, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.uuid(id), .uuid(m.accountID), .uuid(m.conversationID), .int(seq), .text(m.senderType.rawValue), .uuid(m.sender?.id),
                  .uuid(m.clientMessageID), .text(m.text), .bool(m.isPrivate), .text(MessageRows.encode(m.attachments)), .string(m.event),
                  .string(m.payload.map { FrameCoder.encode($0) }), .date(shape.at)])
        let terms = m.searchTerms
        if !terms.isEmpty {
            try link.run("INSERT INTO message_search (rowid, terms) VALUES (last_insert_rowid(), ?)",
                         [.text(MessageSearchTerms.fts5Document(terms))])
        }
        return MessageInsert.written(m, id: id, seq: seq, change: change, at: shape.at, now: now, ids: ids)
    }
}
