import KefuCore
import XCTest

final class SynonymsTests: XCTestCase {
    let normalizer = TextNormalizer()

    func matches(_ synonyms: Synonyms, _ query: String) -> [String] {
        synonyms.compiled(normalizer: normalizer)
            .matches(in: normalizer.normalizeWithOffsets(query).scalars)
            .flatMap(\.phrases)
    }

    func testParsesGroupsAndOneWayRules() {
        // setup
        let text = """
        # comment
        快递, 物流，包裹
        退钱、退米 => 退款

        发票 | 开票
        """

        // act
        let synonyms = Synonyms.parse(text)

        // check
        XCTAssertEqual(matches(synonyms, "快递到哪了"), ["物流", "包裹"])
        XCTAssertEqual(matches(synonyms, "物流"), ["快递", "包裹"])
        XCTAssertEqual(matches(synonyms, "退钱要多久"), ["退款"])
        XCTAssertEqual(matches(synonyms, "退米"), ["退款"])
        XCTAssertEqual(matches(synonyms, "退款要多久"), [], "one-way rules do not apply backwards")
        XCTAssertEqual(matches(synonyms, "开票"), ["发票"])
        XCTAssertEqual(synonyms.weight, 0.8)
    }

    func testMatchingIsOnNormalisedText() {
        // setup
        let synonyms = Synonyms(groups: [["refund", "money back"]], oneWay: [("退钱", "退款")])

        // act, check
        XCTAssertEqual(matches(synonyms, "退錢"), ["退款"], "traditional query")
        XCTAssertEqual(matches(synonyms, "ＲＥＦＵＮＤ please"), ["money back"], "full width and case")
        XCTAssertEqual(matches(synonyms, "refunded"), [], "Latin phrases match whole words only")
        XCTAssertEqual(matches(synonyms, "I want my MONEY BACK"), ["refund"])
    }
}
