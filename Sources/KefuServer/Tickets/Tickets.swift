import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The tickets of every shop and the only writer of them: creation (from a chat, by an agent,
/// the API, a form), field changes (one rule set, ``TicketEdit``), notes and public replies,
/// links to conversations and orders, bulk changes, the customer writing again, and closing
/// solved tickets. Every change writes its timeline entries (the audit trail: who, what, when)
/// and its domain events (`ticket.created`, `ticket.updated`, `ticket.commented`) in one
/// transaction.
struct Tickets {
    let app: Application

    var db: any Database { app.db }

    // MARK: create

    struct Draft: Sendable {
        var subject: String?
        var type: String?
        var source: TicketSource = .api
        var urgency: TicketUrgency?
        var priority: TicketPriority?
        var contactID: UUID?
        var conversationID: UUID?
        var orderExternalIDs: [String] = []
        var inboxID: UUID?
        var assigneeID: UUID?
        var tags: [String] = []
        var fields: [String: String] = [:]
        var description: String?
        /// Pictures of the description (a form's), stored with the ticket in its transaction.
        var attachments: [Attachment] = []
    }

    func create(_ draft: Draft, by caller: Caller) async throws -> Ticket {
        let accountID = caller.accountID
        let now = app.kefu.clock.now()
        let settings = try await TicketSettingsStore.load(accountID, now: now, on: db)
        // What the ticket is about, as the caller may see it.
        var contactID = draft.contactID
        var inboxID = draft.inboxID
        var customerTexts: [String] = []
        var conversation: Conversation?
        if let id = draft.conversationID {
            let found = try await resolveConversation(id, caller)
            conversation = found
            if let contactID, contactID != found.contactID {
                throw DomainError.invalid("contactId", "contactId is not the customer of conversation \(id.uuidString.lowercased())")
            }
            contactID = found.contactID
            if inboxID == nil { inboxID = found.inboxID }
            customerTexts = try await shopperTexts(found.id!, accountID: accountID)
        } else if let id = contactID {
            do { _ = try await caller.viewer.contact(id, on: db) } catch { throw DomainError.invalid("contactId", "contactId names no customer you can see") }
        }
        if let id = draft.inboxID { try await checkInbox(id, caller) }
        if inboxID == nil, case .staff(_, _, _, .some) = caller.viewer, draft.assigneeID != caller.actor.userID {
            // An agent's ticket goes to one of their inboxes, or to themselves, so they can see it.
            throw DomainError.invalid("inboxId", "name one of your inboxes (inboxId) or assign the ticket to yourself")
        }
        let orders = try await resolveOrders(draft.orderExternalIDs, accountID: accountID, field: "orderIds")
        let suggestion = TicketClassifier.suggest(customerTexts + [draft.subject, draft.description].compactMap { $0 })
        let type = draft.type ?? suggestion.type
        try TicketSettingsStore.checkType(type, settings)
        let rawSubject = draft.subject ?? (suggestion.subject.isEmpty ? "" : suggestion.subject)
        let subject = try TicketEdit.subject(rawSubject)
        let tags = try ChatValidate.tags(draft.tags)
        let fields = try TicketFieldRules.normalise(draft.fields, definitions: TicketSettingsStore.fields(settings), requireAll: true)
        if let assignee = draft.assigneeID { try await checkAssignee(assignee, inboxID: inboxID, accountID: accountID) }
        let description = try draft.description.map { try Self.text($0, field: "description") }
        let (contact, inbox, linked) = (contactID, inboxID, conversation)

        return try await app.write { unit in
            let number = try await Self.takeNumber(accountID, on: unit.sql)
            let ticket = Ticket()
            ticket.id = unit.ids.make()
            ticket.accountID = accountID
            ticket.number = number
            ticket.subject = subject
            ticket.type = type
            ticket.source = draft.source
            ticket.status = draft.assigneeID == nil ? .new : .open
            ticket.statusChangedAt = unit.now
            ticket.urgency = draft.urgency ?? suggestion.urgency
            ticket.priority = draft.priority ?? suggestion.priority
            ticket.contactID = contact
            ticket.inboxID = inbox
            ticket.assigneeID = draft.assigneeID
            ticket.tagList = tags
            ticket.fields = fields
            ticket.createdByID = caller.actor.userID
            ticket.createdAt = unit.now
            ticket.updatedAt = unit.now
            ticket.searchText = try await Self.searchText(ticket, on: unit.db)
            try await ticket.create(on: unit.db)
            try await self.entry(ticket, .change, text: "created", changes: [TicketFieldChange(field: "status", from: nil, to: ticket.status.rawValue)],
                                 by: caller, unit: unit)
            if description != nil || !draft.attachments.isEmpty {
                // From the team it is their note of what the customer wants; from a form or the API the customer's words.
                let kind: TicketEntryKind = caller.actor.isPerson && caller.senderType == .agent ? .note : .customer
                for attachment in draft.attachments { try await attachment.create(on: unit.db) }
                try await self.entry(ticket, kind, text: description ?? "", attachmentIDs: draft.attachments.compactMap(\.id), by: caller, unit: unit)
            }
            if let linked { try await self.addLink(ticket, conversationID: linked.id!, order: nil, by: caller, unit: unit) }
            for order in orders { try await self.addLink(ticket, conversationID: nil, order: order, by: caller, unit: unit) }
            unit.record([.ticketCreated(TicketCreated(ticket: ticket.snapshot, conversationID: linked?.id))],
                        accountID: accountID, actor: caller.actor)
            return ticket
        }
    }

    /// What a ticket made from conversation `id` would carry (the workbench's "turn into a ticket").
    func draft(fromConversation id: UUID, by caller: Caller) async throws -> TicketDraftDTO {
        let conversation = try await caller.viewer.conversation(id, on: db)
        let texts = try await shopperTexts(conversation.id!, accountID: caller.accountID)
        let suggestion = TicketClassifier.suggest(texts)
        let orders = try await Order.query(on: db).filter(\.$accountID == caller.accountID).filter(\.$contactID == conversation.contactID)
            .sort(\.$placedAt, .descending).limit(5).all()
        let existing = try await TicketViews(app: app).linked(toConversation: conversation.id!, caller: caller)
        return TicketDraftDTO(subject: suggestion.subject, type: suggestion.type, urgency: suggestion.urgency, priority: suggestion.priority,
                              cues: suggestion.cues, contactId: conversation.contactID, inboxId: conversation.inboxID,
                              orderIds: orders.map(\.externalID), existing: existing)
    }

    // MARK: change

    func update(_ id: UUID, _ patch: TicketPatch, by caller: Caller) async throws -> Ticket {
        try await apply(id, patch, by: caller)
    }

    /// Fields changed and comments added (a note, a public reply) in one transaction, comments
    /// first: a macro, or a plain update without comments. `audit` runs in the same transaction.
    func apply(_ id: UUID, _ patch: TicketPatch, comments: [TicketComment] = [], by caller: Caller,
               audit: (@Sendable (UnitOfWork) async throws -> Void)? = nil) async throws -> Ticket {
        let accountID = caller.accountID
        let change = try await cleaned(patch, caller)
        let texts = try Self.checked(comments)
        return try await app.write { unit in
            let ticket = try await self.locked(id, caller, on: unit.db)
            for comment in texts {
                try await self.addComment(ticket, kind: comment.kind, text: comment.text, status: nil, by: caller, unit: unit)
            }
            let (state, changes) = try TicketEdit.apply(change, to: Self.state(ticket), now: unit.now)
            if case .some(.some(let assignee)) = change.assignee, assignee != ticket.assigneeID {
                try await self.checkAssignee(assignee, inboxID: state.inboxID, accountID: accountID, on: unit.db)
            }
            try await self.save(ticket, state, changes, by: caller, unit: unit)
            if let audit { try await audit(unit) }
            return ticket
        }
    }

    /// Comments with their texts checked (a loop, not a throwing closure: Swift 6.3.1's optimiser
    /// crashed splitting `apply` with one).
    private static func checked(_ comments: [TicketComment]) throws -> [TicketComment] {
        var out: [TicketComment] = []
        for comment in comments {
            guard comment.kind == .note || comment.kind == .reply else { throw DomainError.invalid("kind", "kind must be note or reply") }
            out.append(TicketComment(kind: comment.kind, text: try text(comment.text, field: "text")))
        }
        return out
    }

    /// A patch checked against the shop's settings (type, inbox, tags, custom fields) and normalised.
    private func cleaned(_ patch: TicketPatch, _ caller: Caller) async throws -> TicketPatch {
        let settings = try await TicketSettingsStore.load(caller.accountID, now: app.kefu.clock.now(), on: db)
        if let type = patch.type { try TicketSettingsStore.checkType(type, settings) }
        if case .some(.some(let inbox)) = patch.inbox { try await checkInbox(inbox, caller) }
        var clean = patch
        if let tags = patch.tags { clean.tags = try ChatValidate.tags(tags) }
        clean.addTags = try ChatValidate.tags(patch.addTags)
        clean.removeTags = try ChatValidate.tags(patch.removeTags)
        if let fields = patch.fields {
            // One check: unknown keys (even emptied ones) are refused, values normalised, "" removes a field.
            let definitions = TicketSettingsStore.fields(settings)
            for key in fields.keys.sorted() where !definitions.contains(where: { $0.key == key }) {
                throw DomainError.invalid("fields.\(key)", "the shop has no ticket field '\(key)'")
            }
            let set = try TicketFieldRules.normalise(fields.filter { !$0.value.isEmpty }, definitions: definitions, requireAll: false)
            clean.fields = fields.mapValues { _ in "" }.merging(set) { _, new in new }
        }
        return clean
    }

    /// A private note or a public reply. A reply goes to the customer in the ticket's latest
    /// linked conversation (in this transaction, with the conversation's rules) and opens a new
    /// ticket; `status` then sets where it waits (e.g. pending on the customer).
    func comment(_ id: UUID, kind: TicketEntryKind, text raw: String, status: TicketStatus?, by caller: Caller) async throws -> Ticket {
        guard kind == .note || kind == .reply else { throw DomainError.invalid("kind", "kind must be note or reply") }
        let text = try Self.text(raw, field: "text")
        return try await app.write { unit in
            let ticket = try await self.locked(id, caller, on: unit.db)
            try await self.addComment(ticket, kind: kind, text: text, status: status, by: caller, unit: unit)
            return ticket
        }
    }

    /// A note or a reply on a ticket locked in `unit` (``comment(_:kind:text:status:by:)``).
    private func addComment(_ ticket: Ticket, kind: TicketEntryKind, text: String, status: TicketStatus?, by caller: Caller,
                            unit: UnitOfWork) async throws {
        if ticket.status == .closed { throw DomainError(.conflict, code: "ticket_closed", message: "ticket \(ticket.numberText) is closed; file a follow-up ticket", field: "status") }
        var messageID: UUID?
        if kind == .reply {
            let link = try await TicketLink.query(on: unit.db).filter(\.$accountID == ticket.accountID).filter(\.$ticketID == ticket.id!)
                .filter(\.$conversationID != nil).sort(\.$createdAt, .descending).first()
            if let conversationID = link?.conversationID {
                let stored = try await app.conversations.insert(MessageDraft(text: text), in: conversationID, by: caller, unit: unit)
                messageID = stored.message.id
            } else if ticket.source != .form {
                // A form's customer reads the team's replies where they look the ticket up.
                throw DomainError(.conflict, code: "no_conversation", message: "the ticket has no conversation to reply in; link one first or write a note",
                                  field: "kind")
            }
        }
        let entry = try await self.entry(ticket, kind, text: text, messageID: messageID, by: caller, unit: unit)
        var state = Self.state(ticket)
        var changes: [TicketFieldChange] = []
        if kind == .reply {
            if state.firstReplyAt == nil { state.firstReplyAt = unit.now }
            let next = status ?? state.status.afterTeamReply
            if next != state.status {
                try state.status.check(to: next)
                changes.append(TicketFieldChange(field: "status", from: state.status.rawValue, to: next.rawValue))
                state = TicketEdit.moved(state, to: next, now: unit.now)
            }
        } else if let status, status != state.status {
            try state.status.check(to: status)
            changes.append(TicketFieldChange(field: "status", from: state.status.rawValue, to: status.rawValue))
            state = TicketEdit.moved(state, to: status, now: unit.now)
        }
        unit.record([.ticketCommented(TicketCommented(ticket: ticket.snapshot, entryID: entry.id!, kind: kind, text: text))],
                    accountID: ticket.accountID, actor: caller.actor)
        try await self.save(ticket, state, changes, by: caller, unit: unit, touch: true)
    }

    /// Links a conversation (the caller must see it, and it must be the ticket's customer's) or
    /// an order of the shop.
    func link(_ id: UUID, conversationID: UUID?, orderExternalID: String?, by caller: Caller) async throws -> Ticket {
        guard (conversationID == nil) != (orderExternalID == nil) else {
            throw DomainError.invalid("conversationId", "give either conversationId or orderId")
        }
        let conversation = try await conversationID.asyncMap { try await resolveConversation($0, caller) }
        let order = try await orderExternalID.asyncMap { try await resolveOrders([$0], accountID: caller.accountID, field: "orderId")[0] }
        return try await app.write { unit in
            let ticket = try await self.locked(id, caller, on: unit.db)
            if let conversation {
                if let contact = ticket.contactID, contact != conversation.contactID {
                    throw DomainError.invalid("conversationId", "the conversation is another customer's")
                }
                if try await TicketLink.query(on: unit.db).filter(\.$ticketID == ticket.id!).filter(\.$conversationID == conversation.id!).first() == nil {
                    try await self.addLink(ticket, conversationID: conversation.id!, order: nil, by: caller, unit: unit)
                }
                if ticket.contactID == nil {
                    ticket.contactID = conversation.contactID
                    ticket.searchText = try await Self.searchText(ticket, on: unit.db)
                }
            }
            if let order, try await TicketLink.query(on: unit.db).filter(\.$ticketID == ticket.id!).filter(\.$orderID == order.id!).first() == nil {
                try await self.addLink(ticket, conversationID: nil, order: order, by: caller, unit: unit)
            }
            ticket.updatedAt = unit.now
            try await ticket.save(on: unit.db)
            return ticket
        }
    }

    /// The same change on many tickets; each is its own transaction and result (one the caller
    /// may not see, or whose status cannot move, fails alone).
    func bulk(_ ids: [UUID], _ patch: TicketPatch, by caller: Caller) async throws -> [BulkTicketResultDTO.Item] {
        guard (1...200).contains(ids.count) else { throw DomainError.invalid("ids", "give 1 to 200 ticket ids") }
        guard !patch.isEmpty else { throw DomainError.invalid("status", "name a change: status, assigneeId, priority, addTags or removeTags") }
        var results: [BulkTicketResultDTO.Item] = []
        for id in Array(NSOrderedSet(array: ids)) as! [UUID] {
            do {
                _ = try await update(id, patch, by: caller)
                results.append(.init(id: id, ok: true))
            } catch let error as DomainError {
                results.append(.init(id: id, ok: false, error: error.message, field: error.field))
            }
        }
        return results
    }

    // MARK: reactions

    /// The customer wrote in a conversation linked to tickets: a ticket waiting on them, or
    /// solved, needs the team again (durable listener, exactly once).
    func customerWrote(in conversationID: UUID, accountID: UUID, messageID: UUID, unit: UnitOfWork) async throws {
        // On every shopper message: one indexed probe without the ORM (most conversations have no ticket).
        let ticketIDs = try await unit.sql.raw("""
            SELECT ticket_id FROM ticket_links WHERE account_id = \(bind: accountID) AND conversation_id = \(bind: conversationID)
            """).all().map { try $0.decode(column: "ticket_id", as: UUID.self) }
        guard !ticketIDs.isEmpty else { return }
        let caller = Caller.system(accountID)
        for ticketID in ticketIDs {
            _ = try await JobClaim.lockRow(table: Ticket.schema, id: ticketID, on: unit.db)
            guard let ticket = try await Ticket.query(on: unit.db).filter(\.$accountID == accountID).filter(\.$id == ticketID).first() else { continue }
            let next = ticket.status.afterCustomerReply
            guard next != ticket.status else { continue }
            var state = Self.state(ticket)
            let change = TicketFieldChange(field: "status", from: state.status.rawValue, to: next.rawValue)
            state = TicketEdit.moved(state, to: next, now: unit.now)
            try await save(ticket, state, [change], by: caller, unit: unit, entryText: "customer_replied", messageID: messageID)
        }
    }

    /// Closes solved tickets after the shop's quiet days (job `tickets.close`).
    func closeSolved(now: Date) async throws -> Int {
        let rows = try await TicketSettings.query(on: db).filter(\.$autoCloseDays > 0).all()
        var closed = 0
        for settings in rows {
            let cutoff = now.addingTimeInterval(-Double(settings.autoCloseDays) * 86_400)
            let due = try await Ticket.query(on: db).filter(\.$accountID == settings.accountID).filter(\.$status == .solved)
                .filter(\.$solvedAt <= cutoff).limit(500).all()
            for ticket in due {
                let caller = Caller.system(settings.accountID)
                do {
                    _ = try await update(ticket.id!, TicketPatch(status: .closed), by: caller)
                    closed += 1
                } catch {
                    app.logger.warning("could not close a solved ticket", metadata: ["ticket": "\(ticket.id!)", "error": "\(error)"])
                }
            }
        }
        return closed
    }

    // MARK: helpers

    static func state(_ t: Ticket) -> TicketState {
        TicketState(subject: t.subject, type: t.type, status: t.status, urgency: t.urgency, priority: t.priority, inboxID: t.inboxID,
                    assigneeID: t.assigneeID, tags: t.tagList, fields: t.fields, firstReplyAt: t.firstReplyAt, solvedAt: t.solvedAt,
                    closedAt: t.closedAt)
    }

    /// Writes a changed state with one `change` entry and `ticket.updated` (nothing when nothing changed).
    private func save(_ ticket: Ticket, _ state: TicketState, _ changes: [TicketFieldChange], by caller: Caller, unit: UnitOfWork,
                      touch: Bool = false, entryText: String = "", messageID: UUID? = nil) async throws {
        guard !changes.isEmpty || touch || state.firstReplyAt != ticket.firstReplyAt else { return }
        ticket.subject = state.subject
        ticket.type = state.type
        if state.status != ticket.status { ticket.statusChangedAt = unit.now }
        ticket.status = state.status
        ticket.urgency = state.urgency
        ticket.priority = state.priority
        ticket.inboxID = state.inboxID
        ticket.assigneeID = state.assigneeID
        ticket.tagList = state.tags
        ticket.fields = state.fields
        ticket.firstReplyAt = state.firstReplyAt
        ticket.solvedAt = state.solvedAt
        ticket.closedAt = state.closedAt
        ticket.updatedAt = unit.now
        if changes.contains(where: { $0.field == "subject" }) { ticket.searchText = try await Self.searchText(ticket, on: unit.db) }
        try await ticket.save(on: unit.db)
        guard !changes.isEmpty else { return }
        try await entry(ticket, .change, text: entryText, changes: changes, messageID: messageID, by: caller, unit: unit)
        unit.record([.ticketUpdated(TicketUpdated(ticket: ticket.snapshot, changes: changes))], accountID: ticket.accountID, actor: caller.actor)
    }

    /// A timeline entry written by another capability (after-sales) inside its own transaction,
    /// with the ticket touched; the ticket row must be locked in `unit` (``lockedForUpdate(_:_:unit:)``).
    @discardableResult
    func record(_ ticket: Ticket, _ kind: TicketEntryKind, text: String, changes: [TicketFieldChange]? = nil, messageID: UUID? = nil,
                by caller: Caller, unit: UnitOfWork) async throws -> TicketEntry {
        ticket.updatedAt = unit.now
        try await ticket.save(on: unit.db)
        return try await entry(ticket, kind, text: text, changes: changes, messageID: messageID, by: caller, unit: unit)
    }

    /// Links an order to the ticket in `unit` unless it is linked already.
    func linkOrder(_ ticket: Ticket, _ order: Order, by caller: Caller, unit: UnitOfWork) async throws {
        guard try await TicketLink.query(on: unit.db).filter(\.$ticketID == ticket.id!).filter(\.$orderID == order.id!).first() == nil else { return }
        try await addLink(ticket, conversationID: nil, order: order, by: caller, unit: unit)
    }

    /// The ticket `id` as `caller` sees it, locked until `unit` commits.
    func lockedForUpdate(_ id: UUID, _ caller: Caller, unit: UnitOfWork) async throws -> Ticket {
        try await locked(id, caller, on: unit.db)
    }

    /// The latest conversation linked to a ticket, if any.
    func latestConversation(of ticket: Ticket, on db: any Database) async throws -> UUID? {
        try await TicketLink.query(on: db).filter(\.$accountID == ticket.accountID).filter(\.$ticketID == ticket.id!)
            .filter(\.$conversationID != nil).sort(\.$createdAt, .descending).first()?.conversationID
    }

    @discardableResult
    private func entry(_ ticket: Ticket, _ kind: TicketEntryKind, text: String, changes: [TicketFieldChange]? = nil, messageID: UUID? = nil,
                       attachmentIDs: [String] = [], by caller: Caller, unit: UnitOfWork) async throws -> TicketEntry {
        let e = TicketEntry()
        e.id = unit.ids.make()
        e.accountID = ticket.accountID
        e.ticketID = ticket.id!
        // The ticket's row is locked (or new) in this transaction, so the next number is ours.
        e.seq = (try await TicketEntry.query(on: unit.db).filter(\.$ticketID == ticket.id!).max(\.$seq) ?? 0) + 1
        e.kind = kind
        (e.authorType, e.authorID) = Self.author(caller.actor)
        e.text = text
        e.changesJSON = changes.map { TicketSettingsStore.encode($0) }
        e.messageID = messageID
        e.attachmentIDs = attachmentIDs
        e.createdAt = unit.now
        try await e.create(on: unit.db)
        return e
    }

    private func addLink(_ ticket: Ticket, conversationID: UUID?, order: Order?, by caller: Caller, unit: UnitOfWork) async throws {
        let link = TicketLink()
        link.id = unit.ids.make()
        link.accountID = ticket.accountID
        link.ticketID = ticket.id!
        link.conversationID = conversationID
        link.orderID = order?.id
        link.createdAt = unit.now
        try await link.create(on: unit.db)
        if let conversationID {
            // The "has a ticket" answer cached for the chat path is stale after the commit: forget
            // it here; the conversation notice makes the other instances forget theirs.
            let app = self.app
            unit.onCommit { app.conversationDirectory.forget(conversationID) }
            unit.announce(conversationID, accountID: ticket.accountID)
        }
        let change = conversationID.map { TicketFieldChange(field: "conversation", from: nil, to: $0.uuidString.lowercased()) }
            ?? TicketFieldChange(field: "order", from: nil, to: order!.externalID)
        try await entry(ticket, .link, text: "", changes: [change], by: caller, unit: unit)
    }

    static func author(_ actor: EventActor) -> (String, UUID?) {
        switch actor {
        case .agent(let id): ("agent", id)
        case .visitor(let id): ("visitor", id)
        case .token(let id): ("token", id)
        case .bot: ("bot", nil)
        case .automation(let id): ("automation", id)
        case .system: ("system", nil)
        }
    }

    static func text(_ raw: String, field: String) throws(DomainError) -> String {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw DomainError.invalid(field, "\(field) must not be empty") }
        guard text.count <= ChatLimits.maxTextCharacters else {
            throw DomainError.invalid(field, "\(field) has at most \(ChatLimits.maxTextCharacters) characters")
        }
        return text
    }

    /// The next number of the shop, taken in the creating transaction (the row is locked until it commits).
    static func takeNumber(_ accountID: UUID, on sql: any SQLDatabase) async throws -> Int {
        guard let row = try await sql.raw("""
            UPDATE ticket_settings SET next_number = next_number + 1 WHERE account_id = \(bind: accountID) RETURNING next_number
            """).first() else { throw DomainError.notFound("ticket settings") }
        return try row.decode(column: "next_number", as: Int.self) - 1
    }

    /// Folded subject, number and the customer's name: what ticket search looks in (with the entries).
    static func searchText(_ ticket: Ticket, on db: any Database) async throws -> String {
        var parts = [ticket.numberText, ticket.subject]
        if let id = ticket.contactID, let contact = try await Contact.query(on: db).filter(\.$accountID == ticket.accountID).filter(\.$id == id).first() {
            parts.append(contentsOf: [contact.name, contact.email, contact.phone].compactMap { $0 })
        }
        return TextNormalizer().normalize(parts.joined(separator: " "))
    }

    private func locked(_ id: UUID, _ caller: Caller, on tx: any Database) async throws -> Ticket {
        _ = try await JobClaim.lockRow(table: Ticket.schema, id: id, on: tx)
        return try await caller.viewer.ticket(id, on: tx)
    }

    private func resolveConversation(_ id: UUID, _ caller: Caller) async throws -> Conversation {
        do { return try await caller.viewer.conversation(id, on: db) } catch {
            throw DomainError.invalid("conversationId", "conversationId names no conversation you can see")
        }
    }

    private func resolveOrders(_ externalIDs: [String], accountID: UUID, field: String) async throws -> [Order] {
        guard externalIDs.count <= 20 else { throw DomainError.invalid(field, "at most 20 orders") }
        var orders: [Order] = []
        for (i, external) in externalIDs.enumerated() {
            guard let order = try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$externalID == external).first() else {
                throw DomainError.invalid(externalIDs.count == 1 && field == "orderId" ? field : "\(field)[\(i)]", "the shop has no order '\(external)'")
            }
            if !orders.contains(where: { $0.id == order.id }) { orders.append(order) }
        }
        return orders
    }

    private func checkInbox(_ id: UUID, _ caller: Caller) async throws {
        guard try await Inbox.query(on: db).filter(\.$accountID == caller.accountID).filter(\.$id == id).first() != nil else {
            throw DomainError.invalid("inboxId", "inboxId names no inbox of this shop")
        }
        if case .staff(_, _, _, .some(let mine)) = caller.viewer, !mine.contains(id) {
            throw DomainError.invalid("inboxId", "you do not work in that inbox")
        }
    }

    private func checkAssignee(_ id: UUID, inboxID: UUID?, accountID: UUID, on tx: (any Database)? = nil) async throws {
        let db = tx ?? self.db
        guard let user = try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).filter(\.$active == true).first() else {
            throw DomainError.invalid("assigneeId", "assigneeId names no active member of this shop")
        }
        if let inboxID, user.role == .agent,
           try await InboxMember.query(on: db).filter(\.$accountID == accountID).filter(\.$inboxID == inboxID).filter(\.$userID == id).first() == nil {
            throw DomainError.invalid("assigneeId", "\(user.displayName) does not work in the ticket's inbox")
        }
    }

    /// The shopper's words in a conversation, oldest first (the last 20 messages of theirs).
    private func shopperTexts(_ conversationID: UUID, accountID: UUID) async throws -> [String] {
        let rows = try await Message.query(on: db).filter(\.$accountID == accountID).filter(\.$conversationID == conversationID)
            .filter(\.$senderType == .visitor).sort(\.$seq, .descending).limit(20).all(\.$text)
        return rows.reversed()
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// A note or a public reply added with other changes (``Tickets/apply(_:_:comments:by:audit:)``).
struct TicketComment: Sendable {
    var kind: TicketEntryKind
    var text: String
}
