import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// After-sales: cases and compensations of a complaint ticket of inbox A are the inbox's and
    /// the shop's; approvals are supervisors' and above; the widget answer needs the customer's token.
    static func casesRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let system = KefuServer.Caller.system(w.accountID)
        let ticket = try await app.tickets.create(Tickets.Draft(subject: "破损投诉", type: "complaint", source: .chat,
                                                                conversationID: w.visitor.conversation.id!), by: system)
        var caseIDs: [String] = []
        for _ in 0..<4 {
            let c = try await app.afterSales.open(ticketID: ticket.id!, AfterSales.CaseDraft(kind: .compensation, reason: .damaged), by: system)
            caseIDs.append(c.id!.uuidString)
        }
        _ = try await app.afterSales.propose(UUID(uuidString: caseIDs[3])!, solution: "补偿 20 元", by: system)
        let agent1 = try await KefuServer.Caller.member(
            Principal(kind: .user, accountID: w.accountID, role: .agent, userID: w.shop1.agent.id, tokenID: nil, sessionID: nil, label: "agent"),
            on: app.db)
        var pending: [String] = []
        for _ in 0..<3 {
            let e = try await app.afterSales.propose(ticketID: ticket.id!, AfterSales.CompensationDraft(kind: .coupon, amount: 5000, reason: "damaged"),
                                                     by: agent1)
            pending.append(e.id!.uuidString)
        }
        let granted = try await app.afterSales.propose(ticketID: ticket.id!, AfterSales.CompensationDraft(kind: .cash, amount: 100, reason: "damaged"),
                                                       by: system)
        let t = ticket.id!.uuidString
        return [
            "POST /api/v1/tickets/:id/cases": { _ in
                .init(path: "/api/v1/tickets/\(t)/cases", json: #"{"kind":"refund_only","reason":"damaged"}"#, status: row(401, 201, 404, 201, 404, 404)) },
            "GET /api/v1/tickets/:id/cases": { _ in .init(path: "/api/v1/tickets/\(t)/cases", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/cases": { _ in .init(path: "/api/v1/cases", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/cases/:id": { _ in .init(path: "/api/v1/cases/\(caseIDs[0])", status: row(401, 200, 404, 200, 404, 404)) },
            "PATCH /api/v1/cases/:id": { _ in
                .init(path: "/api/v1/cases/\(caseIDs[1])", json: #"{"dueAt":"2030-01-01T00:00:00Z"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/cases/:id/steps": { _ in
                .init(path: "/api/v1/cases/\(caseIDs[2])/steps", json: #"{"step":"acknowledge"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/cases/:id/solution": { _ in
                .init(path: "/api/v1/cases/\(caseIDs[2])/solution", json: #"{"solution":"为您补发"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            // The shopper's token in the query: members' credentials are not a visitor's.
            "GET /api/v1/widget/cases/:id": { _ in .init(path: "/api/v1/widget/cases/\(caseIDs[3])?token=wrong", status: all(401)) },
            "POST /api/v1/widget/cases/:id/answer": { _ in
                .init(path: "/api/v1/widget/cases/\(caseIDs[3])/answer?token=wrong", json: #"{"answer":"accepted"}"#, status: all(401)) },
            "POST /api/v1/tickets/:id/compensations": { _ in
                .init(path: "/api/v1/tickets/\(t)/compensations", json: #"{"kind":"gift","amount":100,"reason":"damaged"}"#,
                      status: row(401, 201, 404, 201, 404, 404)) },
            "GET /api/v1/tickets/:id/compensations": { _ in .init(path: "/api/v1/tickets/\(t)/compensations", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/compensations": { _ in .init(path: "/api/v1/compensations?status=pending", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/compensations/:id/approve": { _ in
                .init(path: "/api/v1/compensations/\(pending[0])/approve", json: "{}", status: row(401, 403, 403, 200, 404, 404)) },
            "POST /api/v1/compensations/:id/reject": { _ in
                .init(path: "/api/v1/compensations/\(pending[1])/reject", json: #"{"note":"不符合"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "POST /api/v1/compensations/:id/reverse": { _ in
                .init(path: "/api/v1/compensations/\(granted.id!.uuidString)/reverse", json: #"{"note":"重复"}"#, status: row(401, 403, 403, 201, 404, 404)) },
            "GET /api/v1/after-sale-settings": { _ in .init(path: "/api/v1/after-sale-settings", status: row(401, 200, 200, 200, 200, 200)) },
            "PUT /api/v1/after-sale-settings": { _ in
                .init(path: "/api/v1/after-sale-settings", json: #"{"compensationLimits":{"maxAmount":{"agent":1500},"maxPercentOfOrder":{}}}"#,
                      status: row(401, 403, 403, 200, 200, 200)) },
        ]
    }
}
