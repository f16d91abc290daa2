import Foundation
import KefuCore

/// URL pieces for server-rendered pages (text is escaped with ``HTMLEscape``).
enum HTMLText {
    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func query(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// The help centre's pages: one layout (header with search and language switch, footer)
/// around a home, category, article, search or not-found body. Every value from the shop
/// or the shopper is escaped here; article answers arrive as sanitised HTML (``MarkdownHTML``).
struct HelpPages {
    let shopName: String
    let helpSlug: String
    let locale: UILocale
    let catalog: MessageCatalog
    /// The inbox whose widget the pages embed ("contact us"), if the shop has one.
    let widgetKey: String?

    var base: String { "/help/\(helpSlug)" }
    func t(_ key: String, _ vars: [String: String] = [:]) -> String { HTMLEscape.text(catalog.text(key, vars)) }
    func e(_ text: String) -> String { HTMLEscape.text(text) }
    func articleURL(_ slug: String) -> String { "\(base)/a/\(HTMLText.segment(slug))" }
    func categoryURL(_ path: String) -> String { "\(base)/c/" + path.split(separator: "/").map { HTMLText.segment(String($0)) }.joined(separator: "/") }

    func layout(title: String, query: String = "", body: String, path: String) -> String {
        let languages = UILocale.allCases.map { l in
            l == locale
                ? "<strong lang=\"\(l.rawValue)\">\(e(l.nativeName))</strong>"
                : "<a lang=\"\(l.rawValue)\" hreflang=\"\(l.rawValue)\" href=\"\(e(path + (query.isEmpty ? "?" : "?q=\(HTMLText.query(query))&")))lang=\(l.rawValue)\" data-testid=\"help-lang-\(l.rawValue)\">\(e(l.nativeName))</a>"
        }.joined(separator: " · ")
        let widget = widgetKey.map { "<script src=\"/widget.js\" data-inbox=\"\(e($0))\" async></script>" } ?? ""
        return """
        <!doctype html>
        <html lang="\(locale.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title)) · \(e(shopName))</title>
        <link rel="stylesheet" href="/help.css">
        </head>
        <body>
        <header class="hc-header">
          <div class="hc-wrap">
            <a class="hc-brand" href="\(base)" data-testid="help-home-link">\(e(shopName)) · \(t("knowledge.help.title"))</a>
            <form class="hc-search" action="\(base)/search" method="get" role="search">
              <input type="search" name="q" value="\(e(query))" maxlength="\(ArticleRules.maxQuery)" aria-label="\(t("knowledge.help.searchLabel"))" placeholder="\(t("knowledge.help.searchPlaceholder"))" data-testid="help-search-input">
              <button type="submit" data-testid="help-search-submit">\(t("knowledge.help.search"))</button>
            </form>
          </div>
        </header>
        <main class="hc-wrap hc-main">
        \(body)
        </main>
        <footer class="hc-footer hc-wrap">
          <nav class="hc-langs" aria-label="\(t("knowledge.help.language"))">\(languages)</nav>
          <p>\(t("knowledge.help.poweredBy"))</p>
        </footer>
        \(widget)
        </body>
        </html>
        """
    }

    func articleList(_ articles: [Article], testID: String = "help-article-link") -> String {
        guard !articles.isEmpty else { return "<p class=\"hc-empty\">\(t("knowledge.help.noArticles"))</p>" }
        return "<ol class=\"hc-list\">" + articles.map {
            "<li><a href=\"\(articleURL($0.slug))\" data-testid=\"\(testID)\">\(e($0.title))</a></li>"
        }.joined() + "</ol>"
    }

    func home(hot: [Article], categories: [(path: String, count: Int)]) -> String {
        let topLevel = categories.filter { !$0.path.contains("/") }
        let tree = topLevel.map { top in
            let children = categories.filter { $0.path.hasPrefix(top.path + "/") && $0.path.split(separator: "/").count == 2 }
            let childLinks = children.map {
                "<li><a href=\"\(categoryURL($0.path))\">\(e(String($0.path.split(separator: "/").last!)))</a> <span class=\"hc-count\">\($0.count)</span></li>"
            }.joined()
            return """
            <section class="hc-card" data-testid="help-category">
              <h3><a href="\(categoryURL(top.path))">\(e(top.path))</a> <span class="hc-count">\(top.count)</span></h3>
              \(childLinks.isEmpty ? "" : "<ul class=\"hc-sub\">\(childLinks)</ul>")
            </section>
            """
        }.joined()
        let body = """
        <h1>\(t("knowledge.help.welcome"))</h1>
        <section class="hc-section" data-testid="help-hot">
          <h2>\(t("knowledge.help.hot"))</h2>
          \(articleList(hot, testID: "help-hot-link"))
        </section>
        <section class="hc-section">
          <h2>\(t("knowledge.help.categories"))</h2>
          <div class="hc-grid">\(tree.isEmpty ? "<p class=\"hc-empty\">\(t("knowledge.help.noArticles"))</p>" : tree)</div>
        </section>
        """
        return layout(title: catalog.text("knowledge.help.title"), body: body, path: base)
    }

    func breadcrumb(_ category: String, current: String? = nil) -> String {
        var parts = ["<a href=\"\(base)\">\(t("knowledge.help.title"))</a>"]
        let levels = category.split(separator: "/").map(String.init)
        for depth in levels.indices {
            let path = levels[...depth].joined(separator: "/")
            parts.append("<a href=\"\(categoryURL(path))\">\(e(levels[depth]))</a>")
        }
        if let current { parts.append("<span aria-current=\"page\">\(e(current))</span>") }
        return "<nav class=\"hc-crumbs\" aria-label=\"\(t("knowledge.help.breadcrumb"))\">" + parts.joined(separator: " › ") + "</nav>"
    }

    func category(path: String, articles: [Article], children: [(path: String, count: Int)]) -> String {
        let sub = children.isEmpty ? "" : "<ul class=\"hc-sub hc-section\">" + children.map {
            "<li><a href=\"\(categoryURL($0.path))\">\(e(String($0.path.split(separator: "/").last!)))</a> <span class=\"hc-count\">\($0.count)</span></li>"
        }.joined() + "</ul>"
        let body = """
        \(breadcrumb(path))
        <h1>\(e(String(path.split(separator: "/").last ?? "")))</h1>
        \(sub)
        \(articleList(articles))
        """
        return layout(title: path, body: body, path: categoryURL(path))
    }

    func article(_ article: Article, html: String, related: [Article], voted: Bool) -> String {
        let relatedBlock = related.isEmpty ? "" : """
        <section class="hc-section" data-testid="help-related">
          <h2>\(t("knowledge.help.related"))</h2>
          \(articleList(related, testID: "help-related-link"))
        </section>
        """
        let vote = voted ? "<p class=\"hc-thanks\" data-testid=\"help-vote-thanks\">\(t("knowledge.help.thanks"))</p>" : """
        <form class="hc-vote" method="post" action="\(articleURL(article.slug))/vote">
          <span>\(t("knowledge.help.wasHelpful"))</span>
          <button type="submit" name="helpful" value="yes" data-testid="help-vote-yes">\(t("knowledge.help.yes"))</button>
          <button type="submit" name="helpful" value="no" data-testid="help-vote-no">\(t("knowledge.help.no"))</button>
        </form>
        """
        let contact = widgetKey == nil ? "" : "<p class=\"hc-contact\">\(t("knowledge.help.stillNeedHelp"))</p>"
        let body = """
        \(breadcrumb(article.category, current: article.title))
        <article class="hc-article">
          <h1 data-testid="help-article-title">\(e(article.title))</h1>
          <div class="hc-prose" data-testid="help-article-body">\(html)</div>
        </article>
        \(vote)
        \(contact)
        \(relatedBlock)
        """
        return layout(title: article.title, body: body, path: articleURL(article.slug))
    }

    func search(query: String, hits: [(title: String, slug: String, snippet: String)], error: String?) -> String {
        let results: String
        if let error {
            results = "<p class=\"hc-error\" role=\"alert\">\(e(error))</p>"
        } else if hits.isEmpty {
            results = "<p class=\"hc-empty\" data-testid=\"help-no-results\">\(t("knowledge.help.noResults", ["query": query]))</p>"
        } else {
            results = "<p class=\"hc-muted\">\(t("knowledge.help.resultCount", ["count": String(hits.count)]))</p><ol class=\"hc-results\">" + hits.map {
                "<li data-testid=\"help-result\"><a href=\"\(articleURL($0.slug))\">\(e($0.title))</a><p>\(e($0.snippet))</p></li>"
            }.joined() + "</ol>"
        }
        let body = """
        <h1>\(t("knowledge.help.resultsFor", ["query": query]))</h1>
        \(results)
        """
        return layout(title: catalog.text("knowledge.help.search"), query: query, body: body, path: "\(base)/search")
    }

    func notFound() -> String {
        layout(title: catalog.text("knowledge.help.notFound"), body: "<h1>\(t("knowledge.help.notFound"))</h1><p><a href=\"\(base)\">\(t("knowledge.help.backHome"))</a></p>", path: base)
    }
}
