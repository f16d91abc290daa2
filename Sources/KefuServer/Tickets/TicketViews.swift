import Fluent
import Foundation
import KefuCore
import Vapor

/// Reading tickets as a caller sees them: the lists (views, filters, search), one ticket with
/// its timeline and links, a conversation's or a customer's tickets.
struct TicketViews {
    let app: Application

    var db: any Database { app.db }

    enum View: String { case mine, unassigned, all, active }

    struct Filter {
        var view: View = .active
        var statuses: [TicketStatus] = []
        var type: String?
        var priority: TicketPriority?
        var inboxID: UUID?
        var assigneeID: UUID?
        var contactID: UUID?
        var text: String?
        var offset = 0
        var limit = 50
    }

    func list(_ filter: Filter, caller: Caller) async throws -> TicketPageDTO {
        let query = caller.viewer.tickets(on: db)
        switch filter.view {
        case .mine:
            guard let me = caller.actor.userID else { throw DomainError.invalid("view", "view=mine needs a signed-in member") }
            query.filter(\.$assigneeID == me).filter(\.$status !~ [.solved, .closed])
        case .unassigned: query.filter(\.$assigneeID == nil).filter(\.$status !~ [.solved, .closed])
        case .active: if filter.statuses.isEmpty { query.filter(\.$status !~ [.solved, .closed]) }
        case .all: break
        }
        if !filter.statuses.isEmpty { query.filter(\.$status ~~ filter.statuses) }
        if let type = filter.type { query.filter(\.$type == type) }
        if let priority = filter.priority { query.filter(\.$priority == priority) }
        if let inbox = filter.inboxID { query.filter(\.$inboxID == inbox) }
        if let assignee = filter.assigneeID { query.filter(\.$assigneeID == assignee) }
        if let contact = filter.contactID { query.filter(\.$contactID == contact) }
        if let text = filter.text {
            let ids = try await matching(text, accountID: caller.accountID)
            query.filter(\.$id ~~ ids)
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$updatedAt, .descending).sort(\.$id, .descending)
            .range(filter.offset..<(filter.offset + filter.limit + 1)).all()
        let page = Array(rows.prefix(filter.limit))
        return TicketPageDTO(items: try await summaries(page, accountID: caller.accountID),
                             nextCursor: rows.count > filter.limit ? String(filter.offset + filter.limit) : nil, total: total)
    }

    /// Ticket ids whose number, subject, customer, linked order (number or platform id) or
    /// timeline text matches `text` (at most 1,000 per source).
    func matching(_ raw: String, accountID: UUID) async throws -> [UUID] {
        var ids = Set<UUID>()
        if let n = TicketNumber.parse(raw) {
            ids.formUnion(try await Ticket.query(on: db).filter(\.$accountID == accountID).filter(\.$number == n).all(\.$id))
        }
        let folded = TextNormalizer().normalize(raw)
        if !folded.isEmpty {
            ids.formUnion(try await Ticket.query(on: db).filter(\.$accountID == accountID)
                .filter(\.$searchText, .custom("LIKE"), "%\(Self.escapeLike(folded))%").limit(1000).all(\.$id))
        }
        let trimmed = raw.trimmingWhitespace()
        let orders = try await Order.query(on: db).filter(\.$accountID == accountID)
            .group(.or) { $0.filter(\.$number == trimmed).filter(\.$externalID == trimmed) }.limit(50).all(\.$id)
        if !orders.isEmpty {
            ids.formUnion(try await TicketLink.query(on: db).filter(\.$accountID == accountID).filter(\.$orderID ~~ orders).limit(1000).all(\.$ticketID))
        }
        if trimmed.count >= 2 {
            ids.formUnion(try await TicketEntry.query(on: db).filter(\.$accountID == accountID).filter(\.$kind ~~ [.note, .reply, .customer])
                .filter(\.$text, .custom("LIKE"), "%\(Self.escapeLike(trimmed))%").limit(1000).all(\.$ticketID))
        }
        return Array(ids)
    }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    func summaries(_ tickets: [Ticket], accountID: UUID) async throws -> [TicketSummaryDTO] {
        let names = try await people(tickets, accountID: accountID)
        return tickets.map { t in
            TicketSummaryDTO(id: t.id!, number: t.numberText, subject: t.subject, type: t.type, source: t.source, status: t.status,
                             urgency: t.urgency, priority: t.priority, contact: t.contactID.flatMap { names.contacts[$0] }, inboxId: t.inboxID,
                             assignee: t.assigneeID.flatMap { names.users[$0] }, tags: t.tagList, createdAt: t.createdAt, updatedAt: t.updatedAt)
        }
    }

    func detail(_ ticket: Ticket) async throws -> TicketDTO {
        let accountID = ticket.accountID
        let entries = try await TicketEntry.query(on: db).filter(\.$accountID == accountID).filter(\.$ticketID == ticket.id!)
            .sort(\.$seq).all()
        let links = try await TicketLink.query(on: db).filter(\.$accountID == accountID).filter(\.$ticketID == ticket.id!).sort(\.$createdAt).all()
        let orderIDs = links.compactMap(\.orderID)
        let orders = orderIDs.isEmpty ? [] : try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ orderIDs).all()
        let names = try await people([ticket], accountID: accountID, extraUsers: entries.filter { $0.authorType == "agent" }.compactMap(\.authorID))
        let tokenIDs = entries.filter { $0.authorType == "token" }.compactMap(\.authorID)
        let tokens = tokenIDs.isEmpty ? [:] : Dictionary(try await APIToken.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ tokenIDs).all()
            .map { ($0.id!, TicketPersonDTO(id: $0.id!, name: $0.name)) }, uniquingKeysWith: { a, _ in a })
        let pictures = try await attachments(entries.flatMap(\.attachmentIDs), accountID: accountID)
        return TicketDTO(
            id: ticket.id!, number: ticket.numberText, subject: ticket.subject, type: ticket.type, source: ticket.source, status: ticket.status,
            nextStatuses: ticket.status.next, urgency: ticket.urgency, priority: ticket.priority,
            contact: ticket.contactID.flatMap { names.contacts[$0] }, inboxId: ticket.inboxID, assignee: ticket.assigneeID.flatMap { names.users[$0] },
            tags: ticket.tagList, fields: ticket.fields, createdAt: ticket.createdAt, updatedAt: ticket.updatedAt, firstReplyAt: ticket.firstReplyAt,
            solvedAt: ticket.solvedAt, closedAt: ticket.closedAt,
            links: links.map { link in
                TicketLinkDTO(conversationId: link.conversationID, order: orders.first { $0.id == link.orderID }.map {
                    TicketOrderDTO(id: $0.id!, externalId: $0.externalID, number: $0.number, status: $0.status.rawValue, total: $0.total, currency: $0.currency)
                }, createdAt: link.createdAt)
            },
            entries: entries.map { e in
                let author: TicketPersonDTO? = switch e.authorType {
                case "agent": e.authorID.flatMap { names.users[$0] }
                case "visitor": e.authorID.flatMap { names.contacts[$0] }
                case "token": e.authorID.flatMap { tokens[$0] }
                default: nil
                }
                return TicketEntryDTO(id: e.id!, kind: e.kind, authorType: e.authorType, author: author, text: e.text,
                                      changes: e.changesJSON.flatMap { try? JSONDecoder().decode([TicketFieldChange].self, from: Data($0.utf8)) },
                                      messageId: e.messageID, attachments: e.attachmentIDs.compactMap { pictures[$0] }, createdAt: e.createdAt)
            })
    }

    /// The attachments of entries by id: name, type and size, never the bytes.
    private func attachments(_ ids: [String], accountID: UUID) async throws -> [String: AttachmentDTO] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await Attachment.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids)
            .field(\.$id).field(\.$name).field(\.$contentType).field(\.$size).all()
        return Dictionary(rows.map { ($0.id!, AttachmentDTO(id: $0.id!, name: $0.name, contentType: $0.contentType, size: $0.size,
                                                             url: AttachmentDTO.url(for: $0.id!, accountID: accountID))) },
                          uniquingKeysWith: { a, _ in a })
    }

    /// The tickets linked to a conversation that the caller may see, newest first.
    func linked(toConversation id: UUID, caller: Caller) async throws -> [TicketSummaryDTO] {
        let ticketIDs = try await TicketLink.query(on: db).filter(\.$accountID == caller.accountID).filter(\.$conversationID == id).all(\.$ticketID)
        guard !ticketIDs.isEmpty else { return [] }
        let rows = try await caller.viewer.tickets(on: db).filter(\.$id ~~ ticketIDs).sort(\.$updatedAt, .descending).all()
        return try await summaries(rows, accountID: caller.accountID)
    }

    private func people(_ tickets: [Ticket], accountID: UUID, extraUsers: [UUID] = [])
        async throws -> (users: [UUID: TicketPersonDTO], contacts: [UUID: TicketPersonDTO]) {
        let userIDs = Array(Set(tickets.compactMap(\.assigneeID) + extraUsers))
        let contactIDs = Array(Set(tickets.compactMap(\.contactID)))
        let users = userIDs.isEmpty ? [] : try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ userIDs).all()
        let contacts = contactIDs.isEmpty ? [] : try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ contactIDs).all()
        return (Dictionary(users.map { ($0.id!, TicketPersonDTO(id: $0.id!, name: $0.displayName)) }, uniquingKeysWith: { a, _ in a }),
                Dictionary(contacts.map { ($0.id!, TicketPersonDTO(id: $0.id!, name: $0.name ?? $0.email ?? $0.phone ?? "")) }, uniquingKeysWith: { a, _ in a }))
    }
}
