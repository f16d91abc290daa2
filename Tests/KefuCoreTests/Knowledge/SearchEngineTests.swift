import KefuCore
import XCTest

final class SearchRankingTests: XCTestCase {
    /// Filler articles so that IDF behaves as in a real FAQ.
    func background(_ n: Int = 8) -> [SearchDocument] {
        (0..<n).map { i in
            SearchDocument(id: "bg\(i)", title: "店铺公告第\(i)期", body: "本店商品均为正品，欢迎选购。活动期间下单有礼，详情见首页。")
        }
    }

    func ids(_ hits: [SearchHit]) -> [String] { hits.map(\.id) }

    func testATitleMatchOutranksTheSameWordInTheBody() {
        // setup
        let engine = SearchEngine(documents: background() + [
            SearchDocument(id: "body", title: "售后说明", body: "如需开具发票请联系客服，我们会尽快处理您的请求。"),
            SearchDocument(id: "title", title: "发票说明", body: "如需开具请联系客服，我们会尽快处理您的请求。"),
        ])

        // act
        let hits = engine.search("发票")

        // check
        XCTAssertEqual(ids(hits), ["title", "body"])
    }

    func testARareTermWeighsMoreThanACommonOne() {
        // setup: 退货 is in every article, 运费险 in one.
        var docs = (0..<6).map { SearchDocument(id: "r\($0)", title: "退货说明\($0)", body: "退货需要在七天内申请。") }
        docs.append(SearchDocument(id: "insurance", title: "保险说明", body: "运费险可以理赔。"))
        let engine = SearchEngine(documents: docs)

        // act
        let hits = engine.search("退货 运费险")

        // check
        XCTAssertEqual(hits.first?.id, "insurance")
    }

    func testShorterArticlesWinAtEqualTermFrequency() {
        // setup
        let filler = String(repeating: "本店支持多种支付方式并提供完善的售后服务。", count: 12)
        let engine = SearchEngine(documents: background() + [
            SearchDocument(id: "long", title: "说明", body: "礼品卡可以绑定使用。" + filler),
            SearchDocument(id: "short", title: "说明", body: "礼品卡可以绑定使用。"),
        ])

        // act
        let hits = engine.search("礼品卡")

        // check
        XCTAssertEqual(Array(ids(hits).prefix(2)), ["short", "long"])
        XCTAssertGreaterThan(hits[0].score, hits[1].score)
    }

    func testSynonymsFindTheCanonicalWordOneWay() {
        // setup
        let docs = background() + [SearchDocument(id: "refund", title: "退款多久到账", body: "退款原路退回。")]
        let engine = SearchEngine(documents: docs, synonyms: Synonyms.parse("退钱 => 退款"))
        let plain = SearchEngine(documents: docs)

        // act
        let withSynonyms = engine.search("退钱")
        let without = plain.search("退钱")

        // check
        XCTAssertEqual(withSynonyms.first?.id, "refund")
        XCTAssertGreaterThan(withSynonyms[0].score, 3 * (without.first?.score ?? 0), "without the rule only the character 退 matches")
        XCTAssertGreaterThan(withSynonyms[0].coverage, 0.9)
        XCTAssertEqual(engine.queryTerms("退钱").filter(\.isExpansion).map(\.text).sorted(), ["款", "退款"])
        XCTAssertEqual(engine.queryTerms("退钱").first { $0.text == "退款" }?.weight ?? 0, 0.8, accuracy: 1e-9)
    }

    func testASynonymGroupCountsOnceNotOncePerMember() {
        // setup: "all" mentions every member of the group, "one" the typed word only, in its title.
        let engine = SearchEngine(
            documents: background() + [
                SearchDocument(id: "all", title: "配送说明", body: "快递、物流和包裹的问题请咨询客服。"),
                SearchDocument(id: "one", title: "快递说明", body: "问题请咨询客服。"),
            ],
            synonyms: Synonyms.parse("快递, 物流, 包裹"))

        // act
        let hits = engine.search("快递")

        // check
        XCTAssertEqual(ids(hits), ["one", "all"], "three synonyms in a body do not beat the word in a title")
    }

    func testPopularityOnlyBreaksTies() {
        // setup
        let engine = SearchEngine(documents: background() + [
            SearchDocument(id: "a-unpopular", title: "开发票", body: "电子发票发到邮箱。", popularity: 0),
            SearchDocument(id: "b-popular", title: "开发票", body: "电子发票发到邮箱。", popularity: 1),
            SearchDocument(id: "c-weak-but-hot", title: "售后", body: "很多问题的说明，包括发票在内的各种事项，以及更多其他说明内容。", popularity: 1),
        ])

        // act
        let hits = engine.search("发票")

        // check
        XCTAssertEqual(ids(hits), ["b-popular", "a-unpopular", "c-weak-but-hot"])
        XCTAssertEqual(hits[0].score / hits[1].score, 1.1, accuracy: 1e-9, "α = 0.1 at popularity 1")
    }

    func testEqualScoresAreOrderedById() {
        // setup
        let docs = ["c", "a", "b"].map { SearchDocument(id: $0, title: "发票", body: "说明") }
        let engine = SearchEngine(documents: background() + docs)

        // act, check
        XCTAssertEqual(ids(engine.search("发票")), ["a", "b", "c"])
    }

    func testLocaleFilterAndPreference() {
        // setup
        let engine = SearchEngine(documents: [
            SearchDocument(id: "zh", title: "退款 refund", body: "退款说明", locale: "zh-CN"),
            SearchDocument(id: "en", title: "Refund", body: "Refunds take 3 days", locale: "en"),
            SearchDocument(id: "tw", title: "退款 refund", body: "退款說明", locale: "zh-TW"),
        ])

        // act
        let only = engine.search("refund", locale: .only("en-US"))
        let prefer = engine.search("refund", locale: .prefer("zh-TW"))

        // check
        XCTAssertEqual(ids(only), ["en"])
        XCTAssertEqual(Set(ids(prefer).prefix(2)), ["zh", "tw"], "zh-TW prefers both Chinese articles")
        XCTAssertEqual(engine.search("refund").count, 3)
    }

    func testEmptyStopWordOnlyAndHugeQueries() {
        // setup
        let engine = SearchEngine(documents: background() + [SearchDocument(id: "x", title: "退货", body: "七天无理由退货")])
        let huge = String(repeating: "退货运费谁出？", count: 1_500)

        // act
        let empty = engine.search("")
        let fillers = engine.search("亲，在吗？？😀")
        let big = engine.search(huge)

        // check
        XCTAssertTrue(empty.isEmpty)
        XCTAssertTrue(fillers.isEmpty)
        XCTAssertEqual(big.first?.id, "x")
        XCTAssertLessThanOrEqual(engine.queryTerms(huge).count, SearchParameters().maxQueryTerms)
        XCTAssertTrue(engine.search("退货", limit: 0).isEmpty)
        XCTAssertTrue(SearchEngine().search("退货").isEmpty)
    }

    func testExplainShowsTheTermsThatScored() throws {
        // setup
        let engine = SearchEngine(documents: background() + [SearchDocument(id: "x", title: "发票说明", body: "电子发票", tags: ["发票"])])

        // act
        let explanation = try XCTUnwrap(engine.explain("发票", id: "x"))

        // check
        let part = try XCTUnwrap(explanation.parts.first { $0.term == "发票" })
        XCTAssertEqual(part.frequencies, [1, 1, 1, 0])
        XCTAssertGreaterThan(explanation.score, 0)
        XCTAssertNil(engine.explain("发票", id: "missing"))
    }
}

final class SearchIndexUpdateTests: XCTestCase {
    func testAddUpdateAndRemoveAreIncremental() {
        // setup
        var engine = SearchEngine(documents: [
            SearchDocument(id: "a", title: "发票", body: "电子发票"),
            SearchDocument(id: "b", title: "退货", body: "七天无理由退货"),
        ])

        // act: add
        engine.upsert(SearchDocument(id: "c", title: "积分", body: "积分抵现"))
        // check
        XCTAssertEqual(engine.count, 3)
        XCTAssertEqual(engine.search("积分").first?.id, "c")

        // act: update replaces the old text
        engine.upsert(SearchDocument(id: "a", title: "礼品卡", body: "礼品卡绑定"))
        // check
        XCTAssertEqual(engine.count, 3)
        XCTAssertTrue(engine.search("发票").isEmpty, "old terms are gone")
        XCTAssertEqual(engine.search("礼品卡").first?.id, "a")

        // act: remove
        XCTAssertTrue(engine.remove(id: "b"))
        XCTAssertFalse(engine.remove(id: "b"))
        // check
        XCTAssertEqual(engine.count, 2)
        XCTAssertTrue(engine.search("退货").isEmpty)
        XCTAssertEqual(engine.index.ids, ["a", "c"])
    }

    func testAnIndexBuiltIncrementallyRanksLikeOneBuiltAtOnce() {
        // setup
        let docs = (0..<30).map { i in
            SearchDocument(id: "d\(i)", title: i % 3 == 0 ? "退货运费说明\(i)" : "发票说明\(i)",
                           body: String(repeating: i % 2 == 0 ? "退款到账时间。" : "物流查询方式。", count: 1 + i % 4))
        }
        let direct = SearchEngine(documents: docs)
        var churned = SearchEngine(documents: docs.map { SearchDocument(id: $0.id, title: "旧标题", body: "旧内容") })

        // act: replace everything, remove and re-add a few, in another order
        for doc in docs.reversed() { churned.upsert(doc) }
        for doc in docs.prefix(5) { churned.remove(id: doc.id) }
        for doc in docs.prefix(5) { churned.upsert(doc) }

        // check
        for query in ["退货", "退款到账", "物流", "发票说明"] {
            let a = direct.search(query, limit: 30)
            let b = churned.search(query, limit: 30)
            XCTAssertEqual(a.map(\.id), b.map(\.id), query)
            for (x, y) in zip(a, b) { XCTAssertEqual(x.score, y.score, accuracy: 1e-9) }
        }
    }

    func testPopularityCanChangeWithoutReindexing() {
        // setup
        var engine = SearchEngine(documents: [
            SearchDocument(id: "a", title: "发票", body: "电子发票", popularity: 1),
            SearchDocument(id: "b", title: "发票", body: "电子发票", popularity: 0),
        ])
        XCTAssertEqual(engine.search("发票").map(\.id), ["a", "b"])

        // act
        engine.setPopularity(id: "a", 0)
        engine.setPopularity(id: "b", 1)

        // check
        XCTAssertEqual(engine.search("发票").map(\.id), ["b", "a"])
        XCTAssertFalse(engine.setPopularity(id: "missing", 1))
    }

    func testRemovingEverythingLeavesAnEmptyIndexThatStillWorks() {
        // setup
        var engine = SearchEngine(documents: [SearchDocument(id: "a", title: "发票", body: "电子发票")])

        // act
        engine.remove(id: "a")
        let afterRemove = engine.search("发票")
        engine.upsert(SearchDocument(id: "b", title: "发票", body: "纸质发票"))

        // check
        XCTAssertTrue(afterRemove.isEmpty)
        XCTAssertEqual(engine.search("发票").map(\.id), ["b"])
    }
}

final class SnippetTests: XCTestCase {
    let body = "本店支持多种支付方式，包括微信支付、支付宝和银行卡。订单满 99 元包邮，偏远地区除外。退款審核通過後原路退回，微信和支付寶 1–3 個工作日到賬，銀行卡 3–7 個工作日。如有疑問請聯繫客服。"

    func testTheSnippetIsShortAndAroundTheBestTermInTheOriginalText() throws {
        // setup
        let longer = body + "客服工作时间为每天九点到二十三点，节假日照常，欢迎随时咨询我们的在线客服人员，我们会尽快回复。"
        let engine = SearchEngine(documents: [
            SearchDocument(id: "x", title: "常见问题", body: longer),
            SearchDocument(id: "y", title: "其他", body: "无关内容。"),
        ])

        // act
        let hit = try XCTUnwrap(engine.search("退款多久到账").first)

        // check
        XCTAssertLessThanOrEqual(hit.snippet.count, 80)
        XCTAssertTrue(hit.snippet.hasPrefix("…退款審核"), hit.snippet)
        XCTAssertTrue(hit.snippet.contains("到賬"), "original traditional characters, not the folded ones")
        XCTAssertTrue(hit.snippet.hasSuffix("…"))
    }

    func testShortBodiesAreWholeAndMarkdownIsRemoved() throws {
        // setup
        let engine = SearchEngine(documents: [
            SearchDocument(id: "x", title: "发票", body: "**电子发票**会发到[邮箱](https://example.com)。\n- 可补开\n- `3` 个工作日内"),
        ])

        // act
        let hit = try XCTUnwrap(engine.search("发票").first)

        // check
        XCTAssertEqual(hit.snippet, "电子发票会发到邮箱。 可补开 3 个工作日内")
    }

    func testWithoutAMatchInTheBodyTheSnippetIsTheBeginning() {
        // setup
        let tokenizer = Tokenizer()

        // act
        let snippet = Snippet.make(body, termValue: ["不存在": 1], tokenizer: tokenizer, length: 20)

        // check
        XCTAssertEqual(snippet, String(body.prefix(19)) + "…")
        XCTAssertEqual(snippet.count, 20)
    }

    func testEveryLengthLimitIsKept() {
        // setup
        let tokenizer = Tokenizer()
        let terms = ["到账": 5.0, "客服": 1.0]

        // act, check
        for length in [10, 20, 40, 80, 120] {
            let snippet = Snippet.make(body, termValue: terms, tokenizer: tokenizer, length: length)
            XCTAssertLessThanOrEqual(snippet.count, length, "\(length): \(snippet)")
            XCTAssertTrue(snippet.contains("到賬") || length < 12, "\(length): \(snippet)")
        }
    }
}

final class MarkdownTextTests: XCTestCase {
    func testMarkupIsRemovedAndWordsKept() {
        // setup
        let markdown = """
        # 标题
        > 引用 **加粗** _斜体_ snake_case
        1. 第一步 ![图](a.png)
        2. 第二步 <b>html</b>
        | 表 | 格 |
        """

        // act
        let plain = MarkdownText.plain(markdown)

        // check
        XCTAssertEqual(plain, "标题 引用 加粗 斜体 snake_case 第一步 图 第二步 html 表 格")
    }
}

final class ConfidencePolicyTests: XCTestCase {
    func hit(_ id: String, _ score: Double, _ coverage: Double) -> SearchHit {
        SearchHit(id: id, title: id, score: score, snippet: "", coverage: coverage)
    }

    func testTheRule() {
        // setup
        let policy = ConfidencePolicy()

        // act, check
        XCTAssertEqual(policy.decide([]), .noAnswer)
        XCTAssertEqual(policy.decide([hit("a", 9, 0.1)]), .noAnswer, "low coverage")
        XCTAssertEqual(policy.decide([hit("a", 9, 0.8), hit("b", 3, 0.5)]), .answer(hit("a", 9, 0.8)), "covered and clear")
        XCTAssertEqual(policy.decide([hit("a", 9, 0.8)]), .answer(hit("a", 9, 0.8)), "a single hit has an infinite margin")
        XCTAssertEqual(
            policy.decide([hit("a", 9, 0.8), hit("b", 8, 0.7), hit("c", 7, 0.6), hit("d", 6, 0.6)]),
            .suggest([hit("a", 9, 0.8), hit("b", 8, 0.7), hit("c", 7, 0.6)]), "too close to the second: offer three")
        XCTAssertEqual(
            policy.decide([hit("a", 9, 0.3), hit("b", 2, 0.1)]),
            .suggest([hit("a", 9, 0.3)]), "half-covered: suggest, without the weak ones")
    }

    func testAQuestionThatIsAnArticlesTitleIsAnswered() {
        // setup: two close hits, the second is the question's own title (a tapped hot question)
        let policy = ConfidencePolicy()
        let hits = [SearchHit(id: "a", title: "哪些商品不能退？", score: 9, snippet: "", coverage: 1),
                    SearchHit(id: "b", title: "支持七天无理由退货吗？", score: 8.5, snippet: "", coverage: 1)]
        // act, check: punctuation, width and script do not matter; other wording falls back to the rule
        XCTAssertEqual(policy.decide(hits, question: "支持七天无理由退货吗"), .answer(hits[1]))
        XCTAssertEqual(policy.decide(hits, question: " 支持七天無理由退貨嗎? "), .answer(hits[1]))
        XCTAssertEqual(policy.decide(hits, question: "七天无理由"), .suggest(hits))
        XCTAssertEqual(policy.decide(hits, question: "？？"), .suggest(hits))
    }
}

final class FAQCatalogTests: XCTestCase {
    func testTheDemoCatalogIsCompleteAndConsistent() throws {
        // setup, act
        let catalog = try KnowledgeFixtures.demoCatalog()
        let ids = catalog.articles.map(\.id)

        // check
        XCTAssertGreaterThanOrEqual(catalog.articles.count, 40)
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique")
        XCTAssertGreaterThanOrEqual(catalog.articles.filter { $0.locale == "zh-CN" }.count, 40)
        XCTAssertGreaterThanOrEqual(catalog.articles.filter { $0.locale == "en" }.count, 2)
        XCTAssertGreaterThanOrEqual(catalog.articles.filter { $0.locale == "ko" }.count, 2)
        for article in catalog.articles {
            XCTAssertTrue(article.category.contains("/"), "\(article.id): category path")
            XCTAssertFalse(article.tags.isEmpty, article.id)
            XCTAssertTrue(article.related.allSatisfy(ids.contains), "\(article.id): related ids exist")
            XCTAssertGreaterThan(article.views, 0, article.id)
        }
        let documents = catalog.searchDocuments
        XCTAssertTrue(documents.allSatisfy { (0...1).contains($0.popularity) })
        XCTAssertEqual(documents.max { $0.popularity < $1.popularity }?.id, "return-7day")
        XCTAssertFalse(catalog.parsedSynonyms.rules.isEmpty)
    }

    func testHotnessIsLogScaledAndBounded() {
        // setup, act, check
        XCTAssertEqual(Hotness.popularity(views: 100, helpful: 10, maxViews: 100, maxHelpful: 10), 1, accuracy: 1e-9)
        XCTAssertEqual(Hotness.popularity(views: 0, helpful: 0, maxViews: 100, maxHelpful: 10), 0)
        XCTAssertGreaterThan(Hotness.popularity(views: 10, helpful: 0, maxViews: 10_000, maxHelpful: 0), 0.15, "log scale: 10 of 10,000 views still counts")
        XCTAssertEqual(Hotness.popularity(views: 5, helpful: 5, maxViews: 0, maxHelpful: 0), 0)
    }
}
