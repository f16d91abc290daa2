import KefuCore
import XCTest

final class LocaleNegotiationTests: XCTestCase {
    func testMatchesTags() {
        XCTAssertEqual(UILocale.match("zh"), .zhCN)
        XCTAssertEqual(UILocale.match("zh-Hans-CN"), .zhCN)
        XCTAssertEqual(UILocale.match("zh_TW"), .zhTW)
        XCTAssertEqual(UILocale.match("zh-Hant"), .zhTW)
        XCTAssertEqual(UILocale.match("zh-HK"), .zhTW)
        XCTAssertEqual(UILocale.match("en-GB"), .en)
        XCTAssertEqual(UILocale.match("ko-KR"), .ko)
        XCTAssertNil(UILocale.match("ja"))
    }

    func testNegotiation() {
        XCTAssertEqual(UILocale.negotiate(explicit: nil, acceptLanguage: nil), .zhCN)
        XCTAssertEqual(UILocale.negotiate(explicit: "en", acceptLanguage: "ko"), .en)
        XCTAssertEqual(UILocale.negotiate(explicit: "xx", acceptLanguage: "ko"), .ko)
        XCTAssertEqual(UILocale.negotiate(explicit: nil, acceptLanguage: "ja;q=1, en;q=0.2, ko;q=0.8"), .ko)
        XCTAssertEqual(UILocale.negotiate(explicit: nil, acceptLanguage: "ko;q=0, en"), .en)
        XCTAssertEqual(UILocale.negotiate(explicit: nil, acceptLanguage: "fr, de"), .zhCN)
    }
}

final class MessageCatalogTests: XCTestCase {
    func testTextWithVariablesAndMissingKeys() {
        let zh = MessageCatalog(locale: .zhCN, messages: ["shell.agentBadge": "{number}号 {name}", "a": "A"])
        let en = MessageCatalog(locale: .en, messages: ["a": "A"])
        XCTAssertEqual(zh.text("shell.agentBadge", ["number": "8", "name": "小美"]), "8号 小美")
        XCTAssertEqual(zh.text("nope"), "nope")
        XCTAssertEqual(en.missingKeys(comparedTo: zh), ["shell.agentBadge"])
    }
}
