import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One message found by search, with where it is.
struct MessageHitDTO: Content, Equatable {
    var messageId: UUID
    var conversationId: UUID
    var seq: Int
    var senderType: SenderType
    var text: String
    var `private`: Bool
    var createdAt: Date
    var inboxId: UUID
    var contactId: UUID
    var contactName: String?
}

/// Writing the message search index (``MessageSearchTerms``; tables in M014). The chat path's
/// writers store a message's terms in its own transaction (``SQLiteMessageStore``,
/// ``PostgresMessageStore``, ``MessageInsert``); messages stored before the index existed, or
/// written by other tools, are indexed by the backfill job.
enum MessageSearchIndex {
    static let backfillJob = "messages.search_backfill"
    static let backfillBatch = 2_000

    /// Indexes one message just inserted in this transaction.
    static func add(messageID: UUID, terms: [String], on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                UPDATE messages SET search_terms = \(bind: MessageSearchTerms.tsvector(terms))::tsvector WHERE id = \(bind: messageID)
                """).run()
        } else if !terms.isEmpty {
            try await sql.raw("""
                INSERT INTO message_search (rowid, terms) SELECT rowid, \(bind: MessageSearchTerms.fts5Document(terms)) FROM messages WHERE id = \(bind: messageID)
                """).run()
        }
    }

    /// Indexes up to ``backfillBatch`` messages not indexed yet; true when more may wait.
    /// SQLite walks the messages in rowid order from where it stopped and skips those the writer
    /// indexed already; PostgreSQL takes the newest rows without terms.
    static func backfill(_ app: Application) async throws -> Bool {
        let sql = app.db as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else {
            // Messages written after this process started were indexed by its writers: the walk
            // stops at the newest message it found at its first pass, or it would read every
            // chat message again under load.
            let head = try await app.messageSearchHead.value {
                try await sql.raw("SELECT max(rowid) AS r FROM messages").first()?.decode(column: "r", as: Int64?.self) ?? 0
            }
            return try await backfillSQLite(app.db, through: head)
        }
        return try await WriteTransaction.run(on: app.db) { conn in try await backfillPostgres(conn as! any SQLDatabase) }
    }

    /// Under chat load the walk meets thousands of new messages that the writer indexed itself, so
    /// it reads outside any transaction (readers never block SQLite's writer) and takes the write
    /// lock only to insert what is missing and move its position — a short transaction.
    private static func backfillSQLite(_ db: any Database, through head: Int64) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let through = try await sql.raw("SELECT through_rowid FROM message_search_progress WHERE id = 1").first()?
            .decode(column: "through_rowid", as: Int64.self) ?? 0
        guard through < head else { return false }
        let rows = try await sql.raw("""
            SELECT rowid AS r, event IS NULL AND text <> '' AS indexable FROM messages WHERE rowid > \(bind: through) AND rowid <= \(bind: head)
            ORDER BY rowid LIMIT \(unsafeRaw: String(backfillBatch))
            """).all()
        guard let last = try rows.last?.decode(column: "r", as: Int64.self) else { return false }
        let indexed = Set(try await sql.raw("""
            SELECT rowid AS r FROM message_search WHERE rowid > \(bind: through) AND rowid <= \(bind: last)
            """).all().map { try $0.decode(column: "r", as: Int64.self) })
        let missing = try rows.compactMap { row -> Int64? in
            let rowid = try row.decode(column: "r", as: Int64.self)
            return try row.decode(column: "indexable", as: Bool.self) && !indexed.contains(rowid) ? rowid : nil
        }
        try await WriteTransaction.run(on: db) { conn in
            let tx = conn as! any SQLDatabase
            // Read again under the lock: a message deleted meanwhile must not leave a row behind.
            var values: [[any SQLExpression]] = []
            for chunk in stride(from: 0, to: missing.count, by: 400) {
                let ids = Array(missing[chunk..<min(missing.count, chunk + 400)])
                for row in try await tx.raw("SELECT rowid AS r, text FROM messages WHERE rowid IN (\(binds: ids))").all() {
                    let terms = MessageSearchTerms.terms(of: try row.decode(column: "text", as: String.self))
                    if !terms.isEmpty { values.append([SQLBind(try row.decode(column: "r", as: Int64.self)), SQLBind(MessageSearchTerms.fts5Document(terms))]) }
                }
            }
            for chunk in stride(from: 0, to: values.count, by: 400) {
                var insert = tx.insert(into: "message_search").columns("rowid", "terms")
                for row in values[chunk..<min(values.count, chunk + 400)] { insert = insert.values(row) }
                try await insert.run()
            }
            try await tx.raw("UPDATE message_search_progress SET through_rowid = \(bind: last) WHERE id = 1 AND through_rowid = \(bind: through)").run()
        }
        return last < head
    }

    private static func backfillPostgres(_ sql: any SQLDatabase) async throws -> Bool {
        let rows = try await sql.raw("""
            SELECT id, text, event FROM messages WHERE search_terms IS NULL
            ORDER BY created_at DESC LIMIT \(unsafeRaw: String(backfillBatch)) FOR UPDATE SKIP LOCKED
            """).all()
        guard !rows.isEmpty else { return false }
        var ids: [UUID] = [], vectors: [String] = []
        for row in rows {
            ids.append(try row.decode(column: "id", as: UUID.self))
            let isEvent = try row.decode(column: "event", as: String?.self) != nil
            vectors.append(isEvent ? "" : MessageSearchTerms.tsvector(MessageSearchTerms.terms(of: try row.decode(column: "text", as: String.self))))
        }
        try await sql.raw("""
            UPDATE messages m SET search_terms = u.terms::tsvector
            FROM unnest(\(bind: ids)::uuid[], \(bind: vectors)::text[]) AS u(id, terms) WHERE m.id = u.id
            """).run()
        return rows.count == backfillBatch
    }
}

/// Searching messages within what the caller may see: newest first, a page at a time.
struct MessageSearch {
    let app: Application
    /// How many of the newest messages PostgreSQL filters in order before it asks the index
    /// (tests make it small to take both ways).
    var postgresWindow = 20_000
    static let maxQueryLength = 200

    struct Request {
        var text: String
        var inboxID: UUID?
        var cursor: String?
        var limit: Int
    }

    func search(_ request: Request, as viewer: Viewer) async throws -> CursorPageDTO<MessageHitDTO> {
        guard request.text.count <= Self.maxQueryLength else {
            throw DomainError.invalid("q", "q must be at most \(Self.maxQueryLength) characters")
        }
        let parts = MessageSearchTerms.query(request.text)
        guard !parts.isEmpty else { throw DomainError.invalid("q", "q must contain a letter, a digit or a Chinese, Japanese or Korean character") }
        guard case .staff(let accountID, _, _, let visible) = viewer else { throw DomainError.notFound("conversation") }
        var inboxes: [UUID]? = visible.map { Array($0) }
        if let inboxID = request.inboxID { inboxes = (inboxes ?? [inboxID]).filter { $0 == inboxID } }
        if inboxes?.isEmpty == true { return CursorPageDTO(items: [], nextCursor: nil) }

        let sql = app.db as! any SQLDatabase
        let postgres = sql.dialect.name == "postgresql"
        let scope: SQLQueryString = inboxes.map { "AND c.inbox_id IN (\(binds: $0))" } ?? ""
        let rows: [any SQLRow]
        if postgres {
            rows = try await postgresRows(tsquery: MessageSearchTerms.tsquery(parts), accountID: accountID, scope: scope,
                                          cursor: try request.cursor.map { try ConversationsController.decodeCursor($0) },
                                          limit: request.limit, on: sql)
        } else {
            var after: SQLQueryString = ""
            if let cursor = request.cursor {
                guard let rowid = Int64(cursor), rowid > 0 else {
                    throw DomainError.invalid("cursor", "cursor must be a nextCursor from a previous page")
                }
                after = "AND s.rowid < \(bind: rowid)"
            }
            // FTS5 walks the matching rowids newest first (ORDER BY rowid DESC) and stops at the page.
            rows = try await sql.raw("""
                SELECT s.rowid AS r, m.id, m.conversation_id, m.seq, m.sender_type, m.text, m.private, m.created_at, c.inbox_id, c.contact_id
                FROM message_search s JOIN messages m ON m.rowid = s.rowid
                JOIN conversations c ON c.id = m.conversation_id AND c.account_id = m.account_id
                WHERE s.terms MATCH \(bind: MessageSearchTerms.fts5(parts)) AND m.account_id = \(bind: accountID)
                  AND c.merged_into_id IS NULL \(scope) \(after)
                ORDER BY s.rowid DESC LIMIT \(unsafeRaw: String(request.limit + 1))
                """).all()
        }

        var hits: [(hit: MessageHitDTO, cursor: String)] = []
        for row in rows {
            let hit = MessageHitDTO(
                messageId: try row.decode(column: "id", as: UUID.self), conversationId: try row.decode(column: "conversation_id", as: UUID.self),
                seq: try row.decode(column: "seq", as: Int.self),
                senderType: SenderType(rawValue: try row.decode(column: "sender_type", as: String.self)) ?? .system,
                text: try row.decode(column: "text", as: String.self), private: try row.decode(column: "private", as: Bool.self),
                createdAt: try row.decode(column: "created_at", as: Date.self), inboxId: try row.decode(column: "inbox_id", as: UUID.self),
                contactId: try row.decode(column: "contact_id", as: UUID.self), contactName: nil)
            let cursor = postgres ? "\(Conversation.micros(hit.createdAt))_\(hit.messageId.uuidString)" : String(try row.decode(column: "r", as: Int64.self))
            hits.append((hit, cursor))
        }
        let hasMore = hits.count > request.limit
        // The index is checked against the text itself: what the database returns must match.
        var page = hits.prefix(request.limit).filter { MessageSearchTerms.matches(parts, in: MessageSearchTerms.terms(of: $0.hit.text)) }.map(\.hit)
        let names = try await contactNames(Set(page.map(\.contactId)), accountID: accountID)
        for i in page.indices { page[i].contactName = names[page[i].contactId] }
        return CursorPageDTO(items: page, nextCursor: hasMore ? hits[request.limit - 1].cursor : nil)
    }


    /// PostgreSQL: first the newest `postgresWindow` messages (after the cursor) walked in order
    /// and filtered — a common word or phrase fills its page there in a few milliseconds — then,
    /// for what is older, the GIN index. Asking the index first is right for rare words but not for
    /// common phrases: PostgreSQL estimates a phrase's matches as the product of its terms' and
    /// rechecked 1.6 M candidate rows for 什么时候发货 at 10 M messages (1.5 s; 4 ms this way).
    private func postgresRows(tsquery: String, accountID: UUID, scope: SQLQueryString, cursor: (Int64, UUID)?, limit: Int,
                              on sql: any SQLDatabase) async throws -> [any SQLRow] {
        // Exact to the microsecond: integer arithmetic, no floating-point seconds.
        let after: SQLQueryString = cursor.map { micros, id in
            "AND (m.created_at, m.id) < (timestamptz 'epoch' + \(bind: micros) * interval '1 microsecond', \(bind: id))"
        } ?? ""
        let columns: SQLQueryString = "m.id, m.conversation_id, m.seq, m.sender_type, m.text, m.private, m.created_at, c.inbox_id, c.contact_id"
        let recent = try await sql.raw("""
            SELECT \(columns) FROM (
              SELECT id, account_id, conversation_id, seq, sender_type, text, private, created_at, search_terms FROM messages m
              WHERE m.account_id = \(bind: accountID) \(after) ORDER BY m.created_at DESC, m.id DESC LIMIT \(unsafeRaw: String(postgresWindow))) m
            JOIN conversations c ON c.id = m.conversation_id AND c.account_id = m.account_id
            WHERE m.search_terms @@ \(bind: tsquery)::tsquery AND c.merged_into_id IS NULL \(scope)
            ORDER BY m.created_at DESC, m.id DESC LIMIT \(unsafeRaw: String(limit + 1))
            """).all()
        guard recent.count <= limit else { return recent }
        // Older than the window's last message (none: the window held them all, and this finds nothing).
        let older = try await sql.raw("""
            SELECT \(columns) FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.account_id = m.account_id
            WHERE m.account_id = \(bind: accountID) AND m.search_terms @@ \(bind: tsquery)::tsquery AND c.merged_into_id IS NULL \(scope)
              AND (m.created_at, m.id) < (SELECT created_at, id FROM messages m WHERE m.account_id = \(bind: accountID) \(after)
                                          ORDER BY m.created_at DESC, m.id DESC OFFSET \(unsafeRaw: String(postgresWindow - 1)) LIMIT 1)
            ORDER BY m.created_at DESC, m.id DESC LIMIT \(unsafeRaw: String(limit + 1 - recent.count))
            """).all()
        return recent + older
    }

    private func contactNames(_ ids: Set<UUID>, accountID: UUID) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for contact in try await Contact.query(on: app.db).filter(\.$accountID == accountID).filter(\.$id ~~ ids).all() {
            if let name = contact.displayName { names[contact.id!] = name }
        }
        return names
    }
}

/// The newest message when this process first looked (``MessageSearchIndex/backfill(_:)``).
final class MessageSearchHead: Sendable {
    private let head = NIOLockedValueBox<Int64?>(nil)

    func value(_ load: () async throws -> Int64) async throws -> Int64 {
        if let known = head.withLockedValue({ $0 }) { return known }
        let loaded = try await load()
        head.withLockedValue { $0 = loaded }
        return loaded
    }
}

private struct MessageSearchHeadKey: StorageKey { typealias Value = MessageSearchHead }

extension Application {
    var messageSearchHead: MessageSearchHead {
        get { configured(MessageSearchHeadKey.self) }
        set { storage[MessageSearchHeadKey.self] = newValue }
    }
}
