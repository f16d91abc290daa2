import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor

/// Articles for tests: single ones straight in the database, or the demo shop's FAQ.
enum KnowledgeFixture {
    static func article(_ app: Application, shop: TestShop, slug: String, title: String, body: String = "七天无理由退货，请在订单页申请。",
                        category: String = "", status: ArticleStatus = .published) async throws -> Article {
        let article = Article(accountID: shop.account.id!, slug: slug, now: Date())
        article.title = title
        article.body = body
        article.category = category
        article.status = status
        try await article.create(on: app.db)
        try await KnowledgeStore.bump(accountID: shop.account.id!, now: Date(), on: app.db)
        return article
    }

    /// Imports `Resources/Knowledge/demo-faq.zh-CN.json` into the shop.
    static func demoFAQ(_ app: Application, shop: TestShop) async throws {
        let path = app.kefu.resourcesDirectory + "/" + KnowledgeDemo.knowledgeFile
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = try await KnowledgeTransfer.importFile(try KnowledgeTransfer.decode(data, format: .json), accountID: shop.account.id!, now: Date(), on: app.db)
    }
}
