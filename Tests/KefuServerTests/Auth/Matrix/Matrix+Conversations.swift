import Foundation
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Live chat: the widget's side (visitor token), the sockets, conversations, contacts,
    /// uploads. The agent of another inbox finds inbox A's conversation and customer nowhere.
    static func conversationsRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let conv = w.conv
        let token = w.visitor.token
        let upload = try await app.send(.POST, "/api/v1/widget/uploads?token=\(token)", bytes: TestImages.png)
        let attachmentURL = try upload.content.decode(AttachmentDTO.self).url
        return [
            // The widget's endpoints answer to the visitor token, whoever else calls.
            "POST /api/v1/widget/sessions": { _ in
                .init(path: "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(w.shop1.inbox.widgetKey)"}"#, status: all(200)) },
            "GET /api/v1/widget/messages": { _ in
                .init(path: "/api/v1/widget/messages?token=\(token)&conversationId=\(w.conversationID)", status: all(200)) },
            "POST /api/v1/widget/uploads": { _ in
                .init(path: "/api/v1/widget/uploads?token=\(token)", bytes: TestImages.png, status: all(201)) },
            "GET /api/v1/widget/ws": { _ in .init(path: "/api/v1/widget/ws", status: all(401)) },
            // Signed in but not a WebSocket upgrade: 426 (a bare 101 used to leave the connection hanging).
            "GET /api/v1/agent/ws": { _ in .init(path: "/api/v1/agent/ws", status: row(401, 426, 426, 426, 426, 426)) },
            "GET /api/v1/conversations": { _ in .init(path: "/api/v1/conversations?filter=all", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/conversations/:id": { _ in .init(path: conv, status: row(401, 200, 404, 200, 404, 404)) },
            "GET /api/v1/conversations/:id/messages": { _ in .init(path: conv + "/messages", status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/messages": { _ in
                .init(path: conv + "/messages", json: #"{"text":"您好"}"#, status: row(401, 201, 404, 201, 404, 404)) },
            "PATCH /api/v1/conversations/:id": { _ in
                .init(path: conv, json: #"{"priority":"high"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/conversations/:id/merge": { _ in
                .init(path: conv + "/merge", json: #"{"sourceConversationId":"\#(w.conversationID)"}"#, status: row(401, 400, 404, 400, 404, 404)) },
            "POST /api/v1/conversations/:id/read": { _ in
                .init(path: conv + "/read", json: #"{"seq":1}"#, status: row(401, 200, 404, 200, 404, 404)) },
            // The search answers everyone alike; what each may see is checked by the leak checks (the agent of
            // another inbox and the other shop never get inbox A's customer).
            "GET /api/v1/contacts": { _ in .init(path: "/api/v1/contacts?q=%E9%A1%BE%E5%AE%A2", status: row(401, 200, 200, 200, 200, 200)) },
            // Inbox A's visitor wrote 你好: agent 1 and admin 1 find it, the leak checks prove the others do not.
            "GET /api/v1/messages/search": { _ in .init(path: "/api/v1/messages/search?q=%E4%BD%A0%E5%A5%BD", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/contacts/:id": { _ in .init(path: "/api/v1/contacts/\(w.contactID)", status: row(401, 200, 404, 200, 404, 404)) },
            "PATCH /api/v1/contacts/:id": { _ in
                .init(path: "/api/v1/contacts/\(w.contactID)", json: #"{"name":"张三"}"#, status: row(401, 200, 404, 200, 404, 404)) },
            "POST /api/v1/uploads": { _ in .init(path: "/api/v1/uploads", bytes: TestImages.png, status: row(401, 201, 201, 201, 201, 201)) },
            // Attachment URLs are capabilities (192 random bits): `<img src>` carries no credentials.
            "GET /api/v1/attachments/:accountID/:id": { _ in .init(path: attachmentURL, status: all(200)) },
        ]
    }
}
