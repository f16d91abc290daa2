import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

struct PostMessageRequest: StrictContent {
    static let allowedFields: Set<String> = ["text", "clientMessageId", "private", "attachments"]
    var text: String?
    var clientMessageId: UUID?
    var `private`: Bool?
    var attachments: [String]?
}

struct UpdateConversationRequest: StrictContent {
    static let allowedFields: Set<String> = ["status", "assigneeId", "inboxId", "priority", "tags", "snoozedUntil"]
    var status: String?
    var assigneeId: UUID??
    var inboxId: UUID?
    var priority: String?
    var tags: [String]?
    var snoozedUntil: Date?

    enum CodingKeys: String, CodingKey { case status, assigneeId, inboxId, priority, tags, snoozedUntil }

    /// ISO 8601 with or without fractional seconds (JavaScript's `toISOString()` has them).
    static func parseTime(_ raw: String) -> Date? { ISODates.parse(raw) }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        // Present-but-null unassigns; absent leaves the assignee alone.
        if c.contains(.assigneeId) { assigneeId = .some(try c.decodeIfPresent(UUID.self, forKey: .assigneeId)) }
        inboxId = try c.decodeIfPresent(UUID.self, forKey: .inboxId)
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        if let raw = try c.decodeIfPresent(String.self, forKey: .snoozedUntil) {
            guard let date = Self.parseTime(raw) else {
                throw DomainError.invalid("snoozedUntil", "snoozedUntil must be an ISO 8601 time like 2026-11-23T09:00:00Z")
            }
            snoozedUntil = date
        }
    }
}

struct MergeRequest: StrictContent {
    static let allowedFields: Set<String> = ["sourceConversationId"]
    var sourceConversationId: UUID
}

struct ReadRequest: StrictContent {
    static let allowedFields: Set<String> = ["seq"]
    var seq: Int
}

/// Conversations for the workbench and integrations.
struct ConversationsController {
    func list(_ req: Request) async throws -> CursorPageDTO<ConversationDTO> {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        guard case .staff(let accountID, _, _, let visible) = viewer else { throw DomainError.notFound("conversation") }
        var query = ConversationListing.Query(accountID: accountID, visibleInboxes: visible, limit: try Self.limit(req))
        switch req.query[String.self, at: "filter"] ?? "all" {
        case "mine":
            guard let userID = principal.userID else { throw DomainError.invalid("filter", "filter=mine needs a signed-in member") }
            query.assignee = .member(userID)
        case "unassigned": query.assignee = .unassigned
        case "all": break
        case let other: throw DomainError.invalid("filter", "filter must be mine, unassigned or all; got '\(other)'")
        }
        if let raw = req.query[String.self, at: "status"] { query.status = try ConversationStatus.parse(raw) }
        if let raw = req.query[String.self, at: "inboxId"] {
            guard let id = UUID(uuidString: raw) else { throw DomainError.invalid("inboxId", "inboxId must be a UUID") }
            query.inboxID = id
        }
        if let cursor = req.query[String.self, at: "cursor"] { query.after = try Self.decodeCursor(cursor) }
        let (items, more) = try await ConversationListing.page(query, on: req.db as! any SQLDatabase)
        let next = more ? items.last.map { Self.encodeCursor(micros: $0.1, id: $0.0.id) } : nil
        return CursorPageDTO(items: items.map(\.0), nextCursor: next)
    }

    func get(_ req: Request) async throws -> ConversationDTO {
        let (_, conversation) = try await Self.find(req)
        return ConversationDTO(conversation, contact: try await ConversationOps.contact(of: conversation, on: req.db))
    }

    func messages(_ req: Request) async throws -> PageDTO<MessageDTO> {
        let (viewer, conversation) = try await Self.find(req)
        let items = try await MessageRows.load(conversationID: conversation.id!, accountID: viewer.accountID,
                                               beforeSeq: try Self.beforeSeq(req), limit: try Self.limit(req), includePrivate: true, on: req.db)
        return PageDTO(items: items, hasMore: (items.first?.seq ?? 1) > 1)
    }

    /// Messages matching `q` in the conversations the caller sees (``MessageSearch``).
    func searchMessages(_ req: Request) async throws -> CursorPageDTO<MessageHitDTO> {
        let viewer = try await Viewer.staff(try req.requirePrincipal(), on: req.db)
        var inboxID: UUID?
        if let raw = req.query[String.self, at: "inboxId"] {
            guard let id = UUID(uuidString: raw) else { throw DomainError.invalid("inboxId", "inboxId must be a UUID") }
            inboxID = id
        }
        guard let text = req.query[String.self, at: "q"] else { throw DomainError.invalid("q", "q (the words to search for) is required") }
        return try await MessageSearch(app: req.application).search(
            .init(text: text, inboxID: inboxID, cursor: req.query[String.self, at: "cursor"], limit: try Self.limit(req)), as: viewer)
    }

    func postMessage(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(PostMessageRequest.self)
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let id = try Self.id(req)
        let attachmentIDs = input.attachments ?? []
        let text = try ChatValidate.text(input.text ?? "", hasAttachments: !attachmentIDs.isEmpty)
        let stored = try await req.application.conversations.send(
            MessageDraft(text: text, isPrivate: input.private ?? false, attachmentIDs: attachmentIDs, clientMessageID: input.clientMessageId),
            in: id, by: caller)
        return try await stored.message.encodeResponse(status: stored.duplicate ? .ok : .created, for: req)
    }

    func update(_ req: Request) async throws -> ConversationDTO {
        let input = try req.decodeStrict(UpdateConversationRequest.self)
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let update = ConversationUpdate(
            status: try input.status.map { raw throws(DomainError) in try ConversationStatus.parse(raw) }, snoozedUntil: input.snoozedUntil,
            assignee: input.assigneeId, inbox: input.inboxId,
            priority: try input.priority.map { raw throws(DomainError) in try ConversationPriority.parse(raw) },
            tags: try input.tags.map { raw throws(DomainError) in try ChatValidate.tags(raw) })
        return try await req.application.conversations.update(try Self.id(req), update, by: caller)
    }

    /// Appends the source conversation's messages (same customer) to this one, in their
    /// order and with new sequence numbers, and resolves the source.
    func merge(_ req: Request) async throws -> ConversationDTO {
        let input = try req.decodeStrict(MergeRequest.self)
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        return try await req.application.conversations.merge(input.sourceConversationId, into: try Self.id(req), by: caller)
    }

    func read(_ req: Request) async throws -> ConversationDTO {
        let input = try req.decodeStrict(ReadRequest.self)
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let id = try Self.id(req)
        try await req.application.conversations.markRead(id, seq: input.seq, by: caller)
        return try await req.application.conversations.dto(id, as: caller)
    }

    // MARK: helpers

    static func find(_ req: Request) async throws -> (Viewer, Conversation) {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        return (viewer, try await viewer.conversation(req.parameters.get("id", as: UUID.self), on: req.db))
    }

    /// The conversation id of the path (one that is not a UUID is simply not found).
    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("conversation") }
        return id
    }

    static func limit(_ req: Request) throws -> Int {
        guard let raw = req.query[String.self, at: "limit"] else { return ChatLimits.historyPageDefault }
        guard let n = Int(raw), (1...ChatLimits.historyPageMax).contains(n) else {
            throw DomainError.invalid("limit", "limit must be an integer from 1 to \(ChatLimits.historyPageMax), got '\(raw)'")
        }
        return n
    }

    static func beforeSeq(_ req: Request) throws -> Int? {
        guard let raw = req.query[String.self, at: "beforeSeq"] else { return nil }
        guard let n = Int(raw), n >= 1 else { throw DomainError.invalid("beforeSeq", "beforeSeq must be an integer ≥ 1, got '\(raw)'") }
        return n
    }

    /// Cursor: the last row's integer activity key and id (exact comparisons, no floats).
    static func encodeCursor(micros: Int64, id: UUID) -> String {
        "\(micros)_\(id.uuidString)"
    }

    static func decodeCursor(_ raw: String) throws -> (Int64, UUID) {
        let parts = raw.split(separator: "_")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw DomainError.invalid("cursor", "cursor must be a nextCursor from a previous page")
        }
        return (micros, id)
    }
}
