import KefuCore
import XCTest

final class TokenizerTests: XCTestCase {
    let tokenizer = Tokenizer(cjkExtraUnigrams: false)

    func main(_ text: String, _ t: Tokenizer? = nil) -> [String] {
        (t ?? tokenizer).tokens(text).filter { $0.kind != .extraUnigram }.map(\.text)
    }

    func testSimplifiedChineseBecomesOverlappingBigrams() {
        // setup, act
        let terms = main("退货运费")

        // check
        XCTAssertEqual(terms, ["退货", "货运", "运费"])
        XCTAssertEqual(main("退货"), ["退货"], "a two-character query is one bigram")
        XCTAssertEqual(main("换"), ["换"], "a one-character run is a unigram")
    }

    func testFillersAreDroppedAtTokenLevelButWordsStay() {
        // setup
        let sentence = "亲，我买的衣服尺码不合适可以换吗"

        // act
        let terms = main(sentence)

        // check
        XCTAssertEqual(terms, ["买", "衣服", "服尺", "尺码", "码不", "不合", "合适", "可以", "换"])
        XCTAssertFalse(terms.contains { $0.contains("亲") || $0.contains("吗") || $0.contains("我") || $0.contains("的") })
        XCTAssertEqual(main("请问您好退货了吗"), ["退货"], "filler phrases are cut, particles dropped")
        XCTAssertEqual(main("了解亲肤面料"), ["了解", "亲肤", "肤面", "面料"], "protected words keep their filler characters")
        XCTAssertEqual(main("我想退货"), ["退货"])
    }

    func testQuestionWordsAreTokensOfTheirOwnAndFormNoBigramsWithNeighbours() {
        // setup
        let tokens = tokenizer.tokens("退钱要多久")

        // act
        let function = tokens.filter { $0.kind == .function }.map(\.text)
        let other = tokens.filter { $0.kind != .function }.map(\.text)

        // check
        XCTAssertEqual(function, ["多久"])
        XCTAssertEqual(other, ["退钱", "钱要"], "no 要多 across the question word")
        XCTAssertEqual(main("红包怎么用"), ["红包", "怎么", "用"])
    }

    func testExtraUnigramsAreOptionalAndMarked() {
        // setup
        let withExtras = Tokenizer(cjkExtraUnigrams: true)

        // act
        let tokens = withExtras.tokens("退货")

        // check
        XCTAssertEqual(tokens.map(\.text), ["退", "退货", "货"])
        XCTAssertEqual(tokens.map(\.kind), [.extraUnigram, .bigram, .extraUnigram])
    }

    func testTraditionalAndSimplifiedGiveTheSameTerms() {
        // setup, act, check
        XCTAssertEqual(main("請問退貨運費誰出"), main("请问退货运费谁出"))
        XCTAssertEqual(main("尺碼不合適可以換嗎"), main("尺码不合适可以换吗"))
    }

    func testEnglishWordsAreLowercasedStemmedAndStopWordsDropped() {
        // setup, act
        let terms = main("How long does REFUND take? Shipping FEES!")

        // check
        XCTAssertEqual(terms, ["long", "refund", "tak", "ship", "fee"])
        XCTAssertEqual(main("ＲＥＦＵＮＤＳ"), ["refund"], "full-width and plural fold too")
    }

    func testKoreanGivesWholeWordsAndBigrams() {
        // setup
        let tokens = tokenizer.tokens("환불은 언제 되나요")

        // act
        let words = tokens.filter { $0.kind == .word }.map(\.text)
        let bigrams = tokens.filter { $0.kind == .bigram }.map(\.text)

        // check
        XCTAssertEqual(words, ["환불은", "언제", "되나요"])
        XCTAssertEqual(bigrams, ["환불", "불은", "되나", "나요"])
        XCTAssertTrue(main("환불기간").contains("환불"), "a compound written without spaces still yields its parts")
    }

    func testMixedScriptsSplitIntoRuns() {
        // setup, act
        let tokens = tokenizer.tokens("ＸＬ码有货吗 iPhone15 退货")

        // check
        XCTAssertEqual(tokens.map(\.text), ["xl", "码有", "有货", "iphone15", "退货"])
        XCTAssertEqual(tokens.first?.range, 0..<2, "ranges are positions in the normalised text")
    }

    func testTokenisationIsDeterministic() {
        // setup
        let text = "亲，七天无理由退货吗？Returns within 7 days. 환불은 언제 되나요"

        // act
        let runs = (0..<5).map { _ in Tokenizer().tokens(text) }

        // check
        for run in runs { XCTAssertEqual(run, runs[0]) }
    }
}
