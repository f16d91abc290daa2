import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Macros: the team lists the shared ones and writes its own (an API token only shared ones);
    /// supervisors and above change shared ones; a macro is previewed and applied on what the
    /// caller can see (the other shop does not know shop 1's macro).
    static func macrosRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let principal = Principal(kind: .user, accountID: w.accountID, role: .owner, userID: nil, tokenID: nil, sessionID: nil, label: "matrix")
        func shared(_ name: String) async throws -> MacroDTO {
            try await app.macros.save(MacroBody(name: name, target: "conversation", shared: true, actions: [.init(type: "note", text: "已核实订单")]),
                                      id: nil, by: principal, ip: nil)
        }
        let kept = try await shared("核实订单"), doomed = try await shared("旧模板")
        let mine = #"{"name":"我的模板","target":"conversation","actions":[{"type":"add_tags","tags":["跟进"]}]}"#
        let target = #"{"targetId":"\#(w.conversationID)"}"#
        return [
            "GET /api/v1/macros": { _ in .init(path: "/api/v1/macros", status: all(200).merging([.anonymous: 401]) { $1 }) },
            "POST /api/v1/macros": { _ in .init(path: "/api/v1/macros", json: mine, status: row(401, 201, 201, 201, 201, 400)) },
            "PUT /api/v1/macros/:id": { _ in
                .init(path: "/api/v1/macros/\(kept.id)", json: #"{"name":"核实订单","target":"conversation","shared":true,"actions":[{"type":"note","text":"已核实"}]}"#,
                      status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/macros/:id": { _ in .init(path: "/api/v1/macros/\(doomed.id)", status: row(401, 403, 403, 204, 404, 404)) },
            "POST /api/v1/macros/:id/preview": { _ in .init(path: "/api/v1/macros/\(kept.id)/preview", json: target, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/macros/:id/apply": { _ in .init(path: "/api/v1/macros/\(kept.id)/apply", json: target, status: row(401, 200, 404, 200, 404, 404)) },
        ]
    }
}
