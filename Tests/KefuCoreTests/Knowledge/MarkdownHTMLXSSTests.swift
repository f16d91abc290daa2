import KefuCore
import XCTest

/// Hostile Markdown through ``MarkdownHTML``. Every output is read back tag by tag: only the
/// renderer's own tags and attributes may appear, no event handler, no `javascript:`,
/// `data:` or `vbscript:` address. Raw HTML in the source must come out as escaped text
/// (where a `javascript:` inside it is inert text, not markup).
final class MarkdownHTMLXSSTests: XCTestCase {
    static let allowedTags: Set<String> = [
        "h2", "h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li", "blockquote", "pre", "code", "strong", "em", "del",
        "a", "img", "hr", "table", "thead", "tbody", "tr", "th", "td",
    ]
    static let allowedAttributes: Set<String> = ["href", "src", "alt", "title", "rel", "target", "loading", "class", "start", "style"]

    /// Link, image and autolink payloads: the hostile address must vanish entirely.
    static let addressPayloads = [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](%256Aavascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](java\u{200B}script:alert(1))",
        "[x](ｊａｖａｓｃｒｉｐｔ：alert(1))",
        "[x](javascript://%0Aalert(1))",
        "[x](\njavascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "- [x](javascript:alert(1))",
        "> [x](javascript:alert(1))",
        "**[x](javascript:alert(1))**",
        "[![img](https://a.example/x.png)](javascript:alert(1))",
    ]

    /// Raw HTML and attribute breaking: must show as escaped text.
    static let markupPayloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" onerror=\"alert(1)\"/>",
        "<svg onload=alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<style>@import 'javascript:alert(1)'</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "\"><script>alert(1)</script>",
        "' onfocus='alert(1)' autofocus '",
        "<javascript:alert(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "`<img src=x onerror=alert(1)>`",
        "```\n<img src=x onerror=alert(1)>\n```",
        "```\"><script>alert(1)</script>\ncode\n```",
        "**<script>alert(1)</script>**",
        "# <script>alert(1)</script>",
        "> <svg/onload=alert(1)>",
        "- <img src=x onerror=alert(1)>",
        "| <script> | b |\n|---|---|\n| <img src=x onerror=alert(1)> | c |",
        "[<img src=x onerror=alert(1)>](https://a.example)",
        "[x](https://a.example/\" onmouseover=\"alert(1))",
        "[x](https://a.example \"t\\\" onmouseover=\\\"alert(1)\")",
        "![x\" onerror=\"alert(1)](https://a.example/x.png)",
        "![a](https://a.example/a.png\"onerror=\"alert(1))",
        "https://a.example/\"onmouseover=\"alert(1)",
        "<https://a.example/\"onmouseover=\"alert(1)>",
        "[a](https://ok.example)<img src=x onerror=alert(1)>",
        "\u{0}<script>alert(1)</script>",
    ]

    func testTheCorpusIsLargeEnough() {
        XCTAssertGreaterThanOrEqual(Self.addressPayloads.count + Self.markupPayloads.count, 25)
    }

    func testHostileAddressesDisappearAndOnlyTheTextRemains() {
        for payload in Self.addressPayloads {
            // act
            let html = MarkdownHTML.render(payload)

            // check
            assertSafe(html, payload)
            let lower = html.lowercased()
            XCTAssertFalse(lower.contains("javascript"), "\(payload.debugDescription) → \(html)")
            XCTAssertFalse(lower.contains("vbscript"), "\(payload.debugDescription) → \(html)")
            XCTAssertFalse(lower.contains("data:"), "\(payload.debugDescription) → \(html)")
            XCTAssertTrue(html.contains("x") || html.contains("img"), "the link text stays: \(payload.debugDescription) → \(html)")
        }
    }

    func testRawHTMLShowsAsEscapedText() {
        for payload in Self.markupPayloads {
            // act
            let html = MarkdownHTML.render(payload)

            // check
            assertSafe(html, payload)
        }
        // setup, act, check: the text is kept, escaped
        XCTAssertEqual(MarkdownHTML.render("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        XCTAssertEqual(MarkdownHTML.render("`<img src=x onerror=alert(1)>`"), "<p><code>&lt;img src=x onerror=alert(1)&gt;</code></p>")
        XCTAssertEqual(MarkdownHTML.render("' onfocus='alert(1)' autofocus '"), "<p>&#39; onfocus=&#39;alert(1)&#39; autofocus &#39;</p>")
        XCTAssertEqual(MarkdownHTML.render("![x\" onerror=\"alert(1)](https://a.example/x.png)"),
                       "<p><img src=\"https://a.example/x.png\" alt=\"x&quot; onerror=&quot;alert(1)\" loading=\"lazy\"></p>")
        XCTAssertTrue(MarkdownHTML.render("<a href=\"javascript:alert(1)\">x</a>").contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;"))
    }

    // MARK: reading the output back

    /// Reads every tag of `html` (text never holds a raw `<`, so each `<` opens a tag).
    func assertSafe(_ html: String, _ payload: String, file: StaticString = #filePath, line: UInt = #line) {
        let context = "\(payload.debugDescription) → \(html)"
        let lower = html.lowercased()
        for forbidden in ["<script", "<svg", "<iframe", "<style", "<math", "<object", "<embed"] {
            XCTAssertFalse(lower.contains(forbidden), "\(forbidden): \(context)", file: file, line: line)
        }
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                return XCTFail("unclosed tag: \(context)", file: file, line: line)
            }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            guard let tagName = checkTag(tag, context: context, file: file, line: line) else { continue }
            XCTAssertTrue(Self.allowedTags.contains(tagName), "tag <\(tagName)>: \(context)", file: file, line: line)
        }
    }

    /// Checks one tag's attributes; the tag name, or nil if the tag is malformed (reported).
    func checkTag(_ tag: Substring, context: String, file: StaticString, line: UInt) -> String? {
        var s = tag.hasPrefix("/") ? tag.dropFirst() : tag
        let name = String(s.prefix { $0 != " " })
        s = s.dropFirst(name.count)
        XCTAssertFalse(tag.lowercased().contains("javascript:"), "javascript: in a tag: \(context)", file: file, line: line)
        while !s.isEmpty {
            guard s.hasPrefix(" "), let eq = s.firstIndex(of: "=") else {
                XCTFail("malformed tag <\(tag)>: \(context)", file: file, line: line)
                return nil
            }
            let attribute = String(s[s.index(after: s.startIndex)..<eq])
            var valueStart = s.index(after: eq)
            guard valueStart < s.endIndex, s[valueStart] == "\"" else {
                XCTFail("unquoted attribute in <\(tag)>: \(context)", file: file, line: line)
                return nil
            }
            valueStart = s.index(after: valueStart)
            guard let valueEnd = s[valueStart...].firstIndex(of: "\"") else {
                XCTFail("unterminated attribute in <\(tag)>: \(context)", file: file, line: line)
                return nil
            }
            let value = unescape(String(s[valueStart..<valueEnd]))
            s = s[s.index(after: valueEnd)...]
            XCTAssertTrue(Self.allowedAttributes.contains(attribute), "attribute \(attribute): \(context)", file: file, line: line)
            XCTAssertFalse(attribute.lowercased().hasPrefix("on"), "event handler \(attribute): \(context)", file: file, line: line)
            if attribute == "href" || attribute == "src" {
                XCTAssertNotNil(MarkdownHTML.safeURL(value), "address \(value): \(context)", file: file, line: line)
                let squeezed = value.lowercased().filter { !$0.isWhitespace }
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    XCTAssertFalse(squeezed.hasPrefix(scheme), "address \(value): \(context)", file: file, line: line)
                }
            }
            if attribute == "style" {
                XCTAssertTrue(["text-align:left", "text-align:center", "text-align:right"].contains(value), "style \(value): \(context)", file: file, line: line)
            }
        }
        return name
    }

    func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
