import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// The public help centre's server-rendered pages.
final class HelpCentreTests: XCTestCase {
    func fixture() async throws -> (Application, TestShop, String) {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        let settings = try await KnowledgeStore.settings(accountID: shop.account.id!, now: Date(), on: app.db)
        return (app, shop, "/help/" + settings.helpSlug)
    }

    func testHomeCategoryArticleAndSearchPagesRender() async throws {
        // setup
        let (app, shop, base) = try await fixture()
        // act
        let home = try await app.send(.GET, base, headers: ["Accept-Language": "zh-CN"])
        let category = try await app.send(.GET, base + "/c/%E5%94%AE%E5%90%8E/%E9%80%80%E6%8D%A2%E8%B4%A7")  // 售后/退换货
        let article = try await app.send(.GET, base + "/a/return-7day")
        let search = try await app.send(.GET, base + "/search?q=%E5%8F%91%E7%A5%A8")  // 发票
        // check
        XCTAssertEqual(home.status, .ok)
        XCTAssertEqual(home.headers.contentType, .html)
        XCTAssertTrue(home.body.string.contains("热门问题"))
        XCTAssertTrue(home.body.string.contains("/a/return-7day"), "the most viewed question is on the home page")
        XCTAssertTrue(home.body.string.contains(shop.inbox.widgetKey), "the help centre embeds the chat widget")
        XCTAssertEqual(category.status, .ok, category.body.string)
        XCTAssertTrue(category.body.string.contains("/a/exchange"))
        XCTAssertEqual(article.status, .ok)
        XCTAssertTrue(article.body.string.contains("data-testid=\"help-related\""))
        XCTAssertTrue(article.body.string.contains("/a/return-how"), "related articles are linked")
        XCTAssertEqual(search.status, .ok)
        XCTAssertTrue(search.body.string.contains("/a/invoice-how"))
        let views = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "return-7day").first()?.views
        XCTAssertEqual(views, 12840 + 1)
    }

    func testAHelpfulVoteCountsOncePerReader() async throws {
        // setup
        let (app, shop, base) = try await fixture()
        let before = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "exchange").first()!
        // act
        let vote = try await app.send(.POST, base + "/a/exchange/vote", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                      body: "helpful=yes")
        let cookie = try XCTUnwrap(vote.headers.setCookie?.all.first(where: { $0.key.hasPrefix("kefu_voted_") }))
        let again = try await app.send(.POST, base + "/a/exchange/vote",
                                       headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "\(cookie.key)=yes"], body: "helpful=yes")
        let page = try await app.send(.GET, base + "/a/exchange", headers: ["Cookie": "\(cookie.key)=yes"])
        let bad = try await app.send(.POST, base + "/a/exchange/vote", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "helpful=maybe")
        // check
        XCTAssertEqual(vote.status, .seeOther)
        XCTAssertEqual(again.status, .seeOther)
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertTrue(page.body.string.contains("help-vote-thanks"))
        let after = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "exchange").first()!
        XCTAssertEqual(after.helpful, before.helpful + 1)
    }

    func testUnknownPagesDraftsAndHostileContentAreHandled() async throws {
        // setup
        let (app, shop, base) = try await fixture()
        _ = try await KnowledgeFixture.article(app, shop: shop, slug: "draft-one", title: "草稿", status: .draft)
        _ = try await KnowledgeFixture.article(app, shop: shop, slug: "hostile", title: "<img src=x onerror=alert(1)>标题",
                                               body: "[点我](javascript:alert(1)) <script>alert(2)</script>")
        // act
        let unknownShop = try await app.send(.GET, "/help/no-such-shop")
        let unknownArticle = try await app.send(.GET, base + "/a/nothing-here")
        let draft = try await app.send(.GET, base + "/a/draft-one")
        let hostile = try await app.send(.GET, base + "/a/hostile")
        let hostileSearch = try await app.send(.GET, base + "/search?q=%3Cscript%3Ealert(3)%3C/script%3E")
        let english = try await app.send(.GET, base + "?lang=en")
        // check
        XCTAssertEqual(unknownShop.status, .notFound)
        XCTAssertEqual(unknownArticle.status, .notFound)
        XCTAssertEqual(draft.status, .notFound)
        let html = hostile.body.string
        XCTAssertFalse(html.contains("<img src=x"), html)
        XCTAssertFalse(html.contains("javascript:"), html)
        XCTAssertFalse(html.contains("<script>alert"), html)
        XCTAssertFalse(hostileSearch.body.string.contains("<script>alert(3)"))
        XCTAssertTrue(english.body.string.contains("Popular questions"))
        XCTAssertEqual(english.headers.setCookie?[HelpCentreController.languageCookie]?.string, "en")
    }
}
