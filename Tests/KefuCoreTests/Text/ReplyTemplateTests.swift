import Foundation
import KefuCore
import XCTest

final class ReplyTemplateTests: XCTestCase {
    func testPlaceholdersWithAValueAreFilledIn() {
        // setup
        let greeting = "您好，我是{agent_number}号客服{agent_name}，很高兴为您服务 :)"

        // act
        let text = ReplyTemplate.render(greeting, ["agent_number": "7", "agent_name": "小王", "shop_name": "Kefu"])

        // check
        XCTAssertEqual(text, "您好，我是7号客服小王，很高兴为您服务 :)")
        XCTAssertEqual(ReplyTemplate.render("前面还有{queue_position}位😊{queue_position}", ["queue_position": "3"]), "前面还有3位😊3")
    }

    func testUnknownAndMalformedPlaceholdersStayAsTyped() {
        // setup
        let values = ["customer_name": "Ann"]

        // act, check
        XCTAssertEqual(ReplyTemplate.render("Hi {customer_name}, order {order_no}", values), "Hi Ann, order {order_no}")
        XCTAssertEqual(ReplyTemplate.render("{ customer_name } {} {客户} {customer-name} {Customer_Name}", values),
                       "{ customer_name } {} {客户} {customer-name} {Customer_Name}", "names are ASCII letters, digits, _, case-sensitive")
        XCTAssertEqual(ReplyTemplate.render("a { b } c {customer_name", values), "a { b } c {customer_name", "lone braces are kept")
        XCTAssertEqual(ReplyTemplate.render("", values), "")
    }

    func testDoubledBracesAreLiteralBraces() {
        // setup
        let values = ["agent_name": "小王"]

        // act, check
        XCTAssertEqual(ReplyTemplate.render("{{agent_name}}", values), "{agent_name}")
        XCTAssertEqual(ReplyTemplate.render("{{{agent_name}}}", values), "{小王}")
        XCTAssertEqual(ReplyTemplate.render("JSON: {{\"a\": 1}}", values), "JSON: {\"a\": 1}")
        XCTAssertEqual(ReplyTemplate.render("{unknown}}", values), "{unknown}}")
    }

    func testValuesAreNotScannedAgain() {
        // setup: a customer who calls themself "{shop_name}"
        let values = ["customer_name": "{shop_name}", "shop_name": "Kefu", "agent_name": "{{x}}"]

        // act
        let text = ReplyTemplate.render("{customer_name} @ {shop_name} / {agent_name}", values)

        // check
        XCTAssertEqual(text, "{shop_name} @ Kefu / {{x}}")
    }

    func testVariablesAreListedOnceInOrder() {
        // setup, act, check
        XCTAssertEqual(ReplyTemplate.variables(in: "{b} {a} {b} {{c}} {d-e} {f_1}"), ["b", "a", "f_1"])
        XCTAssertEqual(ReplyTemplate.variables(in: "no variables"), [])
    }

    func testLocalizedChoosesTagThenLanguageThenChineseThenFallback() {
        // setup
        let map = ["zh-CN": "您好", "zh-TW": "您好（繁）", "en": "Hello", "en-GB": "Hello, mate"]

        // act, check
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "en-GB", fallback: nil), "Hello, mate")
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "zh_tw", fallback: nil), "您好（繁）", "case and _ ignored")
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "en-US", fallback: nil), "Hello", "same language")
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "zh-HK", fallback: nil), "您好（繁）", "the variant UILocale picks")
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "zh-SG", fallback: nil), "您好")
        XCTAssertEqual(ReplyTemplate.localized(map, locale: "ko", fallback: "default"), "您好", "then zh-CN")
        XCTAssertEqual(ReplyTemplate.localized(["en": "Hello"], locale: "ko", fallback: "기본"), "기본", "then the built-in text")
        XCTAssertNil(ReplyTemplate.localized([:], locale: "ko", fallback: nil))
    }

    func testAnEmptyTextTurnsTheReplyOff() {
        // setup
        let map = ["zh-CN": "您好", "en": "", "ko": "  "]

        // act, check
        XCTAssertNil(ReplyTemplate.localized(map, locale: "en", fallback: "Hello"), "off for English visitors, no fallback")
        XCTAssertNil(ReplyTemplate.localized(map, locale: "ko-KR", fallback: "Hello"), "whitespace only is empty")
        XCTAssertNil(ReplyTemplate.localized(["zh-CN": ""], locale: "fr", fallback: "Bonjour"), "off in zh-CN reached by fallback")
        XCTAssertNil(ReplyTemplate.localized([:], locale: "fr", fallback: ""))
    }
}
