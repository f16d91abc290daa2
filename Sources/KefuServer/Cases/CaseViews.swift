import Fluent
import Foundation
import KefuCore
import Vapor

/// Reading cases and the ledger as a caller sees them (through the tickets they may see).
struct CaseViews {
    let app: Application

    var db: any Database { app.db }

    func dto(_ c: AfterSaleCase, now: Date) async throws -> CaseDTO {
        try await dtos([c], now: now)[0]
    }

    func dtos(_ cases: [AfterSaleCase], now: Date) async throws -> [CaseDTO] {
        guard let accountID = cases.first?.accountID else { return [] }
        let settings = try await TicketSettingsStore.load(accountID, now: now, on: db)
        let policy = AfterSales.deadlines(settings)
        let tickets = try await Ticket.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ cases.map(\.ticketID)).all()
        let contactIDs = Array(Set(tickets.compactMap(\.contactID)))
        let customers = contactIDs.isEmpty ? [:] : Dictionary(
            try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ contactIDs).all()
                .map { ($0.id!, TicketPersonDTO(id: $0.id!, name: $0.name ?? $0.phone ?? $0.email ?? "")) }, uniquingKeysWith: { a, _ in a })
        let orderIDs = cases.compactMap(\.orderID)
        let orders = orderIDs.isEmpty ? [] : try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ orderIDs).all()
        return cases.map { c in
            let order = orders.first { $0.id == c.orderID }
            let standing = policy.standing(due: c.state.isOpen ? c.dueAt : nil, now: now)
            let ticket = tickets.first { $0.id == c.ticketID }
            return CaseDTO(
                id: c.id!, ticketId: c.ticketID, ticketNumber: ticket?.numberText ?? "", ticketSubject: ticket?.subject ?? "",
                customer: ticket?.contactID.flatMap { customers[$0] }, kind: c.kind, reason: c.reason,
                state: c.state, nextStates: c.state.next(for: c.kind),
                order: order.map { TicketOrderDTO(id: $0.id!, externalId: $0.externalID, number: $0.number, status: $0.status.rawValue, total: $0.total,
                                                  currency: $0.currency) },
                lines: c.lines, description: c.caseDescription, externalId: c.externalID,
                deadline: standing.map { CaseDeadlineDTO(dueAt: c.dueAt!, source: c.dueSource ?? "policy", secondsLeft: $0.secondsLeft, warn: $0.warn,
                                                         overdue: $0.overdue) },
                ruling: c.ruling, solution: c.solution, customerAnswer: c.customerAnswer, customerAnsweredAt: c.customerAnsweredAt, steps: c.steps,
                createdAt: c.createdAt, updatedAt: c.updatedAt)
        }
    }

    /// Open cases the caller may see, the nearest deadline first (no deadline last).
    func open(caller: Caller, state: CaseState?, overdueOnly: Bool, now: Date) async throws -> [AfterSaleCase] {
        let query = AfterSaleCase.query(on: db).filter(\.$accountID == caller.accountID)
        if let state { query.filter(\.$state == state) } else { query.filter(\.$state !~ [.done, .closed]) }
        if overdueOnly { query.filter(\.$dueAt < now) }
        if case .staff(_, _, _, .some) = caller.viewer {
            // Only the ids are read (`all(\.$id)` would decode every visible ticket as a whole model).
            query.filter(\.$ticketID ~~ (try await caller.viewer.tickets(on: db).field(\.$id).all().compactMap(\.id)))
        }
        let rows = try await query.limit(500).all()
        return rows.sorted { ($0.dueAt ?? .distantFuture, $0.createdAt) < ($1.dueAt ?? .distantFuture, $1.createdAt) }
    }

    func compensations(_ rows: [CompensationEntry]) async throws -> CompensationListDTO {
        guard let accountID = rows.first?.accountID else { return CompensationListDTO(items: [], totals: [:]) }
        let tickets = try await Ticket.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ Array(Set(rows.map(\.ticketID)))).all()
        let orderIDs = Array(Set(rows.compactMap(\.orderID)))
        let orders = orderIDs.isEmpty ? [] : try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ orderIDs).all()
        let people = Array(Set(rows.compactMap(\.proposedByID) + rows.compactMap(\.approvedByID)))
        let users = people.isEmpty ? [] : try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ people).all()
        func person(_ id: UUID?) -> TicketPersonDTO? {
            guard let id, let u = users.first(where: { $0.id == id }) else { return nil }
            return TicketPersonDTO(id: id, name: u.displayName)
        }
        // Reversals of the listed entries, wherever they are (the list may be one page of the ledger).
        let reversalRows = try await CompensationEntry.query(on: db).filter(\.$accountID == accountID).filter(\.$reversesID ~~ rows.compactMap(\.id)).all()
        let reversals = Dictionary((rows + reversalRows).compactMap { r in r.reversesID.map { ($0, r.id!) } }, uniquingKeysWith: { a, _ in a })
        var totals: [String: CompensationTotalsDTO] = [:]
        for e in rows {
            var t = totals[e.currency] ?? CompensationTotalsDTO(granted: 0, pending: 0)
            if e.status == .approved { t.granted += e.amount }
            if e.status == .pending { t.pending += e.amount }
            totals[e.currency] = t
        }
        return CompensationListDTO(items: rows.map { e in
            CompensationDTO(id: e.id!, ticketId: e.ticketID, ticketNumber: tickets.first { $0.id == e.ticketID }?.numberText ?? "", caseId: e.caseID,
                            orderId: orders.first { $0.id == e.orderID }?.externalID, sku: e.sku, kind: e.kind, amount: e.amount, currency: e.currency,
                            reason: e.reason, note: e.note, status: e.status,
                            proposedBy: e.proposedByType == "agent" ? person(e.proposedByID) : nil, approvedBy: person(e.approvedByID),
                            decidedAt: e.decidedAt, decisionNote: e.decisionNote, reverses: e.reversesID, reversedBy: reversals[e.id!],
                            createdAt: e.createdAt)
        }, totals: totals)
    }
}
