import Foundation
@testable import KefuServer

extension AuthorizationMatrixTests {
    /// Knowledge: members read and search, supervisors and above edit; the widget's FAQ bot
    /// answers to the visitor token; the public help centre.
    static func knowledgeRows(_ w: MatrixWorld) async throws -> Rows {
        let app = w.app
        let shop1 = w.shop1
        let article = try await KnowledgeFixture.article(app, shop: shop1, slug: "return-policy", title: "怎么退货", category: "售后/退换货")
        let doomed = try await KnowledgeFixture.article(app, shop: shop1, slug: "old-article", title: "旧问题", category: "售后")
        let articleID = article.id!.uuidString
        let question = AskedQuestion(accountID: w.accountID, inboxID: nil, conversationID: nil, question: "能开发票吗", locale: "zh-CN",
                                     askedAt: Date())
        try await question.create(on: app.db)
        let help = "/help/" + (try await KnowledgeStore.settings(accountID: w.accountID, now: Date(), on: app.db)).helpSlug
        let kb = "/api/v1/knowledge"
        let conv = w.conv
        let token = w.visitor.token
        return [
            "GET /api/v1/knowledge/articles": { _ in .init(path: kb + "/articles", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/articles/:id": { _ in .init(path: kb + "/articles/\(articleID)", status: row(401, 200, 200, 200, 404, 404)) },
            "POST /api/v1/knowledge/articles": { _ in
                .init(path: kb + "/articles", json: #"{"title":"问题\#(w.unique())","body":"答案"}"#, status: row(401, 403, 403, 201, 201, 201)) },
            "PATCH /api/v1/knowledge/articles/:id": { _ in
                .init(path: kb + "/articles/\(articleID)", json: #"{"tags":["退货"]}"#, status: row(401, 403, 403, 200, 404, 404)) },
            "DELETE /api/v1/knowledge/articles/:id": { _ in
                .init(path: kb + "/articles/\(doomed.id!.uuidString)", status: row(401, 403, 403, 204, 404, 404)) },
            "POST /api/v1/knowledge/preview": { _ in
                .init(path: kb + "/preview", json: #"{"body":"**粗体**"}"#, status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/search": { _ in .init(path: kb + "/search?q=%E9%80%80%E8%B4%A7", status: row(401, 200, 200, 200, 200, 200)) },
            "GET /api/v1/knowledge/settings": { _ in .init(path: kb + "/settings", status: row(401, 200, 200, 200, 200, 200)) },
            "PUT /api/v1/knowledge/settings": { _ in
                .init(path: kb + "/settings", json: #"{"synonyms":["退钱 => 退款"]}"#, status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/knowledge/export": { _ in .init(path: kb + "/export?format=csv", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/knowledge/import": { _ in
                .init(path: kb + "/import?format=json", json: #"{"articles":[]}"#, status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/knowledge/unanswered": { _ in .init(path: kb + "/unanswered", status: row(401, 403, 403, 200, 200, 200)) },
            "POST /api/v1/knowledge/unanswered/dismiss": { _ in
                .init(path: kb + "/unanswered/dismiss", json: #"{"ids":["\#(question.id!.uuidString)"]}"#,
                      status: row(401, 403, 403, 200, 200, 200)) },
            "GET /api/v1/conversations/:id/suggestions": { _ in .init(path: conv + "/suggestions", status: row(401, 200, 404, 200, 404, 404)) },
            // The FAQ bot answers to the visitor token; this conversation has no bot (409 for picking an article).
            "POST /api/v1/widget/handover": { _ in
                .init(path: "/api/v1/widget/handover?token=\(token)", json: #"{"conversationId":"\#(w.conversationID)"}"#, status: all(200)) },
            "POST /api/v1/widget/bot/answer": { _ in
                .init(path: "/api/v1/widget/bot/answer?token=\(token)",
                      json: #"{"conversationId":"\#(w.conversationID)","articleId":"\#(articleID)"}"#, status: all(409)) },
            "GET /api/v1/help/search": { _ in
                .init(path: "/api/v1/help/search?q=%E9%80%80%E8%B4%A7&inbox=\(shop1.inbox.widgetKey)", status: all(200)) },
            // The public help centre.
            "GET /help/:shop": { _ in .init(path: help, status: all(200)) },
            "GET /help/:shop/c/**": { _ in .init(path: help + "/c/%E5%94%AE%E5%90%8E", status: all(200)) },
            "GET /help/:shop/a/:slug": { _ in .init(path: help + "/a/return-policy", status: all(200)) },
            "POST /help/:shop/a/:slug/vote": { _ in .init(path: help + "/a/return-policy/vote", status: all(400)) },
            "GET /help/:shop/search": { _ in .init(path: help + "/search?q=%E9%80%80%E8%B4%A7", status: all(200)) },
        ]
    }
}
