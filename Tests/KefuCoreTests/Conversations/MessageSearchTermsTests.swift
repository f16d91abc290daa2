import Foundation
import KefuCore
import XCTest

/// Message search terms and queries, checked with ``MessageSearchTerms/matches(_:in:)``, the
/// model of what FTS5 and PostgreSQL do with them (the server's tests run the same questions
/// against both databases).
final class MessageSearchTermsTests: XCTestCase {
    func matches(_ query: String, _ text: String) -> Bool {
        MessageSearchTerms.matches(MessageSearchTerms.query(query), in: MessageSearchTerms.terms(of: text))
    }

    func testTermsOfChineseAndLatin() {
        XCTAssertEqual(MessageSearchTerms.terms(of: "退款了"), ["退款", "款了", "了"])
        XCTAssertEqual(MessageSearchTerms.terms(of: "XL码 能退吗？"), ["xl", "码", "能退", "退吗", "吗"])
        XCTAssertEqual(MessageSearchTerms.terms(of: "訂單 ２０２４"), ["订单", "单", "2024"], "traditional and full width are folded")
        XCTAssertEqual(MessageSearchTerms.terms(of: "  ,.!  "), [])
        XCTAssertEqual(MessageSearchTerms.terms(of: "배송 언제"), ["배송", "송", "언제", "제"])
    }

    func testQueries() {
        XCTAssertEqual(MessageSearchTerms.query("退款"), [.phrase(["退款"])])
        XCTAssertEqual(MessageSearchTerms.query("申请退款"), [.phrase(["申请", "请退", "退款"])])
        XCTAssertEqual(MessageSearchTerms.query("退"), [.prefix("退")])
        XCTAssertEqual(MessageSearchTerms.query("Refu"), [.prefix("refu")])
        XCTAssertEqual(MessageSearchTerms.query("refund order 退款"), [.phrase(["refund"]), .phrase(["order"]), .phrase(["退款"])])
        XCTAssertEqual(MessageSearchTerms.query("？！ ..."), [])
        XCTAssertEqual(MessageSearchTerms.query("退款 退款"), [.phrase(["退款"])])
        XCTAssertEqual(MessageSearchTerms.query(String(repeating: "a b ", count: 100) + "c d e f g h i j k l m n o p q r s").count, 16)
    }

    func testWhatIsFoundAndWhatIsNot() {
        XCTAssertTrue(matches("退款", "我想申请退款，可以吗"))
        XCTAssertTrue(matches("退", "不想要了，要退"), "a single character at the end of a run")
        XCTAssertTrue(matches("退貨", "怎么退货"), "traditional query, simplified message")
        XCTAssertTrue(matches("refu", "Can I get a REFUND?"))
        XCTAssertTrue(matches("xl 码", "XL码还有吗"))
        XCTAssertTrue(matches("2024120712", "订单号2024120712"))
        XCTAssertFalse(matches("退款", "退货后款项"), "the characters must be adjacent")
        XCTAssertTrue(matches("refund", "refunds are slow"), "the last word is a prefix")
        XCTAssertFalse(matches("refund are", "refunds are slow"), "words before it are whole words")
        XCTAssertFalse(matches("退款 发票", "我要退款"), "every part must match")
        XCTAssertFalse(matches("", "anything"))
    }

    /// Every stretch of Chinese (or Korean) text, with separators around or inside, is found in
    /// the message it was taken from.
    func testEveryStretchOfAMessageFindsIt() {
        var random = SplitMix(seed: 11)
        let alphabet = Array("退款了订单发票尺码大小배송언제 ，")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 1...30, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let chars = Array(text)
            let start = Int.random(in: 0..<chars.count, using: &random)
            let end = Int.random(in: start..<min(chars.count, start + 8), using: &random)
            let query = String(chars[start...end])
            guard !MessageSearchTerms.query(query).isEmpty else { continue }
            XCTAssertTrue(matches(query, text), "\(query) in \(text)")
        }
    }

    func testDatabaseSyntax() {
        let parts = MessageSearchTerms.query("申请退款 refu")
        XCTAssertEqual(MessageSearchTerms.fts5(parts), "\"申请 请退 退款\" AND \"refu\"*")
        XCTAssertEqual(MessageSearchTerms.tsquery(parts), "('申请' <-> '请退' <-> '退款') & 'refu':*")
        XCTAssertEqual(MessageSearchTerms.tsvector(["退款", "款", "it"]), "'退款':1 '款':2 'it':3")
        XCTAssertEqual(MessageSearchTerms.fts5Document(["退款", "款"]), "退款 款")
    }

    func testLongInputIsBounded() {
        let long = String(repeating: "退款", count: 10_000)
        XCTAssertEqual(MessageSearchTerms.terms(of: long).count, MessageSearchTerms.maxTerms)
        let word = String(repeating: "a", count: 500)
        XCTAssertEqual(MessageSearchTerms.terms(of: word), [String(repeating: "a", count: MessageSearchTerms.maxTermLength)])
        XCTAssertTrue(matches(word, word), "a long word is cut the same way in the query")
    }
}
