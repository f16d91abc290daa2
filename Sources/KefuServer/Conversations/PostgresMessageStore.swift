import Fluent
import Foundation
import KefuCore
import SQLKit

/// The writer's storage on PostgreSQL: a whole batch in a fixed number of statements, whatever
/// its size — the resends looked up at once, one sequence update per conversation (arrays through
/// `unnest`), the conversations' rules applied here in order, the changed conversations written
/// back at once, the messages in one INSERT and the outbox rows in another. Each statement is a
/// round trip, so a batch of 200 messages costs about six instead of six hundred.
struct PostgresMessageStore: MessageStore {
    let db: any Database

    func write(_ messages: [NewMessage], now: Date, ids: any IDSource) async throws -> [WrittenMessage] {
        try await WriteTransaction.run(on: db) { conn in
            let sql = conn as! any SQLDatabase
            let results: [WrittenMessage]
            if messages.contains(where: { $0.createdAt != nil || $0.isCopy }) {
                // Copies keep their own times (a merge): the plain path, one message at a time.
                results = try await Self.oneByOne(messages, on: sql, now: now, ids: ids)
            } else {
                results = try await Self.batch(messages, on: sql, now: now, ids: ids)
            }
            try await EventOutbox.append(results.flatMap(\.events), on: sql)
            return results
        }
    }

    private static func oneByOne(_ messages: [NewMessage], on sql: any SQLDatabase, now: Date, ids: any IDSource) async throws -> [WrittenMessage] {
        var results: [WrittenMessage] = []
        var inBatch: [ResendKey: StoredMessage] = [:]
        for m in messages {
            if let key = ResendKey(m), let earlier = inBatch[key] {
                results.append(WrittenMessage(stored: earlier.asDuplicate, events: [], announce: false))
                continue
            }
            let written = try await MessageInsert.run(m, on: sql, now: now, ids: ids)
            if let key = ResendKey(m) { inBatch[key] = written.stored }
            results.append(written)
        }
        return results
    }

    /// A client's message id is unique per conversation and sender.
    struct ResendKey: Hashable {
        var conversationID: UUID
        var senderType: String
        var senderID: UUID
        var clientMessageID: UUID

        init?(_ m: NewMessage) {
            guard let client = m.clientMessageID, let sender = m.sender?.id else { return nil }
            self.init(conversationID: m.conversationID, senderType: m.senderType.rawValue, senderID: sender, clientMessageID: client)
        }

        init(conversationID: UUID, senderType: String, senderID: UUID, clientMessageID: UUID) {
            self.conversationID = conversationID
            self.senderType = senderType
            self.senderID = senderID
            self.clientMessageID = clientMessageID
        }
    }

    private static func batch(_ messages: [NewMessage], on sql: any SQLDatabase, now: Date, ids: any IDSource) async throws -> [WrittenMessage] {
        let stored = try await resends(messages, on: sql)
        // Which messages are new: not stored before, and the first of their key in this batch.
        var firstOfKey: [ResendKey: Int] = [:]
        var fresh: [Int] = []
        for (i, m) in messages.enumerated() {
            if let key = ResendKey(m) {
                if stored[key] != nil || firstOfKey[key] != nil { continue }
                firstOfKey[key] = i
            }
            fresh.append(i)
        }

        // One sequence update per conversation: n numbers, its listed fields, its unread counters.
        var order: [UUID] = []
        var members: [UUID: [Int]] = [:]
        for i in fresh {
            let id = messages[i].conversationID
            if members[id] == nil { order.append(id) }
            members[id, default: []].append(i)
        }
        let micros = Conversation.micros(now)
        var states: [UUID: (lastSeq: Int, state: ConversationState, auto: String?)] = [:]
        if !order.isEmpty {
            var accounts: [UUID] = [], counts: [Int] = [], visible: [Bool] = [], previews: [String] = []
            var fromVisitor: [Int] = [], toVisitor: [Int] = []
            for id in order {
                let group = members[id]!.map { messages[$0] }
                let shapes = group.map { MessageInsert.Shape($0, now: now) }
                accounts.append(group[0].accountID)
                counts.append(group.count)
                let lastVisible = shapes.last { $0.visible }
                visible.append(lastVisible != nil)
                previews.append(lastVisible?.preview ?? "")
                fromVisitor.append(shapes.reduce(0) { $0 + $1.fromVisitor })
                toVisitor.append(shapes.reduce(0) { $0 + $1.toVisitor })
            }
            let rows = try await sql.raw("""
                UPDATE conversations c SET last_seq = c.last_seq + u.n, updated_at = \(bind: now),
                  last_message_preview = CASE WHEN u.visible AND c.activity_us <= \(bind: micros) THEN u.preview ELSE c.last_message_preview END,
                  last_message_at = CASE WHEN u.visible AND c.activity_us < \(bind: micros) THEN \(bind: now) ELSE c.last_message_at END,
                  activity_us = CASE WHEN u.visible AND c.activity_us < \(bind: micros) THEN \(bind: micros) ELSE c.activity_us END,
                  agent_unread = c.agent_unread + u.from_visitor, visitor_unread = c.visitor_unread + u.to_visitor
                FROM unnest(\(bind: order)::uuid[], \(bind: accounts)::uuid[], \(bind: counts)::int8[], \(bind: visible)::bool[],
                            \(bind: previews)::text[], \(bind: fromVisitor)::int8[], \(bind: toVisitor)::int8[])
                  AS u(id, account_id, n, visible, preview, from_visitor, to_visitor)
                WHERE c.id = u.id AND c.account_id = u.account_id
                RETURNING c.id, c.last_seq, \(unsafeRaw: ConversationRows.stateColumns.split(separator: ",").map { "c." + $0.trimmingWhitespace() }.joined(separator: ", "))
                """).all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                states[id] = (try row.decode(column: "last_seq", as: Int.self), try ConversationRows.state(row, id: id),
                              try row.decode(column: "auto_state", as: String?.self))
            }
            guard states.count == order.count else { throw DomainError.notFound("conversation") }
        }

        // The conversations' rules, message by message in order, on the state in memory.
        var written: [Int: WrittenMessage] = [:]
        var inserts: [(id: UUID, m: NewMessage, seq: Int)] = []
        var saves: [(ConversationState, String?)] = []
        for id in order {
            let (lastSeq, initial, initialAuto) = states[id]!
            let group = members[id]!
            var state = initial, auto = initialAuto, changed = false, autoChanged = false
            for (k, i) in group.enumerated() {
                let m = messages[i]
                let seq = lastSeq - group.count + 1 + k
                let (change, memory) = MessageInsert.decide(m, state: state, autoStateJSON: auto, now: now)
                if change.changed { changed = true }
                if let memory { auto = memory.json; autoChanged = true }
                state = change.state
                let messageID = ids.make()
                inserts.append((messageID, m, seq))
                written[i] = MessageInsert.written(m, id: messageID, seq: seq, change: change, at: now, now: now, ids: ids)
            }
            if changed || autoChanged { saves.append((state, autoChanged ? auto : nil)) }
        }
        if !saves.isEmpty { try await save(saves, accountID: messages[0].accountID, messages: messages, now: now, on: sql) }
        if !inserts.isEmpty { try await insert(inserts, now: now, on: sql) }

        // Resends (earlier or in this batch) answer with what is stored.
        return try messages.enumerated().map { i, m in
            if let done = written[i] { return done }
            guard let key = ResendKey(m) else { throw DomainError.notFound("message") }
            if let found = stored[key] { return WrittenMessage(stored: found, events: [], announce: false) }
            guard let first = firstOfKey[key], let original = written[first] else { throw DomainError.notFound("message") }
            return WrittenMessage(stored: original.stored.asDuplicate, events: [], announce: false)
        }
    }

    /// The messages of this batch a client already sent (a resend after a lost ack).
    private static func resends(_ messages: [NewMessage], on sql: any SQLDatabase) async throws -> [ResendKey: StoredMessage] {
        let keyed = messages.filter { ResendKey($0) != nil }
        guard !keyed.isEmpty else { return [:] }
        // LATERAL: one index probe (messages_client_id_key) per key; a plain join let the planner
        // hash the whole messages table (150-250 ms per batch at a few hundred thousand rows).
        let rows = try await sql.raw("""
            SELECT m.id, m.seq, m.created_at, m.text, m.private, m.attachments, m.event, m.payload, k.conversation_id, k.sender_type,
                   k.sender_id, k.client_message_id, k.account_id, c.inbox_id, c.contact_id
            FROM unnest(\(bind: keyed.map(\.conversationID))::uuid[], \(bind: keyed.map(\.senderType.rawValue))::text[],
                        \(bind: keyed.map { $0.sender!.id! })::uuid[], \(bind: keyed.map { $0.clientMessageID! })::uuid[],
                        \(bind: keyed.map(\.accountID))::uuid[]) AS k(conversation_id, sender_type, sender_id, client_message_id, account_id)
            CROSS JOIN LATERAL (
              SELECT id, seq, created_at, text, private, attachments, event, payload FROM messages
              WHERE conversation_id = k.conversation_id AND sender_type = k.sender_type AND sender_id = k.sender_id
                AND client_message_id = k.client_message_id AND account_id = k.account_id
              LIMIT 1) m
            JOIN conversations c ON c.id = k.conversation_id AND c.account_id = k.account_id
            """).all()
        var senders: [ResendKey: SenderDTO?] = [:]
        for m in keyed { senders[ResendKey(m)!] = m.sender }
        var found: [ResendKey: StoredMessage] = [:]
        for row in rows {
            let key = ResendKey(conversationID: try row.decode(column: "conversation_id", as: UUID.self),
                                senderType: try row.decode(column: "sender_type", as: String.self),
                                senderID: try row.decode(column: "sender_id", as: UUID.self),
                                clientMessageID: try row.decode(column: "client_message_id", as: UUID.self))
            let dto = MessageDTO(
                id: try row.decode(column: "id", as: UUID.self), conversationId: key.conversationID,
                seq: try row.decode(column: "seq", as: Int.self), senderType: SenderType(rawValue: key.senderType) ?? .visitor,
                sender: senders[key] ?? nil, text: try row.decode(column: "text", as: String.self),
                private: try row.decode(column: "private", as: Bool.self),
                attachments: MessageRows.attachments(try row.decode(column: "attachments", as: String.self)),
                event: try row.decode(column: "event", as: String?.self),
                payload: MessagePayload.decode(try row.decode(column: "payload", as: String?.self)), clientMessageId: key.clientMessageID,
                createdAt: try row.decode(column: "created_at", as: Date.self))
            found[key] = StoredMessage(accountID: try row.decode(column: "account_id", as: UUID.self), message: dto,
                                       inboxID: try row.decode(column: "inbox_id", as: UUID.self),
                                       contactID: try row.decode(column: "contact_id", as: UUID.self), duplicate: true)
        }
        return found
    }

    /// Writes the changed conversations' states back in one statement. Nullable values travel
    /// as text ('' for none) and times as seconds since 1970 (-1 for none).
    private static func save(_ saves: [(ConversationState, String?)], accountID: UUID, messages: [NewMessage], now: Date,
                             on sql: any SQLDatabase) async throws {
        func uuid(_ id: UUID?) -> String { id?.uuidString ?? "" }
        func time(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? -1 }
        let states = saves.map(\.0)
        var accounts: [UUID: UUID] = [:]
        for m in messages { accounts[m.conversationID] = m.accountID }
        try await sql.raw("""
            UPDATE conversations c SET inbox_id = u.inbox_id, status = u.status, assignee_id = NULLIF(u.assignee_id, '')::uuid,
              bot_active = u.bot_active, snoozed_until = CASE WHEN u.snoozed_until < 0 THEN NULL ELSE to_timestamp(u.snoozed_until) END,
              queued_at = CASE WHEN u.queued_at < 0 THEN NULL ELSE to_timestamp(u.queued_at) END,
              assigned_at = CASE WHEN u.assigned_at < 0 THEN NULL ELSE to_timestamp(u.assigned_at) END,
              first_response_at = CASE WHEN u.first_response_at < 0 THEN NULL ELSE to_timestamp(u.first_response_at) END,
              awaiting_since = CASE WHEN u.awaiting_since < 0 THEN NULL ELSE to_timestamp(u.awaiting_since) END,
              merged_into_id = NULLIF(u.merged_into_id, '')::uuid, priority = u.priority, tags = u.tags, updated_at = \(bind: now),
              auto_state = CASE WHEN u.has_auto THEN u.auto_state ELSE c.auto_state END
            FROM unnest(\(bind: states.map(\.id))::uuid[], \(bind: states.map { accounts[$0.id] ?? accountID })::uuid[],
                        \(bind: states.map(\.inboxID))::uuid[], \(bind: states.map(\.status.rawValue))::text[],
                        \(bind: states.map { uuid($0.assigneeID) })::text[], \(bind: states.map(\.botActive))::bool[],
                        \(bind: states.map { time($0.snoozedUntil) })::float8[], \(bind: states.map { time($0.queuedAt) })::float8[],
                        \(bind: states.map { time($0.assignedAt) })::float8[], \(bind: states.map { time($0.firstResponseAt) })::float8[],
                        \(bind: states.map { time($0.awaitingSince) })::float8[], \(bind: states.map { uuid($0.mergedIntoID) })::text[],
                        \(bind: states.map(\.priority.rawValue))::text[], \(bind: states.map { $0.tags.joined(separator: ",") })::text[],
                        \(bind: saves.map { $0.1 != nil })::bool[], \(bind: saves.map { $0.1 ?? "" })::text[])
              AS u(id, account_id, inbox_id, status, assignee_id, bot_active, snoozed_until, queued_at, assigned_at, first_response_at,
                   awaiting_since, merged_into_id, priority, tags, has_auto, auto_state)
            WHERE c.id = u.id AND c.account_id = u.account_id
            """).run()
    }

    /// The batch's messages in one INSERT.
    private static func insert(_ rows: [(id: UUID, m: NewMessage, seq: Int)], now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO messages (id, account_id, conversation_id, seq, sender_type, sender_id, client_message_id, text, private,
                                  attachments, event, payload, created_at, search_terms)
            SELECT id, account_id, conversation_id, seq, sender_type, NULLIF(sender_id, '')::uuid, NULLIF(client_message_id, '')::uuid,
                   text, private, attachments, NULLIF(event, ''), NULLIF(payload, ''), \(bind: now), terms::tsvector
            FROM unnest(\(bind: rows.map(\.id))::uuid[], \(bind: rows.map(\.m.accountID))::uuid[], \(bind: rows.map(\.m.conversationID))::uuid[],
                        \(bind: rows.map(\.seq))::int8[], \(bind: rows.map(\.m.senderType.rawValue))::text[],
                        \(bind: rows.map { $0.m.sender?.id?.uuidString ?? "" })::text[],
                        \(bind: rows.map { $0.m.clientMessageID?.uuidString ?? "" })::text[], \(bind: rows.map(\.m.text))::text[],
                        \(bind: rows.map(\.m.isPrivate))::bool[], \(bind: rows.map { MessageRows.encode($0.m.attachments) })::text[],
                        \(bind: rows.map { $0.m.event ?? "" })::text[], \(bind: rows.map { $0.m.payload.map { FrameCoder.encode($0) } ?? "" })::text[],
                        \(bind: rows.map { MessageSearchTerms.tsvector($0.m.searchTerms) })::text[])
              AS u(id, account_id, conversation_id, seq, sender_type, sender_id, client_message_id, text, private, attachments, event, payload, terms)
            """).run()
    }
}

extension StoredMessage {
    /// The same message, answered again to a resend.
    var asDuplicate: StoredMessage {
        var again = self
        again.duplicate = true
        return again
    }
}
