import KefuCore
import XCTest

final class HTMLEscapeTests: XCTestCase {
    func testTheFiveCharactersAndNul() {
        XCTAssertEqual(HTMLEscape.text(#"<a href="x" onclick='y'>&</a>"#), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        XCTAssertEqual(HTMLEscape.text("a\u{0}b"), "a\u{FFFD}b")
        XCTAssertEqual(HTMLEscape.text("退货 ✓"), "退货 ✓")
    }
}
