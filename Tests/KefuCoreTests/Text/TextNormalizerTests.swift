import Foundation
import KefuCore
import XCTest

final class TextNormalizerTests: XCTestCase {
    let normalizer = TextNormalizer()

    func testFullWidthLettersDigitsAndPunctuationFoldToHalfWidth() {
        // setup
        let inputs = ["ＸＬ码有货吗", "７天无理由", "ＰａｙＰａｌ", "Ａ１２３！？"]

        // act
        let outputs = inputs.map(normalizer.normalize)

        // check
        XCTAssertEqual(outputs, ["xl码有货吗", "7天无理由", "paypal", "a123"])
    }

    func testCaseIsFoldedInEveryScriptWithCase() {
        // setup, act, check
        XCTAssertEqual(normalizer.normalize("How long does REFUND take"), "how long does refund take")
        XCTAssertEqual(normalizer.normalize("ÉTÉ Straße ΣΟΦΙΑ"), "été straße σοφια")
    }

    func testTraditionalChineseFoldsToSimplified() {
        // setup
        let traditional = "請問退貨運費誰出？發票怎麼開"

        // act
        let folded = normalizer.normalize(traditional)

        // check
        XCTAssertEqual(folded, "请问退货运费谁出 发票怎么开")
        XCTAssertEqual(normalizer.normalize("退货运费谁出"), "退货运费谁出", "simplified text is unchanged")
        XCTAssertEqual(TextNormalizer(foldTraditional: false).normalize("發票"), "發票")
    }

    func testPunctuationEmojiAndWhitespaceRunsBecomeOneSpace() {
        // setup
        let messy = "  亲～～退货😀😀！！\n\t【运费险】  (ok)  "

        // act
        let folded = normalizer.normalize(messy)

        // check
        XCTAssertEqual(folded, "亲 退货 运费险 ok")
    }

    func testKoreanIsKeptAsIs() {
        // setup, act, check
        XCTAssertEqual(normalizer.normalize("환불은 언제 되나요?"), "환불은 언제 되나요")
    }

    func testCompatibilityFormsAreDecomposed() {
        // setup, act, check
        XCTAssertEqual(normalizer.normalize("①号仓 5㎏"), "1号仓 5kg")
        XCTAssertEqual(normalizer.normalize("don't"), "dont", "apostrophes join words")
    }

    func testOffsetsPointBackIntoTheOriginalText() {
        // setup
        let original = "Ｈｉ，退貨😀OK"

        // act
        let (scalars, offsets) = normalizer.normalizeWithOffsets(original)

        // check
        let originalScalars = Array(original.unicodeScalars)
        XCTAssertEqual(scalars.count, offsets.count)
        XCTAssertEqual(String(String.UnicodeScalarView(scalars)), "hi 退货 ok")
        let k = scalars.firstIndex(of: "货")!
        XCTAssertEqual(originalScalars[offsets[k]], "貨", "the folded character maps to the original one")
        XCTAssertEqual(originalScalars[offsets[0]], "Ｈ")
    }

    func testTheBuiltInTableAgreesWithICUWhereICUIsAvailable() throws {
        // setup
        let table = ChineseScript.traditionalToSimplified
        let pairs = ChineseScript.fallbackPairs.flatMap { $0.split(separator: " ") }

        // act
        var disagreements: [String] = []
        for pair in pairs {
            let s = Array(pair.unicodeScalars)
            XCTAssertEqual(s.count, 2, "pair \(pair)")
            if table[s[0].value] != s[1].value { disagreements.append(String(pair)) }
        }

        // check
        XCTAssertGreaterThanOrEqual(pairs.count, 300)
        XCTAssertEqual(disagreements, [])
        if ChineseScript.usesICU {
            XCTAssertGreaterThan(table.count, 2_000, "ICU's full table is in use")
        }
        XCTAssertEqual(ChineseScript.simplify("會員價優惠券"), "会员价优惠券")
    }
}

final class EnglishStemmerTests: XCTestCase {
    func testPluralsAndVerbFormsMeet() {
        // setup
        let groups: [[String]] = [
            ["refund", "refunds", "refunded", "refunding"],
            ["ship", "ships", "shipped", "shipping"],
            ["size", "sizes", "sizing"],
            ["policy", "policies"],
            ["box", "boxes"],
            ["exchange", "exchanges", "exchanged"],
            ["dress", "dresses"],
        ]

        // act
        let stems = groups.map { Set($0.map(EnglishStemmer.stem)) }

        // check
        for (group, stem) in zip(groups, stems) {
            XCTAssertEqual(stem.count, 1, "\(group) → \(stem)")
        }
        XCTAssertEqual(EnglishStemmer.stem("status"), "status")
        XCTAssertEqual(EnglishStemmer.stem("bill"), "bill")
        XCTAssertEqual(EnglishStemmer.stem("fee"), EnglishStemmer.stem("fees"))
        XCTAssertEqual(EnglishStemmer.stem("xl"), "xl")
    }
}

final class TrimmingTests: XCTestCase {
    func testItTrimsWhatFoundationTrims() {
        // setup: ASCII and Unicode white space and line breaks around and inside
        let samples = ["  你好  ", "\n\t x y \r\n", "\u{3000}全角空格\u{3000}", "\u{00A0}nbsp\u{2003}", "", "   ", "\u{85}next\u{2028}",
                       "a", " 😀 ", "e\u{301} "]
        for sample in samples {
            // act / check
            XCTAssertEqual(sample.trimmingWhitespace(), sample.trimmingCharacters(in: .whitespacesAndNewlines), sample.debugDescription)
        }
    }
}
