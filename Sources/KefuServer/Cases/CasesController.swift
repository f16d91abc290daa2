import Fluent
import Foundation
import KefuCore
import Vapor

/// After-sale cases and the compensation ledger: decode, ask ``AfterSales`` or ``CaseViews``, encode.
struct CasesController {
    func open(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(OpenCaseRequest.self)
        let draft = AfterSales.CaseDraft(
            kind: try TicketsController.parse(CaseKind.self, input.kind, field: "kind"),
            reason: try TicketsController.parse(CaseReason.self, input.reason, field: "reason"),
            orderExternalID: input.orderId, lines: input.lines ?? [], description: input.description ?? "", externalID: input.externalId,
            dueAt: try Self.time(input.dueAt, field: "dueAt"))
        let c = try await req.application.afterSales.open(ticketID: try TicketsController.id(req), draft, by: caller)
        return try await CaseViews(app: req.application).dto(c, now: req.now).encodeResponse(status: .created, for: req)
    }

    func ticketCases(_ req: Request) async throws -> CaseListDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let ticket = try await caller.viewer.ticket(try TicketsController.id(req), on: req.db)
        let rows = try await AfterSaleCase.query(on: req.db).filter(\.$accountID == ticket.accountID).filter(\.$ticketID == ticket.id!)
            .sort(\.$createdAt).all()
        return CaseListDTO(items: try await CaseViews(app: req.application).dtos(rows, now: req.now))
    }

    func list(_ req: Request) async throws -> CaseListDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let state = try req.query[String.self, at: "state"].map { try TicketsController.parse(CaseState.self, $0, field: "state") }
        let overdue = req.query[String.self, at: "overdue"] == "true"
        let rows = try await CaseViews(app: req.application).open(caller: caller, state: state, overdueOnly: overdue, now: req.now)
        return CaseListDTO(items: try await CaseViews(app: req.application).dtos(rows, now: req.now))
    }

    func get(_ req: Request) async throws -> CaseDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        return try await CaseViews(app: req.application).dto(try await Self.visible(req, caller), now: req.now)
    }

    func update(_ req: Request) async throws -> CaseDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(UpdateCaseRequest.self)
        let c = try await req.application.afterSales.move(
            try Self.caseID(req), to: try input.state.map { try TicketsController.parse(CaseState.self, $0, field: "state") },
            ruling: try input.ruling.map { try TicketsController.parse(CaseRuling.self, $0, field: "ruling") },
            dueAt: try Self.time(input.dueAt, field: "dueAt"), note: input.note, by: caller)
        return try await CaseViews(app: req.application).dto(c, now: req.now)
    }

    func step(_ req: Request) async throws -> CaseDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(CaseStepRequest.self)
        let c = try await req.application.afterSales.step(try Self.caseID(req), try TicketsController.parse(ComplaintStep.self, input.step, field: "step"),
                                                          by: caller)
        return try await CaseViews(app: req.application).dto(c, now: req.now)
    }

    func solution(_ req: Request) async throws -> CaseDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(CaseSolutionRequest.self)
        let c = try await req.application.afterSales.propose(try Self.caseID(req), solution: input.solution, by: caller)
        return try await CaseViews(app: req.application).dto(c, now: req.now)
    }

    /// `POST /widget/cases/{id}/answer?token=`: the shopper accepts or refuses the solution.
    func answer(_ req: Request) async throws -> CaseCardDTO {
        let caller = try await WidgetController.caller(req)
        let input = try req.decodeStrict(CaseAnswerRequest.self)
        let answer = try TicketsController.parse(CaseCustomerAnswer.self, input.answer, field: "answer")
        let c = try await req.application.afterSales.answer(try Self.caseID(req), answer, seen: input.solution, by: caller)
        return try await Self.card(c, on: req.db)
    }

    /// The case card as its customer sees it now (their answer given on another device included).
    func customerCard(_ req: Request) async throws -> CaseCardDTO {
        let caller = try await WidgetController.caller(req)
        return try await Self.card(try await req.application.afterSales.customerCase(try Self.caseID(req), by: caller), on: req.db)
    }

    static func card(_ c: AfterSaleCase, on db: any Database) async throws -> CaseCardDTO {
        let ticket = try await Ticket.query(on: db).filter(\.$accountID == c.accountID).filter(\.$id == c.ticketID).first()
        return CaseCardDTO(caseId: c.id!, ticketNumber: ticket?.numberText ?? "", kind: c.kind, state: c.state, solution: c.solution ?? "",
                           answer: c.customerAnswer)
    }

    // MARK: the ledger

    func propose(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(CompensationRequest.self)
        let draft = AfterSales.CompensationDraft(
            kind: try TicketsController.parse(CompensationKind.self, input.kind, field: "kind"), amount: input.amount, currency: input.currency,
            caseID: input.caseId, orderExternalID: input.orderId, sku: input.sku, reason: input.reason, note: input.note ?? "")
        let e = try await req.application.afterSales.propose(ticketID: try TicketsController.id(req), draft, by: caller)
        let dto = try await CaseViews(app: req.application).compensations([e]).items[0]
        return try await dto.encodeResponse(status: e.status == .pending ? .accepted : .created, for: req)
    }

    func ticketCompensations(_ req: Request) async throws -> CompensationListDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let ticket = try await caller.viewer.ticket(try TicketsController.id(req), on: req.db)
        let rows = try await CompensationEntry.query(on: req.db).filter(\.$accountID == ticket.accountID).filter(\.$ticketID == ticket.id!)
            .sort(\.$createdAt).all()
        return try await CaseViews(app: req.application).compensations(rows)
    }

    /// `GET /compensations?status=pending&orderId=` (supervisors and above): the ledger.
    func ledger(_ req: Request) async throws -> CompensationListDTO {
        let principal = try req.requirePrincipal()
        let query = CompensationEntry.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let raw = req.query[String.self, at: "status"] {
            query.filter(\.$status == (try TicketsController.parse(CompensationStatus.self, raw, field: "status")))
        }
        if let external = req.query[String.self, at: "orderId"] {
            guard let order = try await Order.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$externalID == external).first() else {
                throw DomainError.invalid("orderId", "the shop has no order '\(external)'")
            }
            query.filter(\.$orderID == order.id!)
        }
        let limit = try Paging.limit(req, default: 200, max: 1000)
        return try await CaseViews(app: req.application).compensations(try await query.sort(\.$createdAt, .descending).limit(limit).all())
    }

    func approve(_ req: Request) async throws -> CompensationDTO { try await decide(req, approve: true) }
    func reject(_ req: Request) async throws -> CompensationDTO { try await decide(req, approve: false) }

    private func decide(_ req: Request, approve: Bool) async throws -> CompensationDTO {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeStrict(CompensationDecisionRequest.self) : CompensationDecisionRequest()
        let e = try await req.application.afterSales.decide(try Self.entryID(req), approve: approve, note: input.note, by: caller)
        return try await CaseViews(app: req.application).compensations([e]).items[0]
    }

    func reverse(_ req: Request) async throws -> Response {
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let input = try req.decodeStrict(CompensationDecisionRequest.self)
        let e = try await req.application.afterSales.reverse(try Self.entryID(req), note: input.note ?? "", by: caller)
        return try await CaseViews(app: req.application).compensations([e]).items[0].encodeResponse(status: .created, for: req)
    }

    // MARK: settings

    func settings(_ req: Request) async throws -> AfterSaleSettingsDTO {
        let row = try await TicketSettingsStore.load(try req.requirePrincipal().accountID, now: req.now, on: req.db)
        return AfterSaleSettingsDTO(deadlines: AfterSales.deadlines(row), compensationLimits: AfterSales.limits(row))
    }

    func putSettings(_ req: Request) async throws -> AfterSaleSettingsDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(AfterSaleSettingsInput.self)
        try input.deadlines?.validate()
        try input.compensationLimits?.validate()
        let row = try await TicketSettingsStore.load(principal.accountID, now: req.now, on: req.db)
        if let d = input.deadlines { row.caseDeadlinesJSON = TicketSettingsStore.encode(d) }
        if let l = input.compensationLimits { row.compensationLimitsJSON = TicketSettingsStore.encode(l) }
        row.updatedAt = req.now
        let ip = req.clientIP
        let now = req.now
        try await req.db.transaction { tx in
            try await row.save(on: tx)
            try await AuditLog.record("after_sale_settings.update", target: "ticket_settings", id: row.id!.uuidString,
                                      details: ["deadlines": row.caseDeadlinesJSON ?? "", "compensationLimits": row.compensationLimitsJSON ?? ""],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        return AfterSaleSettingsDTO(deadlines: AfterSales.deadlines(row), compensationLimits: AfterSales.limits(row))
    }

    // MARK: parsing

    static func visible(_ req: Request, _ caller: Caller) async throws -> AfterSaleCase {
        let id = try caseID(req)
        guard let c = try await AfterSaleCase.query(on: req.db).filter(\.$accountID == caller.accountID).filter(\.$id == id).first(),
              (try? await caller.viewer.ticket(c.ticketID, on: req.db)) != nil else { throw DomainError.notFound("case") }
        return c
    }

    static func caseID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("case") }
        return id
    }

    static func entryID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("compensation") }
        return id
    }

    static func time(_ raw: String?, field: String) throws(DomainError) -> Date? {
        guard let raw else { return nil }
        guard let date = ISODates.parse(raw) else { throw DomainError.invalid(field, "\(field) must be an ISO 8601 time like 2026-12-08T10:00:00+08:00") }
        return date
    }
}
