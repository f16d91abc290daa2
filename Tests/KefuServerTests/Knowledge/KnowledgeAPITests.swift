import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// Articles, search, import/export and settings over HTTP (docs/api.md, "Knowledge").
final class KnowledgeAPITests: XCTestCase {
    func testAnEditorCreatesEditsAndDeletesArticlesAndAgentsOnlyRead() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        // act: create two articles, the second related to the first
        let first = try await app.send(.POST, "/api/v1/knowledge/articles", as: admin, json: """
            {"title":"How do I return an item?","body":"Open **My orders** and tap [Return](https://shop.example/returns).\\n\\n<script>alert(1)</script>","category":" 售后 / 退换货 ","tags":["退货"," 退货 ",""]}
            """)
        XCTAssertEqual(first.status, .created, first.body.string)
        let created = try first.content.decode(ArticleDTO.self)
        let second = try await app.send(.POST, "/api/v1/knowledge/articles", as: admin,
                                        json: #"{"title":"退货运费谁出？","body":"质量问题由我们承担。","related":["how-do-i-return-an-item"],"status":"draft"}"#)
        XCTAssertEqual(second.status, .created, second.body.string)
        let draft = try second.content.decode(ArticleDTO.self)
        // check: slug from the English title, random for the Chinese one; category and tags normalised; HTML sanitised
        XCTAssertEqual(created.slug, "how-do-i-return-an-item")
        XCTAssertTrue(draft.slug.hasPrefix("a-"), draft.slug)
        XCTAssertEqual(created.category, "售后/退换货")
        XCTAssertEqual(created.tags, ["退货"])
        XCTAssertEqual(draft.related, ["how-do-i-return-an-item"])
        let html = created.bodyHtml ?? ""
        XCTAssertTrue(html.contains("<strong>My orders</strong>"), html)
        XCTAssertFalse(html.contains("<script"), html)
        XCTAssertTrue(html.contains("&lt;script&gt;"), html)
        XCTAssertTrue(created.url.hasSuffix("/a/how-do-i-return-an-item"))
        // agents read published articles (not drafts) but cannot write; editors see everything
        let list = try await app.send(.GET, "/api/v1/knowledge/articles", as: agent)
        XCTAssertEqual(list.status, .ok)
        let listed = try list.content.decode(ArticleListDTO.self)
        XCTAssertEqual(listed.items.map(\.slug), ["how-do-i-return-an-item"])
        XCTAssertEqual(listed.categories.map(\.path), ["售后/退换货"], "counts per category as filed; clients build the tree")
        let hidden = try await app.send(.GET, "/api/v1/knowledge/articles/\(draft.id)", as: agent)
        XCTAssertEqual(hidden.status, .notFound)
        let all = try await app.send(.GET, "/api/v1/knowledge/articles", as: admin)
        XCTAssertEqual(try all.content.decode(ArticleListDTO.self).total, 2)
        let refused = try await app.send(.PATCH, "/api/v1/knowledge/articles/\(created.id)", as: agent, json: #"{"title":"x"}"#)
        XCTAssertEqual(refused.status, .forbidden)
        // act: edit, then delete the first (the draft stops pointing at it)
        let patched = try await app.send(.PATCH, "/api/v1/knowledge/articles/\(created.id)", as: admin,
                                         json: #"{"title":"Returning an item","status":"published","synonyms":["send back"]}"#)
        XCTAssertEqual(patched.status, .ok, patched.body.string)
        XCTAssertEqual(try patched.content.decode(ArticleDTO.self).title, "Returning an item")
        let deleted = try await app.send(.DELETE, "/api/v1/knowledge/articles/\(created.id)", as: admin)
        XCTAssertEqual(deleted.status, .noContent)
        // check
        let after = try await app.send(.GET, "/api/v1/knowledge/articles/\(draft.id)", as: admin)
        XCTAssertEqual(try after.content.decode(ArticleDTO.self).related, [])
        let audit = try await AuditEntry.query(on: app.db).filter(\.$accountID == shop.account.id!).all().map(\.action)
        XCTAssertEqual(audit.filter { $0.hasPrefix("article.") }.sorted(), ["article.create", "article.create", "article.delete", "article.update"])
    }

    func testBadArticlesGetClearErrorsAndChangeNothing() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        _ = try await KnowledgeFixture.article(app, shop: shop, slug: "taken", title: "已有的问题")
        let cases: [(json: String, status: HTTPResponseStatus, field: String?)] = [
            (#"{"body":"答案"}"#, .badRequest, "title"),
            (#"{"title":"  ","body":"答案"}"#, .badRequest, "title"),
            (#"{"title":"问题","body":""}"#, .badRequest, "body"),
            (#"{"title":"问题","body":"答案","slug":"Bad Slug!"}"#, .badRequest, "slug"),
            (#"{"title":"问题","body":"答案","slug":"taken"}"#, .conflict, "slug"),
            (#"{"title":"问题","body":"答案","related":["nope"]}"#, .badRequest, "related"),
            (#"{"title":"问题","body":"答案","status":"hidden"}"#, .badRequest, "status"),
            (#"{"title":"问题","body":"答案","locale":"fr"}"#, .badRequest, "locale"),
            (#"{"title":"问题","body":"答案","category":"a//b"}"#, .badRequest, "category"),
            (#"{"title":"问题","body":"答案","views":5}"#, .badRequest, "views"),
            (#"{"title":"问题","body":"\#(String(repeating: "长", count: 20_001))"}"#, .badRequest, "body"),
        ]
        for c in cases {
            // act
            let response = try await app.send(.POST, "/api/v1/knowledge/articles", as: admin, json: c.json)
            // check
            XCTAssertEqual(response.status, c.status, "\(c.json.prefix(80)): \(response.body.string)")
            XCTAssertEqual(response.errorField, c.field, c.json.prefix(80) + "")
        }
        let count = try await Article.query(on: app.db).count()
        XCTAssertEqual(count, 1)
    }

    func testPublicSearchFindsHowShoppersTypeAndRefusesBadInput() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        let key = shop.inbox.widgetKey
        func top(_ q: String) async throws -> String? {
            let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
            let response = try await app.send(.GET, "/api/v1/help/search?q=\(encoded)&inbox=\(key)")
            XCTAssertEqual(response.status, .ok, response.body.string)
            XCTAssertEqual(response.headers.first(name: .accessControlAllowOrigin), "*")
            return try response.content.decode(PublicSearchDTO.self).items.first?.slug
        }
        // act & check: two characters, a sentence, traditional, full-width, English, Korean, a synonym
        do { let value = try await top("发票"); XCTAssertEqual(value, "invoice-how") }
        do { let value = try await top("亲，我买的衣服尺码不合适可以换吗"); XCTAssertEqual(value, "exchange") }
        do { let value = try await top("發票怎麼開"); XCTAssertEqual(value, "invoice-how") }
        do { let value = try await top("７天无理由"); XCTAssertEqual(value, "return-7day") }
        do { let value = try await top("TRACK MY ORDER"); XCTAssertEqual(value, "en-tracking") }
        do { let value = try await top("환불기간"); XCTAssertEqual(value, "ko-refund") }
        do { let value = try await top("退钱要多久"); XCTAssertEqual(value, "refund-time") }
        // bad input: a clear 4xx each
        let bad: [(String, HTTPResponseStatus, String)] = [
            ("/api/v1/help/search?q=&inbox=\(key)", .badRequest, "q"),
            ("/api/v1/help/search?q=%20%20&inbox=\(key)", .badRequest, "q"),
            ("/api/v1/help/search?q=\(String(repeating: "a", count: 10_000))&inbox=\(key)", .badRequest, "q"),
            ("/api/v1/help/search?q=abc&inbox=ibx_unknown", .notFound, "inbox"),
            ("/api/v1/help/search?q=abc", .badRequest, "inbox"),
            ("/api/v1/help/search?q=abc&inbox=\(key)&locale=xx", .badRequest, "locale"),
        ]
        for (path, status, field) in bad {
            let response = try await app.send(.GET, path)
            XCTAssertEqual(response.status, status, "\(path.prefix(80)): \(response.body.string)")
            XCTAssertEqual(response.errorField, field)
        }
    }

    func testAgentSearchSaysWhatTheBotWouldDoAndDraftsStayPrivate() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        _ = try await KnowledgeFixture.article(app, shop: shop, slug: "secret-sale", title: "内部促销价格表", status: .draft)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        // act
        let found = try await app.send(.GET, "/api/v1/knowledge/search?q=%E5%8F%91%E7%A5%A8%E6%80%8E%E4%B9%88%E5%BC%80", as: agent)
        let nothing = try await app.send(.GET, "/api/v1/knowledge/search?q=asdfghjkl", as: agent)
        let secret = try await app.send(.GET, "/api/v1/knowledge/search?q=%E5%86%85%E9%83%A8%E4%BF%83%E9%94%80", as: agent)
        // check
        let hits = try found.content.decode(KnowledgeSearchDTO.self)
        XCTAssertEqual(hits.items.first?.slug, "invoice-how")
        XCTAssertFalse(hits.items.first?.answer?.isEmpty ?? true)
        XCTAssertNotEqual(hits.decision, "none")
        XCTAssertEqual(try nothing.content.decode(KnowledgeSearchDTO.self).decision, "none")
        XCTAssertFalse(try secret.content.decode(KnowledgeSearchDTO.self).items.contains { $0.slug == "secret-sale" })
    }

    func testCSVAndJSONRoundTripAndABadFileChangesNothing() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let other = try await TestShop.create(app, name: "Other")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        let otherAdmin = try await Credentials.session(for: other.admin, on: app.db)
        let total = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).count()
        // act: export CSV and JSON, import both into the other shop
        let csv = try await app.send(.GET, "/api/v1/knowledge/export?format=csv", as: admin)
        XCTAssertEqual(csv.status, .ok)
        XCTAssertEqual(csv.headers.contentType?.subType, "csv")
        XCTAssertTrue(csv.headers.first(name: .contentDisposition)?.contains("attachment") ?? false)
        let imported = try await app.send(.POST, "/api/v1/knowledge/import?format=csv", as: otherAdmin,
                                          bytes: Array(csv.body.readableBytesView), contentType: HTTPMediaType(type: "text", subType: "csv"))
        XCTAssertEqual(imported.status, .ok, imported.body.string)
        XCTAssertEqual(try imported.content.decode(ImportResultDTO.self).created, total)
        let json = try await app.send(.GET, "/api/v1/knowledge/export?format=json", as: admin)
        let again = try await app.send(.POST, "/api/v1/knowledge/import?format=json", as: otherAdmin, json: json.body.string)
        // check: the second import updates every article and brings the synonyms
        XCTAssertEqual(again.status, .ok, again.body.string)
        let result = try again.content.decode(ImportResultDTO.self)
        XCTAssertEqual(result.created, 0)
        XCTAssertEqual(result.updated, total)
        let settings = try await KnowledgeStore.settings(accountID: other.account.id!, now: Date(), on: app.db)
        XCTAssertTrue(settings.synonyms.contains("退钱"), settings.synonyms)
        let exported = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "exchange").first()
        let copied = try await Article.query(on: app.db).filter(\.$accountID == other.account.id!).filter(\.$slug == "exchange").first()
        XCTAssertEqual(copied?.body, exported?.body)
        XCTAssertEqual(copied?.related, exported?.related)
        // act: bad files
        let badCSV = "slug,title,body\nok-one,问题,答案\nbad-two,,答案\n"
        let refusedCSV = try await app.send(.POST, "/api/v1/knowledge/import?format=csv", as: otherAdmin,
                                            bytes: Array(badCSV.utf8), contentType: HTTPMediaType(type: "text", subType: "csv"))
        let refusedJSON = try await app.send(.POST, "/api/v1/knowledge/import?format=json", as: otherAdmin,
                                             json: #"{"articles":[{"id":"x-1","title":"问题","body":"答案","related":["missing"]}]}"#)
        let refusedFormat = try await app.send(.POST, "/api/v1/knowledge/import?format=xml", as: otherAdmin, json: "{}")
        let refusedEmpty = try await app.send(.POST, "/api/v1/knowledge/import?format=json", as: otherAdmin)
        // check: clear errors naming the line or article; nothing stored
        XCTAssertEqual(refusedCSV.status, .badRequest)
        XCTAssertTrue(refusedCSV.body.string.contains("3"), refusedCSV.body.string)
        XCTAssertEqual(refusedJSON.status, .badRequest)
        XCTAssertTrue(refusedJSON.body.string.contains("missing"), refusedJSON.body.string)
        XCTAssertEqual(refusedFormat.status, .badRequest)
        XCTAssertEqual(refusedEmpty.status, .badRequest)
        let count = try await Article.query(on: app.db).filter(\.$accountID == other.account.id!).count()
        XCTAssertEqual(count, total)
    }

    func testSettingsChangeTheHelpCentreAddressAndSynonymsReachSearch() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let other = try await TestShop.create(app, name: "Other")
        _ = try await KnowledgeFixture.article(app, shop: shop, slug: "refund", title: "退款多久到账", body: "原路退回，1-3 个工作日。")
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        let otherAdmin = try await Credentials.session(for: other.admin, on: app.db)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        func topSlug() async throws -> String? {
            let response = try await app.send(.GET, "/api/v1/knowledge/search?q=%E8%BF%94%E7%8E%B0", as: agent)  // 返现
            return try response.content.decode(KnowledgeSearchDTO.self).items.first?.slug
        }
        do { let value = try await topSlug(); XCTAssertNil(value) }
        // act
        let saved = try await app.send(.PUT, "/api/v1/knowledge/settings", as: admin, json: #"{"helpSlug":"my-shop","synonyms":["返现 => 退款"]}"#)
        let clash = try await app.send(.PUT, "/api/v1/knowledge/settings", as: otherAdmin, json: #"{"helpSlug":"my-shop"}"#)
        let bad = try await app.send(.PUT, "/api/v1/knowledge/settings", as: admin, json: #"{"helpSlug":"My Shop"}"#)
        // check
        XCTAssertEqual(saved.status, .ok, saved.body.string)
        XCTAssertEqual(try saved.content.decode(KnowledgeSettingsDTO.self).helpUrl, "/help/my-shop")
        XCTAssertEqual(clash.status, .conflict)
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.errorField, "helpSlug")
        do { let value = try await topSlug(); XCTAssertEqual(value, "refund") }
        let page = try await app.send(.GET, "/help/my-shop")
        XCTAssertEqual(page.status, .ok)
    }

    func testSearchFollowsEveryKindOfEdit() async throws {
        // setup: a warm index
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        try await KnowledgeFixture.demoFAQ(app, shop: shop)
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        func slugs(_ q: String) async throws -> [String] {
            let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
            let response = try await app.send(.GET, "/api/v1/knowledge/search?q=\(encoded)", as: admin)
            return try response.content.decode(KnowledgeSearchDTO.self).items.map(\.slug)
        }
        do { let value = try await slugs("发票"); XCTAssertEqual(value.first, "invoice-how") }
        let invoice = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "invoice-how").first()!
        let washing = try await Article.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$slug == "washing").first()!
        // act & check: new wording is found, the old is not
        _ = try await app.send(.PATCH, "/api/v1/knowledge/articles/\(washing.id!)", as: admin, json: #"{"title":"羽绒服可以机洗吗？"}"#)
        do { let value = try await slugs("羽绒服机洗"); XCTAssertEqual(value.first, "washing") }
        // a new slug replaces the old one
        _ = try await app.send(.PATCH, "/api/v1/knowledge/articles/\(invoice.id!)", as: admin, json: #"{"slug":"invoices"}"#)
        do { let value = try await slugs("发票"); XCTAssertEqual(value.first, "invoices"); XCTAssertFalse(value.contains("invoice-how")) }
        // unpublished and deleted articles disappear; a new one appears
        _ = try await app.send(.PATCH, "/api/v1/knowledge/articles/\(invoice.id!)", as: admin, json: #"{"status":"draft"}"#)
        do { let value = try await slugs("发票"); XCTAssertFalse(value.contains("invoices")) }
        _ = try await app.send(.DELETE, "/api/v1/knowledge/articles/\(washing.id!)", as: admin)
        do { let value = try await slugs("羽绒服机洗"); XCTAssertFalse(value.contains("washing")) }
        _ = try await app.send(.POST, "/api/v1/knowledge/articles", as: admin, json: #"{"title":"可以用数字人民币付款吗？","body":"可以。","slug":"e-cny"}"#)
        do { let value = try await slugs("数字人民币"); XCTAssertEqual(value.first, "e-cny") }
    }
}
