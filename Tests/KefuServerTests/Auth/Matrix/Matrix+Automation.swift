import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Automation: supervisors and above read and change rules and try them (on what they can
    /// see: the other shop cannot try a rule on shop 1's conversation); the firing log of a
    /// conversation is read with the conversation's visibility.
    static func automationRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let principal = Principal(kind: .user, accountID: w.accountID, role: .owner, userID: nil, tokenID: nil, sessionID: nil, label: "matrix")
        func rule(_ name: String) async throws -> AutomationRuleDTO {
            let body = AutomationRuleBody(name: name, trigger: .init(kind: "event", event: "message.created"),
                                          conditions: .init(all: [.init(field: "text", op: "contains_any", value: .list(["投诉"]))]),
                                          actions: [.init(type: "add_tags", tags: ["投诉"])])
            return try await app.automationRules.save(body, id: nil, by: principal, ip: nil)
        }
        let kept = try await rule("投诉加标签"), doomed = try await rule("旧规则")
        let json = #"{"name":"新规则","trigger":{"kind":"time","timer":"conversation.unanswered","minutes":10},"actions":[{"type":"set_priority","value":"high"}]}"#
        let test = #"{"rule":\#(json),"targetType":"conversation","targetId":"\#(w.conversationID)"}"#
        return [
            "GET /api/v1/automation/rules": { _ in .init(path: "/api/v1/automation/rules", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/automation/rules": { _ in .init(path: "/api/v1/automation/rules", json: json, status: row(401, 403, 403, 201, 201, 201)) },
            "POST /api/v1/automation/rules/test": { _ in .init(path: "/api/v1/automation/rules/test", json: test, status: row(401, 403, 403, 200, 404, 404)) },
            // Shop 1's rule ids are not shop 2's rules, and one id is not every rule: refused, nothing reordered.
            "PUT /api/v1/automation/rules/order": { _ in
                .init(path: "/api/v1/automation/rules/order", json: #"{"ids":["\#(kept.id)"]}"#, status: row(401, 403, 403, 400, 400, 400)) },
            "GET /api/v1/automation/rules/:id": { _ in .init(path: "/api/v1/automation/rules/\(kept.id)", status: row(401, 403, 403, 200, 404, 404)) },
            "PUT /api/v1/automation/rules/:id": { _ in
                .init(path: "/api/v1/automation/rules/\(kept.id)", json: json, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/automation/rules/:id": { _ in .init(path: "/api/v1/automation/rules/\(doomed.id)", status: row(401, 403, 403, 204, 404, 404)) },
            "GET /api/v1/automation/runs": { _ in
                .init(path: "/api/v1/automation/runs?targetType=conversation&targetId=\(w.conversationID)", status: row(401, 200, 404, 200, 404, 404)) },
        ]
    }
}
