import Foundation
import KefuCore
import XCTest

final class MarkdownHTMLTests: XCTestCase {
    func html(_ markdown: String) -> String { MarkdownHTML.render(markdown) }

    func testHeadingsAreShiftedOneLevelDown() {
        // setup, act, check
        XCTAssertEqual(html("# 退货说明"), "<h2>退货说明</h2>", "the page owns <h1>")
        XCTAssertEqual(html("## 运费"), "<h3>运费</h3>")
        XCTAssertEqual(html("##### 五"), "<h6>五</h6>")
        XCTAssertEqual(html("###### 六"), "<h6>六</h6>")
        XCTAssertEqual(html("## 标题 ##"), "<h3>标题</h3>", "a closing sequence is dropped")
        XCTAssertEqual(html("#标签"), "<p>#标签</p>", "no space after # is not a heading")
        XCTAssertEqual(html("####### 七"), "<p>####### 七</p>")
    }

    func testParagraphsAreSeparatedByBlankLinesAndNewlinesBecomeBreaks() {
        // setup
        let markdown = "第一段第一行\n第一段第二行\r\n\r\n第二段   \n\n\n第三段"

        // act
        let out = html(markdown)

        // check
        XCTAssertEqual(out, "<p>第一段第一行<br>\n第一段第二行</p>\n<p>第二段</p>\n<p>第三段</p>")
        XCTAssertEqual(html(""), "")
        XCTAssertEqual(html("\n\n  \n"), "")
    }

    func testUnorderedListsWithEveryMarkerAndBoldInsideItems() {
        // setup
        let markdown = """
        - 第一步：**打开订单**
        * 第二步：点击 *申请售后*
        + 第三步
        """

        // act
        let out = html(markdown)

        // check: three markers are three lists, as in CommonMark
        XCTAssertEqual(out, """
        <ul>
        <li>第一步：<strong>打开订单</strong></li>
        </ul>
        <ul>
        <li>第二步：点击 <em>申请售后</em></li>
        </ul>
        <ul>
        <li>第三步</li>
        </ul>
        """)
        XCTAssertEqual(html("- **粗体** 与 `代码`\n- 二"), "<ul>\n<li><strong>粗体</strong> 与 <code>代码</code></li>\n<li>二</li>\n</ul>")
    }

    func testOrderedListsKeepTheirStartNumber() {
        // setup, act, check
        XCTAssertEqual(html("1. 登录\n2. 打开订单"), "<ol>\n<li>登录</li>\n<li>打开订单</li>\n</ol>")
        XCTAssertEqual(html("3) 三\n4) 四"), "<ol start=\"3\">\n<li>三</li>\n<li>四</li>\n</ol>")
    }

    func testNestedAndLooseLists() {
        // setup
        let nested = "- 退货\n  - 七天无理由\n  - **质量问题**\n- 换货"
        let loose = "1. 第一步\n\n   说明文字\n2. 第二步"

        // act
        let nestedOut = html(nested)
        let looseOut = html(loose)

        // check
        XCTAssertEqual(nestedOut, """
        <ul>
        <li>退货
        <ul>
        <li>七天无理由</li>
        <li><strong>质量问题</strong></li>
        </ul></li>
        <li>换货</li>
        </ul>
        """)
        XCTAssertEqual(looseOut, "<ol>\n<li><p>第一步</p>\n<p>说明文字</p></li>\n<li><p>第二步</p></li>\n</ol>")
    }

    func testAListInterruptsAParagraph() {
        // setup, act
        let out = html("请按以下步骤操作：\n1. 打开订单\n2. 申请退货")

        // check
        XCTAssertEqual(out, "<p>请按以下步骤操作：</p>\n<ol>\n<li>打开订单</li>\n<li>申请退货</li>\n</ol>")
    }

    func testBlockquotes() {
        // setup, act, check
        XCTAssertEqual(html("> 注意：\n> 生鲜不支持退货"), "<blockquote>\n<p>注意：<br>\n生鲜不支持退货</p>\n</blockquote>")
        XCTAssertEqual(html("> 外层\n>\n> > 内层"), "<blockquote>\n<p>外层</p>\n<blockquote>\n<p>内层</p>\n</blockquote>\n</blockquote>")
        XCTAssertEqual(html("> - 列表项"), "<blockquote>\n<ul>\n<li>列表项</li>\n</ul>\n</blockquote>")
    }

    func testFencedCodeBlocksAreEscapedVerbatim() {
        // setup
        let markdown = "```swift\nlet s = \"<b>&'\"\n  **not bold**\n```\n~~~\nplain\n~~~"

        // act
        let out = html(markdown)

        // check
        XCTAssertEqual(out, """
        <pre><code class="language-swift">let s = &quot;&lt;b&gt;&amp;&#39;&quot;
          **not bold**
        </code></pre>
        <pre><code>plain
        </code></pre>
        """)
        XCTAssertEqual(html("```\nunclosed\n\n# still code"), "<pre><code>unclosed\n\n# still code\n</code></pre>", "an unclosed fence runs to the end")
        XCTAssertEqual(html("```\" onclick=\"x\nA\n```"), "<pre><code>A\n</code></pre>", "only [A-Za-z0-9_+#.-] survive in the language")
        XCTAssertEqual(html("```c++\nA\n```"), "<pre><code class=\"language-c++\">A\n</code></pre>")
    }

    func testInlineMarkup() {
        // setup, act, check
        XCTAssertEqual(html("**粗** *斜* _斜_ ~~删~~ ***粗斜***"), "<p><strong>粗</strong> <em>斜</em> <em>斜</em> <del>删</del> <strong><em>粗斜</em></strong></p>")
        XCTAssertEqual(html("**a *b* c** and *a **b** c*"), "<p><strong>a <em>b</em> c</strong> and <em>a <strong>b</strong> c</em></p>")
        XCTAssertEqual(html("snake_case_name and 2*3*4"), "<p>snake_case_name and 2<em>3</em>4</p>")
        XCTAssertEqual(html("* item\n\na * b * c"), "<ul>\n<li>item</li>\n</ul>\n<p>a * b * c</p>")
        XCTAssertEqual(html("**未闭合"), "<p>**未闭合</p>")
        XCTAssertEqual(html("用 `a < b && c` 判断"), "<p>用 <code>a &lt; b &amp;&amp; c</code> 判断</p>")
        XCTAssertEqual(html("`` a ` b ``"), "<p><code>a ` b</code></p>")
        XCTAssertEqual(html("`**不加粗**`"), "<p><code>**不加粗**</code></p>")
        XCTAssertEqual(html("\\*不是斜体\\* \\# \\[x\\]"), "<p>*不是斜体* # [x]</p>")
    }

    func testLinks() {
        // setup, act, check
        XCTAssertEqual(html("[官网](https://shop.example.com \"标题\")"),
                       "<p><a href=\"https://shop.example.com\" title=\"标题\" rel=\"nofollow noopener\" target=\"_blank\">官网</a></p>")
        XCTAssertEqual(html("[退货](/help/shop/a/returns)"), "<p><a href=\"/help/shop/a/returns\">退货</a></p>", "site links stay in the tab")
        XCTAssertEqual(html("[上文](#faq) [相对](returns.html)"), "<p><a href=\"#faq\">上文</a> <a href=\"returns.html\">相对</a></p>")
        XCTAssertEqual(html("[写信](mailto:help@example.com) [电话](tel:+86-400-000)"),
                       "<p><a href=\"mailto:help@example.com\">写信</a> <a href=\"tel:+86-400-000\">电话</a></p>")
        XCTAssertEqual(html("[**粗体链接**](https://a.example)"),
                       "<p><a href=\"https://a.example\" rel=\"nofollow noopener\" target=\"_blank\"><strong>粗体链接</strong></a></p>")
        XCTAssertEqual(html("[a](https://x.example/?q=1&r=2)"),
                       "<p><a href=\"https://x.example/?q=1&amp;r=2\" rel=\"nofollow noopener\" target=\"_blank\">a</a></p>")
        XCTAssertEqual(html("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))"),
                       "<p><a href=\"https://en.wikipedia.org/wiki/Foo_(bar)\" rel=\"nofollow noopener\" target=\"_blank\">wiki</a></p>")
        XCTAssertEqual(html("[不是链接] (https://x.example)"), "<p>[不是链接] (<a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\">https://x.example</a>)</p>")
    }

    func testAutolinksAndBareAddresses() {
        // setup, act, check
        XCTAssertEqual(html("<https://shop.example.com/a?b=1>"),
                       "<p><a href=\"https://shop.example.com/a?b=1\" rel=\"nofollow noopener\" target=\"_blank\">https://shop.example.com/a?b=1</a></p>")
        XCTAssertEqual(html("<help@example.com>"), "<p><a href=\"mailto:help@example.com\">help@example.com</a></p>")
        XCTAssertEqual(html("详见 https://shop.example.com/faq。"),
                       "<p>详见 <a href=\"https://shop.example.com/faq\" rel=\"nofollow noopener\" target=\"_blank\">https://shop.example.com/faq</a>。</p>")
        XCTAssertEqual(html("(see https://a.example/x)."),
                       "<p>(see <a href=\"https://a.example/x\" rel=\"nofollow noopener\" target=\"_blank\">https://a.example/x</a>).</p>")
        XCTAssertEqual(html("<not a link>"), "<p>&lt;not a link&gt;</p>")
    }

    func testImagesOnlyForHTTPAddresses() {
        // setup, act, check
        XCTAssertEqual(html("![退货流程](https://img.example.com/a.png)"),
                       "<p><img src=\"https://img.example.com/a.png\" alt=\"退货流程\" loading=\"lazy\"></p>")
        XCTAssertEqual(html("![**流程**图](https://img.example.com/a.png \"说明\")"),
                       "<p><img src=\"https://img.example.com/a.png\" alt=\"流程图\" title=\"说明\" loading=\"lazy\"></p>", "alt is plain text")
        XCTAssertEqual(html("![站内](/uploads/a.png)"), "<p>站内</p>")
        XCTAssertEqual(html("![数据](data:image/png;base64,iVBORw0KGgo=)"), "<p>数据</p>")
        XCTAssertEqual(html("[![logo](https://a.example/l.png)](https://a.example)"),
                       "<p><a href=\"https://a.example\" rel=\"nofollow noopener\" target=\"_blank\"><img src=\"https://a.example/l.png\" alt=\"logo\" loading=\"lazy\"></a></p>")
    }

    func testHorizontalRules() {
        // setup, act, check
        XCTAssertEqual(html("上\n\n---\n\n下"), "<p>上</p>\n<hr>\n<p>下</p>")
        XCTAssertEqual(html("***\n_ _ _"), "<hr>\n<hr>")
        XCTAssertEqual(html("- a\n* * *\n- b"), "<ul>\n<li>a</li>\n</ul>\n<hr>\n<ul>\n<li>b</li>\n</ul>")
    }

    func testPipeTables() {
        // setup
        let markdown = """
        | 类型 | 时限 | 运费 |
        |:-----|:----:|-----:|
        | 七天无理由 | 7 天 | 买家 |
        | 质量问题 | 15 天 | `卖家` |
        """

        // act
        let out = html(markdown)

        // check
        XCTAssertEqual(out, """
        <table>
        <thead>
        <tr>
        <th style="text-align:left">类型</th>
        <th style="text-align:center">时限</th>
        <th style="text-align:right">运费</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td style="text-align:left">七天无理由</td>
        <td style="text-align:center">7 天</td>
        <td style="text-align:right">买家</td>
        </tr>
        <tr>
        <td style="text-align:left">质量问题</td>
        <td style="text-align:center">15 天</td>
        <td style="text-align:right"><code>卖家</code></td>
        </tr>
        </tbody>
        </table>
        """)
        XCTAssertEqual(html("a | b\n--- | ---\n1 \\| 2 | 3"),
                       "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1 | 2</td>\n<td>3</td>\n</tr>\n</tbody>\n</table>")
        XCTAssertEqual(html("a | b\n--- | --- | ---"), "<p>a | b<br>\n--- | --- | ---</p>", "column counts must match")
    }

    func testTheResolverMapsArticleLinksAndCannotLetUnsafeAddressesThrough() {
        // setup
        let resolver: (String) -> String? = { url in
            if url.hasPrefix("article:") { return "/help/shop/a/" + url.dropFirst("article:".count) }
            if url == "evil" { return "javascript:alert(1)" }
            return MarkdownHTML.safeURL(url)
        }

        // act
        let out = MarkdownHTML.render("[退货政策](article:returns) [没有](article:) [坏](evil) [外](https://x.example)") { url in
            url == "article:" ? nil : resolver(url)
        }

        // check
        XCTAssertEqual(out, "<p><a href=\"/help/shop/a/returns\">退货政策</a> 没有 坏 <a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\">外</a></p>")
        XCTAssertEqual(html("[文章](article:returns)"), "<p>文章</p>", "the default resolver refuses unknown schemes")
    }

    func testSafeURLAllowsOnlyKnownSchemesAndRelativeAddresses() {
        // setup
        let allowed = [
            "https://shop.example.com/a?b=1#c", "HTTP://shop.example.com", "mailto:help@example.com", "tel:+86 400 000",
            "/help/returns", "#section", "?page=2", "returns.html", "./a:b", "//cdn.example.com/x.png", "  https://padded.example  ",
        ]
        let refused = [
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", " javascript:alert(1)",
            "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#0000106avascript:alert(1)", "%6Aavascript:alert(1)",
            "%256Aavascript:alert(1)", "javascript&colon;alert(1)", "jav&#x09;ascript:alert(1)", "java\u{200B}script:alert(1)",
            "ｊａｖａｓｃｒｉｐｔ：alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd",
            "article:returns", "https:evil.example", "http://", "/\\evil.example", "", "   ", "\u{0}javascript:alert(1)",
        ]

        // act, check
        for url in allowed { XCTAssertNotNil(MarkdownHTML.safeURL(url), url) }
        for url in refused { XCTAssertNil(MarkdownHTML.safeURL(url), url.debugDescription) }
        XCTAssertEqual(MarkdownHTML.safeURL("  https://padded.example  "), "https://padded.example")
        XCTAssertEqual(MarkdownHTML.safeURL("https://a.example/\tx"), "https://a.example/x", "controls are removed")
    }

    func testEveryCharacterIsEscaped() {
        // setup, act
        let out = html("5 > 3 & 2 < 4 \"quoted\" it's &amp; &copy;")

        // check
        XCTAssertEqual(out, "<p>5 &gt; 3 &amp; 2 &lt; 4 &quot;quoted&quot; it&#39;s &amp;amp; &amp;copy;</p>")
    }

    func testHostileInputStaysFast() {
        // setup
        let inputs = [
            String(repeating: "*a ", count: 7_000),
            String(repeating: "[", count: 20_000),
            String(repeating: "[a](", count: 5_000),
            String(repeating: "`` ` ", count: 4_000),
            String(repeating: "> ", count: 5_000) + "deep",
            String(repeating: "- ", count: 5_000) + "deep",
            String(repeating: "**a _b ~~c ", count: 2_000),
            String(repeating: "&#106;", count: 3_000),
        ]

        for input in inputs {
            // act (timing is measured in bench/, not asserted here; a quadratic parser would make this test crawl)
            let out = html(input)

            // check
            XCTAssertFalse(out.isEmpty)
            XCTAssertFalse(out.contains("<script"), String(input.prefix(12)))
        }
    }
}
