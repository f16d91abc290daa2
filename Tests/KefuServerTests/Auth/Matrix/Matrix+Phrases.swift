import Foundation
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Quick phrases: a member's own and the team's; tokens have no member (403). Using a
    /// phrase names a conversation in the body, resolved with the caller's visibility.
    static func phrasesRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let phrase = QuickPhrase(accountID: w.accountID, ownerID: nil, now: Date())
        phrase.text = "亲，请稍等"
        try await phrase.create(on: app.db)
        let doomedPhrase = QuickPhrase(accountID: w.accountID, ownerID: nil, now: Date())
        doomedPhrase.text = "旧短语"
        try await doomedPhrase.create(on: app.db)
        return [
            "GET /api/v1/quick-phrases": { _ in .init(path: "/api/v1/quick-phrases", status: row(401, 200, 200, 200, 200, 403)) },
            "POST /api/v1/quick-phrases": { _ in
                .init(path: "/api/v1/quick-phrases", json: #"{"text":"亲，在的\#(w.unique())"}"#, status: row(401, 201, 201, 201, 201, 403)) },
            "GET /api/v1/quick-phrases/export": { _ in .init(path: "/api/v1/quick-phrases/export", status: row(401, 200, 200, 200, 200, 403)) },
            "POST /api/v1/quick-phrases/import": { _ in
                .init(path: "/api/v1/quick-phrases/import", json: "scope,category,shortcut,text\npersonal,,,亲\n",
                      status: row(401, 200, 200, 200, 200, 403)) },
            "GET /api/v1/quick-phrases/proposals": { _ in
                .init(path: "/api/v1/quick-phrases/proposals", status: row(401, 200, 200, 200, 200, 403)) },
            "PATCH /api/v1/quick-phrases/:id": { _ in
                .init(path: "/api/v1/quick-phrases/\(phrase.id!.uuidString)", json: #"{"category":"售后"}"#,
                      status: row(401, 403, 403, 200, 404, 403)) },
            "DELETE /api/v1/quick-phrases/:id": { _ in
                .init(path: "/api/v1/quick-phrases/\(doomedPhrase.id!.uuidString)", status: row(401, 403, 403, 204, 404, 403)) },
            "POST /api/v1/quick-phrases/:id/use": { _ in
                .init(path: "/api/v1/quick-phrases/\(phrase.id!.uuidString)/use", json: #"{"conversationId":"\#(w.conversationID)"}"#,
                      status: row(401, 200, 404, 200, 404, 403)) },
        ]
    }
}
