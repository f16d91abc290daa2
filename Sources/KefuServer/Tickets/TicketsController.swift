import Fluent
import Foundation
import KefuCore
import Vapor

/// `/api/v1/tickets…`: decode, ask ``Tickets`` (writes) or ``TicketViews`` (reads), encode.
struct TicketsController {
    func list(_ req: Request) async throws -> TicketPageDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        var filter = TicketViews.Filter()
        if let raw = req.query[String.self, at: "view"] {
            guard let view = TicketViews.View(rawValue: raw) else { throw DomainError.invalid("view", "view must be mine, unassigned, active or all") }
            filter.view = view
        }
        if let raw = req.query[String.self, at: "status"], !raw.isEmpty {
            filter.statuses = try raw.split(separator: ",").map { try Self.parse(TicketStatus.self, String($0), field: "status") }
        }
        filter.type = req.query[String.self, at: "type"].flatMap { $0.isEmpty ? nil : $0 }
        filter.priority = try req.query[String.self, at: "priority"].map { try Self.parse(TicketPriority.self, $0, field: "priority") }
        filter.inboxID = try Self.uuid(req, "inboxId")
        filter.assigneeID = try Self.uuid(req, "assigneeId")
        filter.contactID = try Self.uuid(req, "contactId")
        filter.text = req.query[String.self, at: "q"].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        if let raw = req.query[String.self, at: "cursor"] {
            guard let n = Int(raw), n >= 0, n <= 100_000 else { throw DomainError.invalid("cursor", "cursor is the nextCursor of the previous page") }
            filter.offset = n
        }
        filter.limit = try Paging.limit(req, default: 50, max: 200)
        return try await TicketViews(app: req.application).list(filter, caller: caller)
    }

    func create(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(CreateTicketRequest.self)
        var draft = try Self.draft(input)
        if draft.source == .api, caller.senderType == .agent { draft.source = input.conversationId == nil ? .phone : .chat }
        if let raw = input.source { draft.source = try Self.parse(TicketSource.self, raw, field: "source") }
        let ticket = try await req.application.tickets.create(draft, by: caller)
        return try await TicketViews(app: req.application).detail(ticket).encodeResponse(status: .created, for: req)
    }

    /// `POST /conversations/{id}/ticket`: a ticket from the chat (source chat, the conversation linked).
    func createFromConversation(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let id = try await caller.viewer.conversation(try ConversationsController.id(req), on: req.db).id!
        let input = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeStrict(CreateTicketRequest.self) : CreateTicketRequest()
        if input.conversationId != nil { throw DomainError.invalid("conversationId", "the conversation is the one in the path") }
        var draft = try Self.draft(input)
        draft.conversationID = id
        draft.source = try input.source.map { try Self.parse(TicketSource.self, $0, field: "source") } ?? .chat
        let ticket = try await req.application.tickets.create(draft, by: caller)
        return try await TicketViews(app: req.application).detail(ticket).encodeResponse(status: .created, for: req)
    }

    func draft(_ req: Request) async throws -> TicketDraftDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        return try await req.application.tickets.draft(fromConversation: try ConversationsController.id(req), by: caller)
    }

    func conversationTickets(_ req: Request) async throws -> TicketPageDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let conversation = try await caller.viewer.conversation(try ConversationsController.id(req), on: req.db)
        let items = try await TicketViews(app: req.application).linked(toConversation: conversation.id!, caller: caller)
        return TicketPageDTO(items: items, nextCursor: nil, total: items.count)
    }

    func contactTickets(_ req: Request) async throws -> TicketPageDTO {
        let (principal, contact) = try await ContactsController.find(req)
        let caller = try await Caller.member(principal, on: req.db)
        var filter = TicketViews.Filter()
        filter.view = .all
        filter.contactID = contact.id
        filter.limit = 50
        return try await TicketViews(app: req.application).list(filter, caller: caller)
    }

    func get(_ req: Request) async throws -> TicketDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let ticket = try await caller.viewer.ticket(try Self.id(req), on: req.db)
        return try await TicketViews(app: req.application).detail(ticket)
    }

    func update(_ req: Request) async throws -> TicketDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(UpdateTicketRequest.self)
        let patch = TicketPatch(
            subject: input.subject, type: input.type,
            status: try input.status.map { try Self.parse(TicketStatus.self, $0, field: "status") },
            urgency: try input.urgency.map { try Self.parse(TicketUrgency.self, $0, field: "urgency") },
            priority: try input.priority.map { try Self.parse(TicketPriority.self, $0, field: "priority") },
            inbox: input.inboxId, assignee: input.assigneeId, tags: input.tags, fields: input.fields)
        guard !patch.isEmpty else { throw DomainError(.invalid, code: "missing_body", message: "name at least one field to change") }
        let ticket = try await req.application.tickets.update(try Self.id(req), patch, by: caller)
        return try await TicketViews(app: req.application).detail(ticket)
    }

    func comment(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(TicketCommentRequest.self)
        let kind = try Self.parse(TicketEntryKind.self, input.kind, field: "kind")
        let status = try input.status.map { try Self.parse(TicketStatus.self, $0, field: "status") }
        let ticket = try await req.application.tickets.comment(try Self.id(req), kind: kind, text: input.text, status: status, by: caller)
        return try await TicketViews(app: req.application).detail(ticket).encodeResponse(status: .created, for: req)
    }

    func link(_ req: Request) async throws -> TicketDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(TicketLinkRequest.self)
        let ticket = try await req.application.tickets.link(try Self.id(req), conversationID: input.conversationId, orderExternalID: input.orderId, by: caller)
        return try await TicketViews(app: req.application).detail(ticket)
    }

    func bulk(_ req: Request) async throws -> BulkTicketResultDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(BulkTicketRequest.self)
        let patch = TicketPatch(
            status: try input.status.map { try Self.parse(TicketStatus.self, $0, field: "status") },
            priority: try input.priority.map { try Self.parse(TicketPriority.self, $0, field: "priority") },
            assignee: input.assigneeId, addTags: input.addTags ?? [], removeTags: input.removeTags ?? [])
        return BulkTicketResultDTO(results: try await req.application.tickets.bulk(input.ids, patch, by: caller))
    }

    func settings(_ req: Request) async throws -> TicketSettingsDTO {
        let principal = try req.requirePrincipal()
        return TicketSettingsStore.dto(try await TicketSettingsStore.load(principal.accountID, now: req.now, on: req.db))
    }

    func putSettings(_ req: Request) async throws -> TicketSettingsDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(TicketSettingsInput.self)
        return try await TicketSettingsStore.update(input, by: principal, ip: req.clientIP, app: req.application)
    }

    // MARK: parsing

    static func draft(_ input: CreateTicketRequest) throws -> Tickets.Draft {
        Tickets.Draft(
            subject: input.subject, type: input.type,
            urgency: try input.urgency.map { try parse(TicketUrgency.self, $0, field: "urgency") },
            priority: try input.priority.map { try parse(TicketPriority.self, $0, field: "priority") },
            contactID: input.contactId, conversationID: input.conversationId, orderExternalIDs: input.orderIds ?? [],
            inboxID: input.inboxId, assigneeID: input.assigneeId, tags: input.tags ?? [], fields: input.fields ?? [:],
            description: input.description)
    }

    static func parse<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ raw: String, field: String) throws(DomainError) -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw DomainError.invalid(field, "\(field) must be one of " + T.allCases.map(\.rawValue).joined(separator: ", ") + "; got '\(raw)'")
        }
        return value
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("ticket") }
        return id
    }

    static func uuid(_ req: Request, _ name: String) throws -> UUID? {
        guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else { throw DomainError.invalid(name, "\(name) must be a UUID") }
        return id
    }
}
