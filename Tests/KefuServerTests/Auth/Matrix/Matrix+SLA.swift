import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// SLA: the team reads calendars and policies, supervisors and above change them (the other
    /// shop cannot name shop 1's calendar in a body); a ticket's or conversation's clocks are
    /// read with the ticket's or conversation's visibility; due times and breaches only of what
    /// the caller may see.
    static func slaRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let principal = Principal(kind: .user, accountID: w.accountID, role: .owner, userID: nil, tokenID: nil, sessionID: nil, label: "matrix")
        let hours = #"{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}]}}"#
        func calendar(_ name: String) async throws -> SLACalendarDTO {
            let input = try JSONDecoder().decode(SLACalendarInput.self, from: Data(#"{"name":"\#(name)","hours":\#(hours)}"#.utf8))
            return try await app.sla.saveCalendar(input, id: nil, by: principal, ip: nil)
        }
        let used = try await calendar("售后"), spare = try await calendar("空闲"), edited = try await calendar("售前")
        func policy(_ name: String) async throws -> SLAPolicyDTO {
            let json = #"{"name":"\#(name)","calendarId":"\#(used.id)","targets":[{"metric":"first_reply","priority":"normal","minutes":30}]}"#
            return try await app.sla.savePolicy(try JSONDecoder().decode(SLAPolicyInput.self, from: Data(json.utf8)), id: nil, by: principal, ip: nil)
        }
        let kept = try await policy("咨询"), doomed = try await policy("旧规则")
        let system = KefuServer.Caller.system(w.accountID)
        let ticket = try await app.tickets.create(Tickets.Draft(subject: "换货", source: .phone, inboxID: w.shop1.inbox.id), by: system)
        await app.drainEvents()
        let policyJSON = #"{"name":"新规则","calendarId":"\#(used.id)","targets":[{"metric":"resolution","priority":"urgent","minutes":600}]}"#
        return [
            "GET /api/v1/sla/calendars": { _ in .init(path: "/api/v1/sla/calendars", status: all(200).merging([.anonymous: 401]) { $1 }) },
            "GET /api/v1/sla/calendars/:id": { _ in .init(path: "/api/v1/sla/calendars/\(used.id)", status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/sla/calendars": { c in
                .init(path: "/api/v1/sla/calendars", json: #"{"name":"日历-\#(c.rawValue)","hours":\#(hours)}"#, status: row(401, 403, 403, 201, 201, 201)) },
            "PUT /api/v1/sla/calendars/:id": { _ in
                .init(path: "/api/v1/sla/calendars/\(edited.id)", json: #"{"name":"售前（新）"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/sla/calendars/:id": { _ in .init(path: "/api/v1/sla/calendars/\(spare.id)", status: row(401, 403, 403, 204, 404, 404)) },
            "GET /api/v1/sla/policies": { _ in .init(path: "/api/v1/sla/policies", status: all(200).merging([.anonymous: 401]) { $1 }) },
            "GET /api/v1/sla/policies/:id": { _ in .init(path: "/api/v1/sla/policies/\(kept.id)", status: row(401, 200, 200, 200, 404, 404)) },
            // Shop 2 cannot name shop 1's calendar.
            "POST /api/v1/sla/policies": { _ in .init(path: "/api/v1/sla/policies", json: policyJSON, status: row(401, 403, 403, 201, 400, 400)) },
            "PUT /api/v1/sla/policies/:id": { _ in
                .init(path: "/api/v1/sla/policies/\(kept.id)", json: #"{"enabled":false}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/sla/policies/:id": { _ in .init(path: "/api/v1/sla/policies/\(doomed.id)", status: row(401, 403, 403, 204, 404, 404)) },
            // Shop 1's policy ids are not shop 2's policies: refused, nothing reordered.
            "PUT /api/v1/sla/policies/order": { _ in
                .init(path: "/api/v1/sla/policies/order", json: #"{"ids":["\#(kept.id)"]}"#, status: row(401, 403, 403, 400, 400, 400)) },
            "GET /api/v1/sla/due": { _ in
                .init(path: "/api/v1/sla/due?type=conversation&ids=\(w.conversationID)", status: all(200).merging([.anonymous: 401]) { $1 }) },
            "GET /api/v1/sla/breaches": { _ in .init(path: "/api/v1/sla/breaches?withinMinutes=10080", status: all(200).merging([.anonymous: 401]) { $1 }) },
            "GET /api/v1/sla/report": { _ in .init(path: "/api/v1/sla/report?days=7", status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/tickets/:id/sla": { _ in .init(path: "/api/v1/tickets/\(ticket.id!)/sla", status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/conversations/:id/sla": { _ in .init(path: "\(w.conv)/sla", status: row(401, 200, 404, 200, 404, 404)) },
        ]
    }
}
