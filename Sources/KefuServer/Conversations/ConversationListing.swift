import Foundation
import KefuCore
import SQLKit

/// The workbench's conversation rows read with plain SQL, straight into ``ConversationDTO``: the
/// list (`GET /api/v1/conversations`) and the `conversation.updated` frames. Decoding 50–100
/// Fluent models per request (field reflection through `Mirror` on every row) was most of a list
/// request's time at 1,000,000 conversations (docs/benchmarks.md, "A large shop").
enum ConversationListing {
    /// The list's filters, already checked (``ConversationsController/list(_:)``).
    struct Query {
        enum Assignee { case anyone, unassigned, member(UUID) }
        var accountID: UUID
        /// The inboxes the caller sees (nil: all of the shop's).
        var visibleInboxes: Set<UUID>?
        var assignee: Assignee = .anyone
        var status: ConversationStatus?
        var inboxID: UUID?
        /// Rows strictly after this (activity, id), newest first.
        var after: (micros: Int64, id: UUID)?
        var limit: Int
    }

    private static let columns = """
        c.id, c.inbox_id, c.contact_id, c.status, c.assignee_id, c.priority, c.tags, c.snoozed_until, c.channel, c.last_seq, \
        c.last_message_at, c.activity_us, c.last_message_preview, c.agent_unread, c.visitor_read_seq, c.agent_read_seq, c.merged_into_id, \
        c.bot_active, c.queued_at, c.assigned_at, c.first_response_at, c.awaiting_since, c.created_at, ct.name AS contact_name
        """

    /// A page of the list and whether more follow, with each row's activity (for the cursor).
    /// An agent of several inboxes: one walk of the inbox index per inbox, merged here. One
    /// query over `inbox_id IN (…)` sorted every conversation of those inboxes (535 ms at
    /// 1,000,000 conversations; 18 ms per inbox).
    static func page(_ q: Query, on sql: any SQLDatabase) async throws -> (items: [(ConversationDTO, Int64)], more: Bool) {
        var scopes: [UUID?] = [q.inboxID]
        if q.inboxID == nil, let visible = q.visibleInboxes {
            guard !visible.isEmpty else { return ([], false) }
            scopes = visible.count > 1 ? visible.sorted { $0.uuidString < $1.uuidString } : [visible.first!]
        } else if let inbox = q.inboxID, let visible = q.visibleInboxes, !visible.contains(inbox) {
            return ([], false)
        }
        var rows: [(ConversationDTO, Int64)] = []
        for scope in scopes {
            var filters: SQLQueryString = "c.account_id = \(bind: q.accountID) AND c.merged_into_id IS NULL"
            if let scope { filters = filters + " AND c.inbox_id = \(bind: scope)" }
            switch q.assignee {
            case .anyone: break
            case .unassigned: filters = filters + " AND c.assignee_id IS NULL"
            case .member(let id): filters = filters + " AND c.assignee_id = \(bind: id)"
            }
            if let status = q.status { filters = filters + " AND c.status = \(bind: status.rawValue)" }
            if let (micros, id) = q.after {
                // `activity <= m` bounds the index walk; the OR alone made it a scan (1.2 s on page 2
                // of a shop with 1,000,000 conversations).
                filters = filters + " AND c.activity_us <= \(bind: micros) AND (c.activity_us < \(bind: micros) OR c.id < \(bind: id))"
            }
            let found = try await sql.raw("""
                SELECT \(unsafeRaw: columns) FROM conversations c
                LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.account_id = c.account_id
                WHERE \(filters)
                ORDER BY c.activity_us DESC, c.id DESC LIMIT \(unsafeRaw: String(q.limit + 1))
                """).all()
            for row in found { rows.append((try ConversationDTO(row: row), try row.decode(column: "activity_us", as: Int64.self))) }
        }
        if scopes.count > 1 {
            rows.sort { ($0.1, $0.0.id.uuidString) > ($1.1, $1.0.id.uuidString) }
        }
        return (Array(rows.prefix(q.limit)), rows.count > q.limit)
    }

    /// One conversation as the list shows it (nil: not in that shop).
    static func one(_ id: UUID, accountID: UUID, on sql: any SQLDatabase) async throws -> ConversationDTO? {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM conversations c
            LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.account_id = c.account_id
            WHERE c.id = \(bind: id) AND c.account_id = \(bind: accountID)
            """).first().map { try ConversationDTO(row: $0) }
    }
}

extension ConversationDTO {
    /// A row of ``ConversationListing``'s columns.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        inboxId = try row.decode(column: "inbox_id", as: UUID.self)
        contactId = try row.decode(column: "contact_id", as: UUID.self)
        contact = ContactSummaryDTO(id: contactId, name: try row.decode(column: "contact_name", as: String?.self))
        status = try ConversationStatus.parse(try row.decode(column: "status", as: String.self))
        assigneeId = try row.decode(column: "assignee_id", as: UUID?.self)
        priority = try ConversationPriority.parse(try row.decode(column: "priority", as: String.self))
        let tagText = try row.decode(column: "tags", as: String.self)
        tags = tagText.isEmpty ? [] : tagText.split(separator: ",").map(String.init)
        snoozedUntil = try row.decode(column: "snoozed_until", as: Date?.self)
        channel = try row.decode(column: "channel", as: String.self)
        lastSeq = try row.decode(column: "last_seq", as: Int.self)
        lastMessageAt = try row.decode(column: "last_message_at", as: Date?.self)
        lastMessagePreview = try row.decode(column: "last_message_preview", as: String?.self)
        unreadCount = try row.decode(column: "agent_unread", as: Int.self)
        visitorReadSeq = try row.decode(column: "visitor_read_seq", as: Int.self)
        agentReadSeq = try row.decode(column: "agent_read_seq", as: Int.self)
        mergedIntoId = try row.decode(column: "merged_into_id", as: UUID?.self)
        botActive = try row.decode(column: "bot_active", as: Bool.self)
        queuedAt = try row.decode(column: "queued_at", as: Date?.self)
        assignedAt = try row.decode(column: "assigned_at", as: Date?.self)
        firstResponseAt = try row.decode(column: "first_response_at", as: Date?.self)
        awaitingSince = try row.decode(column: "awaiting_since", as: Date?.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
    }
}
