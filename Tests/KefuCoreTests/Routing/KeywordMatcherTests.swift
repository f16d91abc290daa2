import Foundation
import KefuCore
import XCTest

final class KeywordMatcherTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// The id of the rule that answers `text`, or nil.
    func answer(_ rules: [KeywordRuleSpec], _ text: String, locale: String? = nil, lastFired: [String: Date] = [:]) -> String? {
        KeywordMatcher(rules: rules).match(text, locale: locale, lastFired: lastFired, now: now)?.id
    }

    func rule(_ id: String, _ keywords: [String], _ match: KeywordMatch = .contains, locale: String? = nil, priority: Int = 0, cooldown: Int = 600) -> KeywordRuleSpec {
        KeywordRuleSpec(id: id, keywords: keywords, match: match, locale: locale, priority: priority, cooldownSeconds: cooldown)
    }

    func testMatchParsesTheRuleValues() {
        // setup, act, check
        XCTAssertEqual(try KeywordMatch.parse("word"), .word)
        XCTAssertThrowsError(try KeywordMatch.parse("regex")) { error in
            XCTAssertEqual((error as? DomainError)?.field, "match")
        }
    }

    func testTraditionalChineseFoldsToSimplifiedOnBothSides() {
        // setup
        let rules = [rule("return", ["退货"]), rule("invoice", ["發票"], .word)]

        // act, check
        XCTAssertEqual(answer(rules, "我想退貨"), "return")
        XCTAssertEqual(answer(rules, "我想退货，怎么办？"), "return")
        XCTAssertEqual(answer(rules, "可以开发票吗"), "invoice", "a traditional keyword matches simplified text; Han words match like contains")
        XCTAssertNil(answer(rules, "我想换货"))
    }

    func testFullWidthAndCaseAreFolded() {
        // setup
        let rules = [rule("vip", ["ＶＩＰ"]), rule("refund", ["Refund"], .word)]

        // act, check
        XCTAssertEqual(answer(rules, "我是vip会员"), "vip")
        XCTAssertEqual(answer(rules, "ＶＩＰ折扣"), "vip")
        XCTAssertEqual(answer(rules, "REFUND please"), "refund")
        XCTAssertEqual(answer(rules, "ｒｅｆｕｎｄ？"), "refund")
        XCTAssertEqual(answer(rules, "我要refund"), "refund", "Han next to a Latin word is a boundary")
    }

    func testWordMatchesWholeLatinWordsOnly() {
        // setup
        let word = [rule("ship", ["ship"], .word)]
        let contains = [rule("ship", ["ship"], .contains)]

        // act, check
        XCTAssertNil(answer(word, "Do you offer free shipping?"))
        XCTAssertNil(answer(word, "ship2 is late"), "digits continue a word")
        XCTAssertNil(answer(word, "relationship"))
        XCTAssertEqual(answer(word, "When do you ship?"), "ship")
        XCTAssertEqual(answer(word, "shipping or ship"), "ship", "a later whole-word occurrence counts")
        XCTAssertEqual(answer(word, "SHIP-TO address"), "ship", "punctuation is a boundary")
        XCTAssertEqual(answer(contains, "Do you offer free shipping?"), "ship")
        XCTAssertEqual(answer([rule("free", ["free shipping"], .word)], "FREE  shipping!!"), "free", "several words, spacing folded")
    }

    func testKoreanKeywordsMatchAtTheStartOfAWordWithParticlesAttached() {
        // setup
        let word = [rule("refund", ["환불"], .word)]
        let contains = [rule("refund", ["환불"], .contains)]

        // act, check
        XCTAssertEqual(answer(word, "환불은 언제 되나요?"), "refund", "particle attached")
        XCTAssertEqual(answer(word, "환불 가능한가요"), "refund")
        XCTAssertEqual(answer(word, "언제 환불해 주나요"), "refund")
        XCTAssertNil(answer(word, "전액환불 되나요"), "not at the start of a word")
        XCTAssertEqual(answer(contains, "전액환불 되나요"), "refund")
    }

    func testExactIgnoresWhitespaceAndPunctuation() {
        // setup
        let rules = [rule("hello", ["在吗？"], .exact), rule("hi", ["Hi there"], .exact)]

        // act, check
        XCTAssertEqual(answer(rules, "在吗"), "hello")
        XCTAssertEqual(answer(rules, "在嗎！！！"), "hello")
        XCTAssertEqual(answer(rules, " 在 吗 ~ "), "hello")
        XCTAssertNil(answer(rules, "在吗 我想退货"), "exact is the whole message")
        XCTAssertEqual(answer(rules, "hi, THERE!"), "hi")
        XCTAssertNil(answer(rules, "hi there friend"))
    }

    func testHighestPriorityWinsThenLongestKeywordThenId() {
        // setup
        let rules = [
            rule("b-shipping", ["运费"], priority: 1),
            rule("a-return", ["退货"], priority: 1),
            rule("return-shipping", ["退货运费", "运费险"], priority: 1),
            rule("urgent", ["投诉"], priority: 5),
        ]

        // act, check
        XCTAssertEqual(answer(rules, "退货运费谁出？我要投诉"), "urgent")
        XCTAssertEqual(answer(rules, "退货运费谁出"), "return-shipping", "the longest matched keyword")
        XCTAssertEqual(answer(rules, "退货要付运费吗"), "a-return", "same priority and length: smallest id")
        XCTAssertNil(answer([rule("emoji", ["😊！"])], "😊！"), "a keyword of only punctuation and emoji never matches")
    }

    func testARuleInCoolDownIsSkipped() {
        // setup
        let rules = [rule("high", ["退货"], priority: 2, cooldown: 600), rule("low", ["退货"], priority: 1, cooldown: 0)]

        // act, check
        XCTAssertEqual(answer(rules, "退货", lastFired: ["high": now.addingTimeInterval(-300)]), "low", "5 min into a 10 min cool-down")
        XCTAssertEqual(answer(rules, "退货", lastFired: ["high": now.addingTimeInterval(-600)]), "high", "the cool-down is over")
        XCTAssertEqual(answer(rules, "退货", lastFired: ["high": now.addingTimeInterval(-1), "low": now]), "low",
                       "a cool-down of 0 never silences a rule")
        XCTAssertNil(answer([rules[0]], "退货", lastFired: ["high": now.addingTimeInterval(-10)]))
    }

    func testLocaleRulesAnswerVisitorsOfThatLanguage() {
        // setup
        let rules = [
            rule("en", ["refund"], locale: "en"),
            rule("zh-CN", ["退货"], locale: "zh-CN"),
            rule("zh-TW", ["退貨"], locale: "zh-TW"),
            rule("ko", ["환불"], .word, locale: "ko"),
            rule("any", ["vip"]),
        ]

        // act, check
        XCTAssertEqual(answer(rules, "refund", locale: "en-US"), "en")
        XCTAssertNil(answer(rules, "refund", locale: "zh-CN"), "an English rule does not answer a Chinese visitor")
        XCTAssertEqual(answer(rules, "我想退货", locale: "zh-CN"), "zh-CN")
        XCTAssertEqual(answer(rules, "我想退貨", locale: "zh_TW"), "zh-TW", "the same tag beats the same language")
        XCTAssertEqual(answer(rules, "我想退货", locale: "zh-HK"), "zh-CN", "same language, both fit alike: smallest id")
        XCTAssertEqual(answer([rules[1]], "我想退貨", locale: "zh-TW"), "zh-CN", "zh-CN rules answer zh-TW visitors")
        XCTAssertEqual(answer(rules, "환불은요?", locale: "ko-KR"), "ko")
        XCTAssertEqual(answer(rules, "VIP", locale: "ko"), "any")
        XCTAssertEqual(answer(rules, "refund", locale: nil), "en", "unknown language: every rule may answer")
        XCTAssertEqual(answer(rules, "refund", locale: ""), "en")
    }
}
