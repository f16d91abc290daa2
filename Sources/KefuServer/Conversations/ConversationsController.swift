import Fluent
import Foundation
import KefuCore
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
        var query = viewer.conversations(on: req.db).filter(\.$mergedIntoID == nil)
        switch req.query[String.self, at: "filter"] ?? "all" {
        case "mine":
            guard let userID = principal.userID else { throw DomainError.invalid("filter", "filter=mine needs a signed-in member") }
            query = query.filter(\.$assigneeID == userID)
        case "unassigned": query = query.filter(\.$assigneeID == nil)
        case "all": break
        case let other: throw DomainError.invalid("filter", "filter must be mine, unassigned or all; got '\(other)'")
        }
        if let raw = req.query[String.self, at: "status"] { query = query.filter(\.$status == (try ConversationStatus.parse(raw))) }
        if let raw = req.query[String.self, at: "inboxId"] {
            guard let id = UUID(uuidString: raw) else { throw DomainError.invalid("inboxId", "inboxId must be a UUID") }
            query = query.filter(\.$inboxID == id)
        }
        let limit = try Self.limit(req)
        if let cursor = req.query[String.self, at: "cursor"] {
            let (micros, id) = try Self.decodeCursor(cursor)
            query = query.group(.or) { g in
                g.filter(\.$activityMicros < micros)
                g.group(.and) { same in same.filter(\.$activityMicros == micros).filter(\.$id < id) }
            }
        }
        let rows = try await query.sort(\.$activityMicros, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let page = Array(rows.prefix(limit))
        let contacts = try await Self.contacts(for: page, accountID: principal.accountID, on: req.db)
        let next = rows.count > limit ? page.last.map { Self.encodeCursor($0) } : nil
        return CursorPageDTO(items: page.map { ConversationDTO($0, contact: contacts[$0.contactID]) }, nextCursor: next)
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

    func postMessage(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(PostMessageRequest.self)
        let (_, conversation) = try await Self.find(req)
        let attachmentIDs = input.attachments ?? []
        let text = try ChatValidate.text(input.text ?? "", hasAttachments: !attachmentIDs.isEmpty)
        let isPrivate = input.private ?? false
        let (sender, senderType) = try await Self.sender(principal, on: req.db)
        var changed = false
        if !isPrivate {
            changed = try await ConversationOps.beforeTeamReply(conversation, senderType: senderType, userID: principal.userID, on: req.db)
        }
        let attachments = try await ConversationOps.attachments(attachmentIDs, accountID: principal.accountID, uploaderType: "agent",
                                                                uploaderID: sender.id!, on: req.db)
        let stored = try await req.application.chat.writer.write(NewMessage(
            accountID: principal.accountID, conversationID: conversation.id!, senderType: senderType, sender: sender,
            clientMessageID: input.clientMessageId, text: text, isPrivate: isPrivate, attachments: attachments, event: nil, createdAt: nil))
        if changed { try await Self.announce(conversation.id!, accountID: principal.accountID, req) }
        return try await stored.message.encodeResponse(status: stored.duplicate ? .ok : .created, for: req)
    }

    func update(_ req: Request) async throws -> ConversationDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(UpdateConversationRequest.self)
        let (_, conversation) = try await Self.find(req)
        var events: [(String, String)] = []
        if let raw = input.status {
            let status = try ConversationStatus.parse(raw)
            if status == .snoozed {
                guard let until = input.snoozedUntil, until > Date() else {
                    throw DomainError.invalid("snoozedUntil", "snoozing needs snoozedUntil in the future")
                }
                conversation.snoozedUntil = until
            } else {
                conversation.snoozedUntil = nil
            }
            if status != conversation.status { events.append(("status", status.rawValue)) }
            conversation.status = status
        } else if input.snoozedUntil != nil {
            throw DomainError.invalid("snoozedUntil", "snoozedUntil goes with status snoozed")
        }
        let previousAssignee = conversation.assigneeID
        if let assignee = input.assigneeId {
            if let id = assignee {
                guard let user = try await User.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == id)
                    .filter(\.$active == true).first() else {
                    throw DomainError.invalid("assigneeId", "assigneeId names no active member of this shop")
                }
                events.append(("assigned", "\(user.agentNumber) \(user.displayName)"))
            } else {
                events.append(("unassigned", ""))
            }
            conversation.assigneeID = assignee
        }
        if let inboxID = input.inboxId, inboxID != conversation.inboxID {
            guard let inbox = try await Inbox.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == inboxID).first() else {
                throw DomainError.invalid("inboxId", "inboxId names no inbox of this shop")
            }
            conversation.inboxID = inboxID
            if input.assigneeId == nil { conversation.assigneeID = nil }
            events.append(("transferred", inbox.name))
        }
        if let raw = input.priority { conversation.priority = try ConversationPriority.parse(raw) }
        if let tags = input.tags { conversation.tagList = try ChatValidate.tags(tags) }
        conversation.updatedAt = Date()
        let reporting = input.assigneeId != nil || input.inboxId != nil
            ? RoutingHooks.assignedByHand(conversation, previous: previousAssignee, by: principal.userID) : []
        try await req.db.transaction { tx in
            try await conversation.save(on: tx)
            for event in reporting { try await event.create(on: tx) }
        }
        let (sender, _) = try await Self.sender(principal, on: req.db)
        for (event, detail) in events {
            _ = try await req.application.chat.writer.write(NewMessage(
                accountID: principal.accountID, conversationID: conversation.id!, senderType: .system, sender: sender, clientMessageID: nil,
                text: detail, isPrivate: true, attachments: [], event: "conversation.\(event)", createdAt: nil))
        }
        if conversation.queuedAt != nil {
            try await req.application.routing.route(conversation.id!, accountID: principal.accountID)
        }
        // A resolution or a new assignee may free a place for someone in the queue.
        if input.status != nil || input.assigneeId != nil { req.application.routing.kick() }
        return try await Self.announce(conversation.id!, accountID: principal.accountID, req)
    }

    /// Appends the source conversation's messages (same customer) to this one, in
    /// their order and with new sequence numbers, and resolves the source.
    func merge(_ req: Request) async throws -> ConversationDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(MergeRequest.self)
        let (viewer, target) = try await Self.find(req)
        let source = try await viewer.conversation(input.sourceConversationId, on: req.db)
        guard source.id != target.id else { throw DomainError.invalid("sourceConversationId", "a conversation cannot be merged into itself") }
        guard source.contactID == target.contactID else {
            throw DomainError.invalid("sourceConversationId", "only conversations of the same customer can be merged")
        }
        guard source.mergedIntoID == nil else { throw DomainError.conflict("sourceConversationId", "that conversation was already merged") }
        let messages = try await Message.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$conversationID == source.id!).sort(\.$seq).all()
        let senders = try await MessageRows.senderDirectory(for: messages, accountID: principal.accountID, on: req.db)
        // Messages are appended in their original order and keep their original time;
        // the source's own system events stay with it.
        for m in messages where m.senderType != .system {
            _ = try await req.application.chat.writer.write(NewMessage(
                accountID: principal.accountID, conversationID: target.id!, senderType: m.senderType,
                sender: m.senderID.map { senders[$0] ?? SenderDTO(id: $0) }, clientMessageID: nil, text: m.text, isPrivate: m.isPrivate,
                attachments: MessageRows.attachments(m.attachments), event: m.event, createdAt: m.createdAt))
        }
        source.mergedIntoID = target.id
        source.status = .resolved
        source.updatedAt = Date()
        try await source.save(on: req.db)
        let (sender, _) = try await Self.sender(principal, on: req.db)
        _ = try await req.application.chat.writer.write(NewMessage(
            accountID: principal.accountID, conversationID: target.id!, senderType: .system, sender: sender, clientMessageID: nil,
            text: String(messages.count), isPrivate: true, attachments: [], event: "conversation.merged", createdAt: nil))
        _ = try await Self.announce(source.id!, accountID: principal.accountID, req)
        return try await Self.announce(target.id!, accountID: principal.accountID, req)
    }

    func read(_ req: Request) async throws -> ConversationDTO {
        let input = try req.decodeStrict(ReadRequest.self)
        let (viewer, conversation) = try await Self.find(req)
        guard input.seq >= 0 else { throw DomainError.invalid("seq", "seq must be ≥ 0") }
        let upTo = min(input.seq, conversation.lastSeq)
        conversation.agentReadSeq = max(conversation.agentReadSeq, upTo)
        if upTo >= conversation.lastSeq { conversation.agentUnread = 0 }
        try await conversation.save(on: req.db)
        req.application.chat.relay(HubEvent(
            accountID: viewer.accountID, conversationID: conversation.id, inboxID: conversation.inboxID, contactID: conversation.contactID,
            toVisitor: true, toAgents: true,
            frame: FrameCoder.encode(ServerFrame.Read(conversationId: conversation.id!, reader: "agent", seq: upTo)), except: nil))
        return ConversationDTO(conversation, contact: try await ConversationOps.contact(of: conversation, on: req.db))
    }

    // MARK: helpers

    static func find(_ req: Request) async throws -> (Viewer, Conversation) {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        return (viewer, try await viewer.conversation(req.parameters.get("id", as: UUID.self), on: req.db))
    }

    @discardableResult
    static func announce(_ id: UUID, accountID: UUID, _ req: Request) async throws -> ConversationDTO {
        guard let fresh = try await Conversation.query(on: req.db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("conversation")
        }
        let contact = try await ConversationOps.contact(of: fresh, on: req.db)
        req.application.chat.conversationChanged(fresh, contact: contact)
        return ConversationDTO(fresh, contact: contact)
    }

    static func sender(_ principal: Principal, on db: any Database) async throws -> (SenderDTO, SenderType) {
        if let userID = principal.userID,
           let user = try await User.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
            return (ConversationOps.sender(of: user), .agent)
        }
        let name = principal.label.hasPrefix("token:") ? String(principal.label.dropFirst(6)) : principal.label
        return (SenderDTO(id: principal.tokenID, name: name, agentNumber: nil), .bot)
    }

    static func contacts(for conversations: [Conversation], accountID: UUID, on db: any Database) async throws -> [UUID: Contact] {
        let ids = Set(conversations.map(\.contactID))
        guard !ids.isEmpty else { return [:] }
        let rows = try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
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
    static func encodeCursor(_ c: Conversation) -> String {
        "\(c.activityMicros)_\(c.id!.uuidString)"
    }

    static func decodeCursor(_ raw: String) throws -> (Int64, UUID) {
        let parts = raw.split(separator: "_")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw DomainError.invalid("cursor", "cursor must be a nextCursor from a previous page")
        }
        return (micros, id)
    }
}
