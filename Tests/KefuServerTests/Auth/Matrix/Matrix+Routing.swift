import Foundation
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Routing and automatic replies: inbox settings, keyword rules, transfers, the live view,
    /// the widget's left messages.
    static func routingRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let rule = KeywordRule(accountID: w.accountID, inboxID: w.shop1.inbox.id!, now: Date())
        rule.keywords = ["退货"]
        rule.reply = "七天无理由退货"
        try await rule.create(on: app.db)
        let doomedRule = KeywordRule(accountID: w.accountID, inboxID: w.shop1.inbox.id!, now: Date())
        doomedRule.keywords = ["发票"]
        doomedRule.reply = "可以开"
        try await doomedRule.create(on: app.db)
        let rules = "/api/v1/inboxes/\(w.inboxID)/keyword-rules"
        let settings = "/api/v1/inboxes/\(w.inboxID)/settings"
        let admin = w.shop1.admin.id!
        let agent = w.shop1.agent.id!
        return [
            "GET /api/v1/inboxes/:id/settings": { _ in .init(path: settings, status: row(401, 200, 200, 200, 404, 404)) },
            "PUT /api/v1/inboxes/:id/settings": { _ in
                .init(path: settings, json: #"{"capacity":6}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "GET /api/v1/inboxes/:id/keyword-rules": { _ in .init(path: rules, status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/inboxes/:id/keyword-rules": { _ in
                .init(path: rules, json: #"{"keywords":["运费"],"reply":"满99包邮"}"#, status: row(401, 403, 403, 201, 404, 404)) },
            "PATCH /api/v1/inboxes/:id/keyword-rules/:ruleID": { _ in
                .init(path: rules + "/\(rule.id!.uuidString)", json: #"{"priority":5}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/inboxes/:id/keyword-rules/:ruleID": { _ in
                .init(path: rules + "/\(doomedRule.id!.uuidString)", status: row(401, 403, 403, 204, 404, 404)) },
            "POST /api/v1/inboxes/:id/keyword-rules/test": { _ in
                .init(path: rules + "/test", json: #"{"text":"我想退货"}"#, status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/transfer": { caller in
                // Back and forth between the agent and the admin (a move to where it is already is refused).
                .init(path: w.conv + "/transfer", json: #"{"assigneeId":"\#(caller == .agent1 ? admin : agent)","note":"请跟进"}"#,
                      status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/live": { _ in .init(path: "/api/v1/live", status: row(401, 403, 403, 200, 200, 200)) },
            // The visitor token decides, not the caller; the sixth message in a minute from one visitor waits.
            "POST /api/v1/widget/leave-message": { _ in
                .init(path: "/api/v1/widget/leave-message?token=\(w.visitor.token)", json: #"{"text":"请回电","phone":"13800000000"}"#,
                      status: row(201, 201, 201, 201, 201, 429)) },
        ]
    }
}
