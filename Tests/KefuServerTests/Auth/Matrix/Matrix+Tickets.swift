import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Tickets: ticket A (inbox A, the visitor's conversation linked) is seen by the agent of
    /// inbox A and the shop, not by the agent of another inbox nor the other shop; ids of shop 1
    /// in the body (a customer, a conversation) are refused with a 400 naming the field.
    static func ticketsRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let system = KefuServer.Caller.system(w.accountID)
        var ids: [String] = []
        for subject in ["退款进度", "换货", "备注", "链接", "批量"] {
            let ticket = try await app.tickets.create(Tickets.Draft(
                subject: subject, source: .chat, conversationID: w.visitor.conversation.id!), by: system)
            ids.append(ticket.id!.uuidString)
        }
        let contact = w.contactID
        let conversation = w.conversationID
        return [
            "GET /api/v1/tickets": { _ in .init(path: "/api/v1/tickets?view=all", status: row(401, 200, 200, 200, 200, 200)) },
            "POST /api/v1/tickets": { _ in
                .init(path: "/api/v1/tickets", json: #"{"subject":"电话咨询","contactId":"\#(contact)","inboxId":"\#(w.inboxID)"}"#,
                      status: row(401, 201, 400, 201, 400, 400)) },
            "POST /api/v1/tickets/bulk": { _ in
                .init(path: "/api/v1/tickets/bulk", json: #"{"ids":["\#(ids[4])"],"priority":"high"}"#, status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/tickets/:id": { _ in .init(path: "/api/v1/tickets/\(ids[0])", status: row(401, 200, 404, 200, 404, 404)) },
            "PATCH /api/v1/tickets/:id": { _ in
                .init(path: "/api/v1/tickets/\(ids[1])", json: #"{"priority":"high"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/tickets/:id/entries": { _ in
                .init(path: "/api/v1/tickets/\(ids[2])/entries", json: #"{"kind":"note","text":"已联系仓库"}"#, status: row(401, 201, 404, 201, 404, 404)) },
            "POST /api/v1/tickets/:id/links": { _ in
                .init(path: "/api/v1/tickets/\(ids[3])/links", json: #"{"conversationId":"\#(conversation)"}"#, status: row(401, 200, 400, 200, 400, 400)) },
            "GET /api/v1/conversations/:id/ticket-draft": { _ in .init(path: w.conv + "/ticket-draft", status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/ticket": { _ in
                .init(path: w.conv + "/ticket", json: #"{"subject":"投诉"}"#, status: row(401, 201, 404, 201, 404, 404)) },
            "GET /api/v1/conversations/:id/tickets": { _ in .init(path: w.conv + "/tickets", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/contacts/:id/tickets": { _ in .init(path: "/api/v1/contacts/\(contact)/tickets", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/ticket-settings": { _ in .init(path: "/api/v1/ticket-settings", status: row(401, 200, 200, 200, 200, 200)) },
            "PUT /api/v1/ticket-settings": { _ in
                .init(path: "/api/v1/ticket-settings", json: #"{"autoCloseDays":7}"#, status: row(401, 403, 403, 200, 200, 200)) },
        ]
    }
}
