import Fluent
import Foundation
import KefuCore
import Vapor

/// After-sale cases and the compensation ledger, the only writer of both. A case belongs to a
/// complaint or after-sale ticket; its steps, deadlines, the solution and the customer's answer
/// are written with a ticket timeline entry and a `case.updated` event in one transaction. A
/// compensation is granted at once within the proposer's limit, else it waits for a supervisor
/// whose limit covers it; granted entries raise `compensation.approved` (the platform pays).
struct AfterSales {
    let app: Application

    var db: any Database { app.db }

    // MARK: settings

    static func deadlines(_ row: TicketSettings) -> CaseDeadlinePolicy {
        row.caseDeadlinesJSON.flatMap { try? JSONDecoder().decode(CaseDeadlinePolicy.self, from: Data($0.utf8)) } ?? .standard
    }

    static func limits(_ row: TicketSettings) -> CompensationLimits {
        row.compensationLimitsJSON.flatMap { try? JSONDecoder().decode(CompensationLimits.self, from: Data($0.utf8)) } ?? .standard
    }

    // MARK: cases

    struct CaseDraft: Sendable {
        var kind: CaseKind
        var reason: CaseReason
        var orderExternalID: String?
        var lines: [CaseLine] = []
        var description: String = ""
        var externalID: String?
        var dueAt: Date?
    }

    func open(ticketID: UUID, _ draft: CaseDraft, by caller: Caller) async throws -> AfterSaleCase {
        let accountID = caller.accountID
        let settings = try await TicketSettingsStore.load(accountID, now: app.kefu.clock.now(), on: db)
        let order = try await draft.orderExternalID.asyncMap { external -> Order in
            guard let order = try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$externalID == external).first() else {
                throw DomainError.invalid("orderId", "the shop has no order '\(external)'")
            }
            return order
        }
        try Self.checkLines(draft.lines, order: order)
        let description = String(draft.description.trimmingWhitespace().prefix(ChatLimits.maxTextCharacters))
        if let external = draft.externalID {
            guard (1...100).contains(external.count) else { throw DomainError.invalid("externalId", "externalId has 1–100 characters") }
            if try await AfterSaleCase.query(on: db).filter(\.$accountID == accountID).filter(\.$externalID == external).first() != nil {
                throw DomainError(.conflict, code: "duplicate_case", message: "a case with externalId '\(external)' exists", field: "externalId")
            }
        }
        let policy = Self.deadlines(settings)
        return try await app.write { unit in
            let ticket = try await app.tickets.lockedForUpdate(ticketID, caller, unit: unit)
            guard TicketTypes.caseTypes.contains(ticket.type) else {
                throw DomainError(.conflict, code: "not_a_case_ticket",
                                  message: "only complaint and after-sale tickets carry a case; this ticket is '\(ticket.type)'", field: "type")
            }
            guard ticket.status != .closed else {
                throw DomainError(.conflict, code: "ticket_closed", message: "ticket \(ticket.numberText) is closed", field: "status")
            }
            let c = AfterSaleCase()
            c.id = unit.ids.make()
            c.accountID = accountID
            c.ticketID = ticket.id!
            c.kind = draft.kind
            c.reason = draft.reason
            c.state = .requested
            c.orderID = order?.id
            c.lines = draft.lines
            c.caseDescription = description
            c.externalID = draft.externalID
            c.dueAt = draft.dueAt ?? policy.due(entering: .requested, at: unit.now)
            c.dueSource = draft.dueAt != nil ? "platform" : (c.dueAt == nil ? nil : "policy")
            c.steps = [:]
            c.createdByID = caller.actor.userID
            c.createdAt = unit.now
            c.updatedAt = unit.now
            try await c.create(on: unit.db)
            if let order { try await app.tickets.linkOrder(ticket, order, by: caller, unit: unit) }
            try await app.tickets.record(ticket, .afterSale, text: "opened", changes: [
                TicketFieldChange(field: "case.kind", from: nil, to: c.kind.rawValue),
                TicketFieldChange(field: "case.reason", from: nil, to: c.reason.rawValue),
                TicketFieldChange(field: "case.state", from: nil, to: c.state.rawValue),
            ], by: caller, unit: unit)
            unit.record([.caseUpdated(CaseUpdated(afterSaleCase: try await snapshot(c, ticket: ticket, on: unit.db), previousState: nil, change: "opened"))],
                        accountID: accountID, actor: caller.actor)
            return c
        }
    }

    /// Moves a case (a ruling moves a case in platform intervention to agreed or refused); the
    /// next deadline comes from the shop's policy unless the platform gives one.
    func move(_ caseID: UUID, to target: CaseState?, ruling: CaseRuling?, dueAt: Date?, note: String?, by caller: Caller) async throws -> AfterSaleCase {
        guard target != nil || ruling != nil || dueAt != nil else { throw DomainError.invalid("state", "name a state, a ruling or a dueAt") }
        let settings = try await TicketSettingsStore.load(caller.accountID, now: app.kefu.clock.now(), on: db)
        let policy = Self.deadlines(settings)
        return try await app.write { unit in
            let (c, ticket) = try await self.locked(caseID, caller, unit: unit)
            let before = c.state
            var changes: [TicketFieldChange] = []
            if let ruling {
                guard c.state == .platformIntervention else {
                    throw DomainError(.conflict, code: "no_intervention", message: "a ruling comes only while the platform intervenes", field: "ruling")
                }
                if let target, target != ruling.state {
                    throw DomainError.invalid("state", "the ruling \(ruling.rawValue) moves the case to \(ruling.state.rawValue)")
                }
                c.ruling = ruling
                changes.append(TicketFieldChange(field: "case.ruling", from: nil, to: ruling.rawValue))
            }
            if let next = ruling?.state ?? target, next != c.state {
                try c.state.check(to: next, kind: c.kind)
                changes.append(TicketFieldChange(field: "case.state", from: c.state.rawValue, to: next.rawValue))
                c.state = next
                if next == .closed { c.closedAt = unit.now }
                if dueAt == nil {
                    c.dueAt = policy.due(entering: next, at: unit.now)
                    c.dueSource = c.dueAt == nil ? nil : "policy"
                }
            }
            if let dueAt {
                changes.append(TicketFieldChange(field: "case.due", from: c.dueAt.map(ISODates.format), to: ISODates.format(dueAt)))
                c.dueAt = dueAt
                c.dueSource = "platform"
            }
            guard !changes.isEmpty else { return c }
            c.updatedAt = unit.now
            try await c.save(on: unit.db)
            let text = note.map { String($0.trimmingWhitespace().prefix(1000)) } ?? ""
            try await app.tickets.record(ticket, .afterSale, text: text, changes: changes, by: caller, unit: unit)
            unit.record([.caseUpdated(CaseUpdated(afterSaleCase: try await snapshot(c, ticket: ticket, on: unit.db), previousState: before,
                                                  change: before != c.state ? "state" : (ruling != nil ? "ruling" : "due")))],
                        accountID: c.accountID, actor: caller.actor)
            return c
        }
    }

    /// Marks a step of the complaint procedure done (once; the first time counts).
    func step(_ caseID: UUID, _ step: ComplaintStep, by caller: Caller) async throws -> AfterSaleCase {
        try await app.write { unit in
            let (c, ticket) = try await self.locked(caseID, caller, unit: unit)
            var steps = c.steps
            guard steps[step.rawValue] == nil else { return c }
            steps[step.rawValue] = CaseStepDTO(at: unit.now, by: caller.actor.userID)
            c.steps = steps
            c.updatedAt = unit.now
            try await c.save(on: unit.db)
            try await app.tickets.record(ticket, .afterSale, text: "step.\(step.rawValue)", by: caller, unit: unit)
            unit.record([.caseUpdated(CaseUpdated(afterSaleCase: try await snapshot(c, ticket: ticket, on: unit.db), previousState: c.state,
                                                  change: "step.\(step.rawValue)"))], accountID: c.accountID, actor: caller.actor)
            return c
        }
    }

    /// Proposes the solution: stored on the case and sent to the customer as a card in the
    /// ticket's latest conversation (when there is one), which they accept or refuse there.
    func propose(_ caseID: UUID, solution raw: String, by caller: Caller) async throws -> AfterSaleCase {
        let solution = try Tickets.text(raw, field: "solution")
        return try await app.write { unit in
            let (c, ticket) = try await self.locked(caseID, caller, unit: unit)
            guard c.state.isOpen else { throw DomainError(.conflict, code: "case_finished", message: "the case is \(c.state.rawValue)", field: "state") }
            c.solution = solution
            c.customerAnswer = nil
            c.customerAnsweredAt = nil
            var steps = c.steps
            if steps[ComplaintStep.propose.rawValue] == nil { steps[ComplaintStep.propose.rawValue] = CaseStepDTO(at: unit.now, by: caller.actor.userID) }
            c.steps = steps
            c.updatedAt = unit.now
            try await c.save(on: unit.db)
            var messageID: UUID?
            if let conversationID = try await app.tickets.latestConversation(of: ticket, on: unit.db) {
                let card = CaseCardDTO(caseId: c.id!, ticketNumber: ticket.numberText, kind: c.kind, state: c.state, solution: solution, answer: nil)
                let stored = try await app.conversations.insert(
                    MessageDraft(text: solution, payload: MessagePayload(type: .caseCard, articles: [], handover: false, afterSale: card)),
                    in: conversationID, by: caller, unit: unit)
                messageID = stored.message.id
            }
            try await app.tickets.record(ticket, .afterSale, text: solution, changes: [TicketFieldChange(field: "case.solution", from: nil, to: solution)],
                                         messageID: messageID, by: caller, unit: unit)
            unit.record([.caseUpdated(CaseUpdated(afterSaleCase: try await snapshot(c, ticket: ticket, on: unit.db), previousState: c.state,
                                                  change: "solution"))], accountID: c.accountID, actor: caller.actor)
            return c
        }
    }

    /// The customer accepts or refuses the proposed solution (from the widget's card).
    /// A case of the visitor's own tickets.
    func customerCase(_ caseID: UUID, by caller: Caller, on db: (any Database)? = nil) async throws -> AfterSaleCase {
        guard case .visitor(let accountID, let contactID, _) = caller.viewer else { throw DomainError.forbidden("only the customer reads this") }
        let db = db ?? self.db
        guard let c = try await AfterSaleCase.query(on: db).filter(\.$accountID == accountID).filter(\.$id == caseID).first(),
              let ticket = try await Ticket.query(on: db).filter(\.$accountID == accountID).filter(\.$id == c.ticketID).first(),
              ticket.contactID == contactID else { throw DomainError.notFound("case") }
        return c
    }

    /// The customer's answer to the solution they saw (`seen`; when given, a solution changed
    /// since is refused, so an answer never lands on a proposal the customer has not read).
    func answer(_ caseID: UUID, _ answer: CaseCustomerAnswer, seen: String? = nil, by caller: Caller) async throws -> AfterSaleCase {
        guard case .visitor(let accountID, _, _) = caller.viewer else { throw DomainError.forbidden("only the customer answers") }
        return try await app.write { unit in
            let c = try await self.customerCase(caseID, by: caller, on: unit.db)
            guard let ticket = try await Ticket.query(on: unit.db).filter(\.$accountID == accountID).filter(\.$id == c.ticketID).first() else {
                throw DomainError.notFound("case")
            }
            _ = try await JobClaim.lockRow(table: Ticket.schema, id: ticket.id!, on: unit.db)
            guard let solution = c.solution else {
                throw DomainError(.conflict, code: "no_solution", message: "no solution was proposed yet", field: "answer")
            }
            if let seen, seen != solution {
                throw DomainError(.conflict, code: "solution_changed", message: "the solution was changed since; read the new one first", field: "solution")
            }
            guard c.customerAnswer == nil else {
                throw DomainError(.conflict, code: "already_answered", message: "you already answered this solution", field: "answer")
            }
            c.customerAnswer = answer
            c.customerAnsweredAt = unit.now
            c.updatedAt = unit.now
            try await c.save(on: unit.db)
            try await app.tickets.record(ticket, .customer, text: answer.rawValue,
                                         changes: [TicketFieldChange(field: "case.answer", from: solution, to: answer.rawValue)], by: caller, unit: unit)
            unit.record([.caseUpdated(CaseUpdated(afterSaleCase: try await snapshot(c, ticket: ticket, on: unit.db), previousState: c.state,
                                                  change: "answer"))], accountID: accountID, actor: caller.actor)
            return c
        }
    }

    // MARK: the ledger

    struct CompensationDraft: Sendable {
        var kind: CompensationKind
        var amount: Int64
        var currency: String?
        var caseID: UUID?
        var orderExternalID: String?
        var sku: String?
        var reason: String
        var note: String = ""
    }

    /// Proposes a compensation on a ticket: granted at once within the proposer's limit, else
    /// pending for a supervisor. Refused when money against the order would exceed what was paid.
    func propose(ticketID: UUID, _ draft: CompensationDraft, by caller: Caller) async throws -> CompensationEntry {
        let accountID = caller.accountID
        let reason = draft.reason.trimmingWhitespace()
        guard (1...100).contains(reason.count) else { throw DomainError.invalid("reason", "reason has 1–100 characters") }
        let settings = try await TicketSettingsStore.load(accountID, now: app.kefu.clock.now(), on: db)
        let limits = Self.limits(settings)
        return try await app.write { unit in
            let ticket = try await app.tickets.lockedForUpdate(ticketID, caller, unit: unit)
            var afterSale: AfterSaleCase?
            if let caseID = draft.caseID {
                guard let found = try await AfterSaleCase.query(on: unit.db).filter(\.$accountID == accountID).filter(\.$id == caseID)
                    .filter(\.$ticketID == ticket.id!).first() else { throw DomainError.invalid("caseId", "caseId names no case of this ticket") }
                afterSale = found
            }
            var order: Order?
            if let external = draft.orderExternalID {
                guard let found = try await Order.query(on: unit.db).filter(\.$accountID == accountID).filter(\.$externalID == external).first() else {
                    throw DomainError.invalid("orderId", "the shop has no order '\(external)'")
                }
                order = found
            } else if let id = afterSale?.orderID {
                order = try await Order.query(on: unit.db).filter(\.$accountID == accountID).filter(\.$id == id).first()
            }
            if let sku = draft.sku {
                guard let order, OrderJSON.lines(order.linesJSON).contains(where: { $0.sku == sku }) else {
                    throw DomainError.invalid("sku", "the order has no line '\(sku)'")
                }
            }
            let currency = draft.currency ?? order?.currency ?? "CNY"
            if let order, currency != order.currency {
                throw DomainError.invalid("currency", "the order is in \(order.currency)")
            }
            _ = try Money(minor: draft.amount, currency: currency)
            // Lock the order's ledger: the check below and this entry commit together.
            if let order { _ = try await JobClaim.lockRow(table: Order.schema, id: order.id!, on: unit.db) }
            let paid = order.flatMap { $0.paidAt == nil ? nil : $0.total }
            if let order, order.paidAt == nil, draft.kind.countsAgainstOrder {
                throw DomainError(.conflict, code: "order_not_paid", message: "order \(order.externalID) is not paid; nothing to refund", field: "orderId")
            }
            let granted = try await order.asyncMap { try await self.granted(orderID: $0.id!, accountID: accountID, on: unit.db) } ?? 0
            let pendingSum = try await order.asyncMap { try await self.pending(orderID: $0.id!, accountID: accountID, on: unit.db) } ?? 0
            try CompensationRules.check(amount: draft.amount, kind: draft.kind, paid: paid, alreadyGranted: granted + pendingSum)
            let role = Self.role(caller)
            let decision = CompensationRules.decide(amount: draft.amount, role: role, orderPaid: paid, limits: limits)
            let e = CompensationEntry()
            e.id = unit.ids.make()
            e.accountID = accountID
            e.ticketID = ticket.id!
            e.caseID = afterSale?.id
            e.orderID = order?.id
            e.sku = draft.sku
            e.kind = draft.kind
            e.amount = draft.amount
            e.currency = currency
            e.reason = reason
            e.note = String(draft.note.trimmingWhitespace().prefix(1000))
            (e.proposedByType, e.proposedByID) = Tickets.author(caller.actor)
            e.status = decision == .approved ? .approved : .pending
            if decision == .approved {
                e.approvedByID = caller.actor.userID
                e.decidedAt = unit.now
            }
            e.createdAt = unit.now
            try await e.create(on: unit.db)
            try await app.tickets.record(ticket, .compensation, text: e.status == .approved ? "granted" : "proposed",
                                         changes: Self.changes(e), by: caller, unit: unit)
            if e.status == .approved {
                unit.record([.compensationApproved(CompensationApproved(entry: Self.snapshot(e, order: order)))], accountID: accountID, actor: caller.actor)
            }
            return e
        }
    }

    /// A supervisor (or above) whose own limit covers the amount approves or rejects a pending
    /// entry; nobody decides their own proposal.
    func decide(_ entryID: UUID, approve: Bool, note: String?, by caller: Caller) async throws -> CompensationEntry {
        let settings = try await TicketSettingsStore.load(caller.accountID, now: app.kefu.clock.now(), on: db)
        let limits = Self.limits(settings)
        return try await app.write { unit in
            let (e, ticket, order) = try await self.lockedEntry(entryID, caller, unit: unit)
            guard e.status == .pending else {
                throw DomainError(.conflict, code: "already_decided", message: "this compensation is \(e.status.rawValue)", field: "status")
            }
            if let me = caller.actor.userID, e.proposedByID == me {
                throw DomainError.forbidden("someone else decides on your own proposal")
            }
            if approve {
                let paid = order.flatMap { $0.paidAt == nil ? nil : $0.total }
                guard limits.covers(e.amount, role: Self.role(caller), orderPaid: paid) else {
                    throw DomainError.forbidden("this compensation is above your limit; an admin or owner decides")
                }
            }
            e.status = approve ? .approved : .rejected
            e.approvedByID = caller.actor.userID
            e.decidedAt = unit.now
            e.decisionNote = note.map { String($0.trimmingWhitespace().prefix(1000)) }
            try await e.save(on: unit.db)
            try await app.tickets.record(ticket, .compensation, text: approve ? "approved" : "rejected", changes: Self.changes(e), by: caller, unit: unit)
            if approve {
                unit.record([.compensationApproved(CompensationApproved(entry: Self.snapshot(e, order: order)))], accountID: e.accountID, actor: caller.actor)
            }
            return e
        }
    }

    /// Undoes a granted entry with a new entry of the opposite sign (once).
    func reverse(_ entryID: UUID, note: String, by caller: Caller) async throws -> CompensationEntry {
        let text = try Tickets.text(note, field: "note")
        return try await app.write { unit in
            let (e, ticket, order) = try await self.lockedEntry(entryID, caller, unit: unit)
            guard e.status == .approved, e.amount > 0 else {
                throw DomainError(.conflict, code: "not_reversible", message: "only a granted compensation can be reversed", field: "status")
            }
            if try await CompensationEntry.query(on: unit.db).filter(\.$accountID == e.accountID).filter(\.$reversesID == e.id!).first() != nil {
                throw DomainError(.conflict, code: "already_reversed", message: "this compensation was reversed already", field: "status")
            }
            let r = CompensationEntry()
            r.id = unit.ids.make()
            r.accountID = e.accountID
            r.ticketID = e.ticketID
            r.caseID = e.caseID
            r.orderID = e.orderID
            r.sku = e.sku
            r.kind = e.kind
            r.amount = -e.amount
            r.currency = e.currency
            r.reason = e.reason
            r.note = text
            (r.proposedByType, r.proposedByID) = Tickets.author(caller.actor)
            r.status = .approved
            r.approvedByID = caller.actor.userID
            r.decidedAt = unit.now
            r.reversesID = e.id
            r.createdAt = unit.now
            try await r.create(on: unit.db)
            try await app.tickets.record(ticket, .compensation, text: "reversed", changes: Self.changes(r), by: caller, unit: unit)
            unit.record([.compensationApproved(CompensationApproved(entry: Self.snapshot(r, order: order)))], accountID: r.accountID, actor: caller.actor)
            return r
        }
    }

    // MARK: helpers

    static func role(_ caller: Caller) -> String {
        if case .staff(_, let role, _, _) = caller.viewer { return role.rawValue }
        return "agent"
    }

    static func checkLines(_ lines: [CaseLine], order: Order?) throws(DomainError) {
        guard !lines.isEmpty else { return }
        guard let order else { throw DomainError.invalid("lines", "lines need the order (orderId)") }
        let ordered = OrderJSON.lines(order.linesJSON)
        for (i, line) in lines.enumerated() {
            guard let match = ordered.first(where: { $0.sku == line.sku }) else {
                throw DomainError.invalid("lines[\(i)].sku", "order \(order.externalID) has no line '\(line.sku)'")
            }
            guard line.quantity >= 1, line.quantity <= match.quantity else {
                throw DomainError.invalid("lines[\(i)].quantity", "quantity must be 1–\(match.quantity) for \(line.sku)")
            }
        }
    }

    static func changes(_ e: CompensationEntry) -> [TicketFieldChange] {
        [TicketFieldChange(field: "compensation.\(e.kind.rawValue)", from: nil, to: "\(e.amount) \(e.currency)"),
         TicketFieldChange(field: "compensation.status", from: nil, to: e.status.rawValue)]
    }

    static func snapshot(_ e: CompensationEntry, order: Order?) -> CompensationSnapshot {
        CompensationSnapshot(id: e.id!, ticketID: e.ticketID, caseID: e.caseID, orderExternalID: order?.externalID, sku: e.sku, kind: e.kind,
                             amount: e.amount, currency: e.currency, reason: e.reason, status: e.status, proposedBy: e.proposedByID,
                             approvedBy: e.approvedByID, reverses: e.reversesID)
    }

    func snapshot(_ c: AfterSaleCase, ticket: Ticket, on db: any Database) async throws -> CaseSnapshot {
        let external = try await c.orderID.asyncMap { id in
            try await Order.query(on: db).filter(\.$accountID == c.accountID).filter(\.$id == id).first()?.externalID
        } ?? nil
        return CaseSnapshot(id: c.id!, ticketID: ticket.id!, ticketNumber: ticket.numberText, kind: c.kind, reason: c.reason, state: c.state,
                            orderExternalID: external, externalID: c.externalID, dueAt: c.dueAt, ruling: c.ruling, solution: c.solution,
                            customerAnswer: c.customerAnswer)
    }

    private func granted(orderID: UUID, accountID: UUID, on db: any Database) async throws -> Int64 {
        let rows = try await CompensationEntry.query(on: db).filter(\.$accountID == accountID).filter(\.$orderID == orderID).all()
        return CompensationRules.granted(rows.map { ($0.amount, $0.status, $0.kind.countsAgainstOrder) })
    }

    private func pending(orderID: UUID, accountID: UUID, on db: any Database) async throws -> Int64 {
        try await CompensationEntry.query(on: db).filter(\.$accountID == accountID).filter(\.$orderID == orderID).filter(\.$status == .pending).all()
            .filter { $0.kind.countsAgainstOrder }.reduce(0) { $0 + $1.amount }
    }

    private func locked(_ caseID: UUID, _ caller: Caller, unit: UnitOfWork) async throws -> (AfterSaleCase, Ticket) {
        guard let c = try await AfterSaleCase.query(on: unit.db).filter(\.$accountID == caller.accountID).filter(\.$id == caseID).first() else {
            throw DomainError.notFound("case")
        }
        let ticket: Ticket
        do { ticket = try await app.tickets.lockedForUpdate(c.ticketID, caller, unit: unit) } catch { throw DomainError.notFound("case") }
        guard let fresh = try await AfterSaleCase.query(on: unit.db).filter(\.$id == caseID).first() else { throw DomainError.notFound("case") }
        return (fresh, ticket)
    }

    private func lockedEntry(_ id: UUID, _ caller: Caller, unit: UnitOfWork) async throws -> (CompensationEntry, Ticket, Order?) {
        guard let e = try await CompensationEntry.query(on: unit.db).filter(\.$accountID == caller.accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("compensation")
        }
        let ticket: Ticket
        do { ticket = try await app.tickets.lockedForUpdate(e.ticketID, caller, unit: unit) } catch { throw DomainError.notFound("compensation") }
        guard let fresh = try await CompensationEntry.query(on: unit.db).filter(\.$id == id).first() else { throw DomainError.notFound("compensation") }
        let order = try await fresh.orderID.asyncMap { oid in try await Order.query(on: unit.db).filter(\.$id == oid).first() } ?? nil
        return (fresh, ticket, order)
    }
}

extension Application {
    /// After-sale cases and the compensation ledger (their only writer).
    var afterSales: AfterSales { AfterSales(app: self) }
}
