import Foundation
import KefuCore
import XCTest

final class QuickPhraseRankingTests: XCTestCase {
    let day = Date(timeIntervalSince1970: 1_790_000_000)

    func ids(_ phrases: [PhraseCandidate], _ query: String, limit: Int = 10) -> [String] {
        QuickPhraseRanking.rank(phrases, query: query, limit: limit).map(\.id)
    }

    func testWithoutAQueryTheMostUsedComeFirstThenTheMostRecent() {
        // setup
        let phrases = [
            PhraseCandidate(id: "a", text: "a", usageCount: 3, lastUsedAt: day),
            PhraseCandidate(id: "b", text: "b", usageCount: 9, lastUsedAt: nil),
            PhraseCandidate(id: "c", text: "c", usageCount: 3, lastUsedAt: day.addingTimeInterval(60)),
            PhraseCandidate(id: "d", text: "d", usageCount: 3, lastUsedAt: nil),
            PhraseCandidate(id: "e", text: "e", usageCount: 3, lastUsedAt: nil),
        ]

        // act, check
        XCTAssertEqual(ids(phrases, ""), ["b", "c", "a", "d", "e"])
        XCTAssertEqual(ids(phrases, "  ！ "), ["b", "c", "a", "d", "e"], "a query of only punctuation is no query")
        XCTAssertEqual(ids(phrases, "", limit: 2), ["b", "c"])
        XCTAssertEqual(ids(phrases, "", limit: 0), [])
    }

    func testShortcutExactThenShortcutPrefixThenTextThenCategory() {
        // setup
        let phrases = [
            PhraseCandidate(id: "text", shortcut: "bye", text: "Thanks for waiting", usageCount: 50),
            PhraseCandidate(id: "prefix", shortcut: "thanks", text: "非常感谢", usageCount: 1),
            PhraseCandidate(id: "exact", shortcut: "thank", text: "谢谢您", usageCount: 0),
            PhraseCandidate(id: "category", shortcut: "", text: "祝您生活愉快", category: "Thanks", usageCount: 99),
            PhraseCandidate(id: "other", shortcut: "addr", text: "退货地址如下", usageCount: 100),
        ]

        // act, check
        XCTAssertEqual(ids(phrases, "thank"), ["exact", "prefix", "category", "text"], "by tier, then by usage within a tier")
        XCTAssertEqual(ids(phrases, "/THANK"), ["exact", "prefix", "category", "text"], "a leading slash and case are folded")
        XCTAssertEqual(ids(phrases, "ｔｈａｎｋｓ"), ["prefix", "category", "text"], "full width")
        XCTAssertEqual(ids(phrases, "thank", limit: 1), ["exact"])
        XCTAssertEqual(ids(phrases, "nothing"), [])
    }

    func testChineseQueriesFoldScriptAndWidth() {
        // setup
        let phrases = [
            PhraseCandidate(id: "fee", text: "退货运费由我们承担", usageCount: 2),
            PhraseCandidate(id: "xl", text: "ＸＬ码明天到货", usageCount: 1),
        ]

        // act, check
        XCTAssertEqual(ids(phrases, "運費"), ["fee"])
        XCTAssertEqual(ids(phrases, "xl碼"), ["xl"])
    }

    func testAMultiCharacterChineseQueryMayBeScatteredOverTheText() {
        // setup
        let phrases = [
            PhraseCandidate(id: "together", text: "这是退货地址：上海市", usageCount: 1),
            PhraseCandidate(id: "scattered", text: "退货请寄到以下地址", usageCount: 50),
            PhraseCandidate(id: "reordered", text: "地址在下面，退货前请联系我们", usageCount: 10),
            PhraseCandidate(id: "half", text: "退货请联系我们", usageCount: 100),
            PhraseCandidate(id: "mixed", text: "VIP 客户 退货 免运费", usageCount: 0),
        ]

        // act, check
        XCTAssertEqual(ids(phrases, "退货地址"), ["together", "scattered", "reordered"],
                       "contiguous first; then every character in a bigram that occurs; not only half the query")
        XCTAssertEqual(ids(phrases, "退地"), [], "a two-character query must occur as it is")
        XCTAssertEqual(ids(phrases, "vip 退货"), ["mixed"], "every part of a spaced query")
        XCTAssertEqual(ids(phrases, "vip 换货"), [])
    }

    func testProposerGroupsRepeatedRepliesByNormalisedText() {
        // setup
        let replies = [
            "好的，请您稍等一下～", "好的 请您稍等一下", "好的，请您稍等一下～", "好的，请您稍等一下😊",
            "Thanks for waiting!", "thanks for waiting", "THANKS  for waiting.",
            "好的", "好的", "好的", "ok!", "ok", "ok",
            "亲，在的", "亲，在的", "亲，在的", "親，在的",
            "您的订单已发货", "您的订单已发货。", "您的訂單已發貨",
            "请提供订单号", "请提供订单号",
        ]

        // act
        let proposals = PhraseProposer.propose(replies, existing: ["您的訂單已發貨！"])

        // check
        XCTAssertEqual(proposals.map(\.text), ["好的，请您稍等一下～", "Thanks for waiting!"],
                       "most frequent first; shown as most often typed; too short, already a phrase, or typed twice are left out")
        XCTAssertEqual(proposals.map(\.count), [4, 3])
    }

    func testProposerOrdersTiesByRecencyAndRespectsTheLimits() {
        // setup
        let replies = ["first reply text", "second reply text", "first reply text", "second reply text",
                       "  second\nreply   text ", String(repeating: "长", count: 2001), String(repeating: "长", count: 2001)]

        // act
        let all = PhraseProposer.propose(replies, existing: [], minimumCount: 2)
        let one = PhraseProposer.propose(replies, existing: [], minimumCount: 2, limit: 1)
        let none = PhraseProposer.propose(replies, existing: [], limit: 0)

        // check
        XCTAssertEqual(all.map(\.text), ["second reply text", "first reply text"], "whitespace collapsed; too long to be a phrase left out")
        XCTAssertEqual(all.map(\.count), [3, 2])
        XCTAssertEqual(one.map(\.text), ["second reply text"])
        XCTAssertTrue(none.isEmpty)
        XCTAssertEqual(PhraseProposer.propose(["abcd", "efgh", "abcd", "efgh"], existing: [], minimumCount: 2).map(\.text), ["efgh", "abcd"],
                       "equal counts: the one typed most recently first")
    }
}
