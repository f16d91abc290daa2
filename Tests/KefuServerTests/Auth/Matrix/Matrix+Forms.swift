import Foundation
import KefuCore
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Forms: the team reads its shop's forms, admins edit them, the other shop sees none of
    /// shop 1's (and cannot name shop 1's inbox in the body); the public side answers everyone
    /// alike and reads nothing but the form's own shop.
    static func formsRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let json = { (inbox: String) in
            #"{"name":"在线报修","kind":"repair","inboxId":"\#(inbox)","fields":[{"key":"phone","label":"手机号","kind":"phone","required":true}]}"#
        }
        let principal = Principal(kind: .user, accountID: w.accountID, role: .owner, userID: nil, tokenID: nil, sessionID: nil, label: "matrix")
        var forms: [ShopForm] = []
        for _ in 0..<3 {
            let input = try JSONDecoder().decode(CreateFormRequest.self, from: Data(json(w.inboxID).utf8))
            forms.append(try await app.forms.create(input, by: principal, ip: nil))
        }
        let (id, key) = (forms[0].id!.uuidString, forms[0].key)
        return [
            "GET /api/v1/forms": { _ in .init(path: "/api/v1/forms", status: row(401, 200, 200, 200, 200, 200)) },
            "POST /api/v1/forms": { _ in .init(path: "/api/v1/forms", json: json(w.inboxID), status: row(401, 403, 403, 201, 400, 400)) },
            "GET /api/v1/forms/:id": { _ in .init(path: "/api/v1/forms/\(id)", status: row(401, 200, 200, 200, 404, 404)) },
            "PATCH /api/v1/forms/:id": { _ in
                .init(path: "/api/v1/forms/\(forms[1].id!.uuidString)", json: #"{"intro":"请描述问题"}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/forms/:id": { _ in .init(path: "/api/v1/forms/\(forms[2].id!.uuidString)", status: row(401, 403, 403, 204, 404, 404)) },
            "GET /forms/:key": { _ in .init(path: "/forms/\(key)", status: row(200, 200, 200, 200, 200, 200)) },
            "GET /api/v1/public/forms/:key": { _ in .init(path: "/api/v1/public/forms/\(key)", status: row(200, 200, 200, 200, 200, 200)) },
            // Not multipart (the matrix sends bytes as an image): refused alike; the sixth attempt
            // from one address within ten minutes is rate-limited first.
            "POST /api/v1/public/forms/:key/submissions": { _ in
                .init(path: "/api/v1/public/forms/\(key)/submissions", bytes: [1, 2, 3], status: row(400, 400, 400, 400, 400, 429)) },
            "POST /api/v1/public/forms/:key/lookup": { _ in
                .init(path: "/api/v1/public/forms/\(key)/lookup", json: #"{"number":"T-99999","contact":"13800138000"}"#,
                      status: row(404, 404, 404, 404, 404, 404)) },
        ]
    }
}
