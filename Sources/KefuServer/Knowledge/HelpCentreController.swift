import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The public help centre of each shop, server-rendered: `/help/{helpSlug}` (hot questions
/// and categories), `/c/{category…}`, `/a/{slug}` (answer, related questions, helpful vote),
/// `/search?q=`. The language comes from `?lang=` (remembered in a cookie), else the browser.
struct HelpCentreController {
    static let languageCookie = "kefu_help_lang"
    let voteLimiter = NIOLockedValueBox(SlidingWindowLimiter(limit: 30, windowSeconds: 3600))

    func register(_ app: Application) {
        let help = app.grouped("help", ":shop")
        help.get(use: home)
        help.get("c", "**", use: category)
        help.get("a", ":slug", use: article)
        help.post("a", ":slug", "vote", use: vote)
        help.get("search", use: search)
    }

    struct Context {
        var settings: KnowledgeSettings
        var pages: HelpPages
        var locale: UILocale
        var articles: [Article]
    }

    /// The shop behind the address, its published articles in the reader's language
    /// (all of them when the shop has none in it), and the page renderer.
    func context(_ req: Request) async throws -> Context {
        guard let slug = req.parameters.get("shop"), slug.count <= ArticleRules.maxSlug,
              let settings = try await KnowledgeSettings.query(on: req.db).filter(\.$helpSlug == slug.lowercased()).first(),
              let account = try await Account.query(on: req.db).filter(\.$id == settings.accountID).first() else {
            throw Abort(.notFound, reason: "there is no help centre at this address")
        }
        let chosen = req.query[String.self, at: "lang"].flatMap(UILocale.match)
        let locale = chosen ?? UILocale.match(req.cookies[Self.languageCookie]?.string ?? "")
            ?? UILocale.negotiate(explicit: nil, acceptLanguage: req.headers.first(name: .acceptLanguage))
        let published = try await Article.query(on: req.db).filter(\.$accountID == settings.accountID).filter(\.$status == .published).all()
        let primary = String(locale.rawValue.prefix(2))
        let inLanguage = published.filter { $0.locale.hasPrefix(primary) }
        let widgetKey = try await Inbox.query(on: req.db).filter(\.$accountID == settings.accountID).filter(\.$active == true)
            .sort(\.$createdAt).first()?.widgetKey
        let pages = HelpPages(shopName: account.name, helpSlug: settings.helpSlug, locale: locale,
                              catalog: req.application.kefu.catalog(locale), widgetKey: widgetKey)
        return Context(settings: settings, pages: pages, locale: locale, articles: inLanguage.isEmpty ? published : inLanguage)
    }

    static func hotFirst(_ articles: [Article]) -> [Article] {
        let maxViews = articles.map(\.views).max() ?? 0
        let maxHelpful = articles.map(\.helpful).max() ?? 0
        return articles.map { ($0, Hotness.popularity(views: $0.views, helpful: $0.helpful, maxViews: maxViews, maxHelpful: maxHelpful)) }
            .sorted { ($0.1, $1.0.title) > ($1.1, $0.0.title) }.map(\.0)
    }

    func home(_ req: Request) async throws -> Response {
        let c = try await context(req)
        let hot = Array(Self.hotFirst(c.articles).prefix(10))
        let categories = KnowledgeStore.categoryTree(c.articles)
        return page(c.pages.home(hot: hot, categories: categories), req, c)
    }

    func category(_ req: Request) async throws -> Response {
        let c = try await context(req)
        let path = req.parameters.getCatchall().joined(separator: "/")
        let articles = Self.hotFirst(c.articles.filter { $0.category == path })
        let children = KnowledgeStore.categoryTree(c.articles).filter {
            $0.path.hasPrefix(path + "/") && $0.path.split(separator: "/").count == path.split(separator: "/").count + 1
        }
        guard !articles.isEmpty || !children.isEmpty else { return page(c.pages.notFound(), req, c, status: .notFound) }
        return page(c.pages.category(path: path, articles: articles, children: children), req, c)
    }

    func article(_ req: Request) async throws -> Response {
        let c = try await context(req)
        let slug = req.parameters.get("slug") ?? ""
        guard let article = try await Article.query(on: req.db).filter(\.$accountID == c.settings.accountID)
            .filter(\.$slug == slug.lowercased()).filter(\.$status == .published).first() else {
            return page(c.pages.notFound(), req, c, status: .notFound)
        }
        try await (req.db as! any SQLDatabase).raw("""
            UPDATE kb_articles SET views = views + 1 WHERE account_id = \(bind: article.accountID) AND id = \(bind: article.id!)
            """).run()
        var related = try await Article.query(on: req.db).filter(\.$accountID == c.settings.accountID)
            .filter(\.$slug ~~ article.related).filter(\.$status == .published).all()
        related.sort { (article.related.firstIndex(of: $0.slug) ?? 0) < (article.related.firstIndex(of: $1.slug) ?? 0) }
        if related.count < 3 {
            // Fill with the hottest questions of the same category.
            let taken = Set(related.compactMap(\.id))
            let more = Self.hotFirst(c.articles.filter { $0.category == article.category && $0.id != article.id && !taken.contains($0.id!) })
            related += more.prefix(3 - related.count)
        }
        let voted = req.cookies[Self.voteCookie(article)] != nil
        let html = KnowledgeStore.html(article.body, helpSlug: c.settings.helpSlug)
        return page(c.pages.article(article, html: html, related: related, voted: voted), req, c)
    }

    static func voteCookie(_ article: Article) -> String { "kefu_voted_" + article.id!.uuidString.prefix(8).lowercased() }

    struct VoteForm: Content {
        var helpful: String
    }

    func vote(_ req: Request) async throws -> Response {
        let c = try await context(req)
        let slug = req.parameters.get("slug") ?? ""
        guard let article = try await Article.query(on: req.db).filter(\.$accountID == c.settings.accountID)
            .filter(\.$slug == slug.lowercased()).filter(\.$status == .published).first() else {
            return page(c.pages.notFound(), req, c, status: .notFound)
        }
        guard let form = try? req.content.decode(VoteForm.self), form.helpful == "yes" || form.helpful == "no" else {
            throw DomainError.invalid("helpful", "helpful must be yes or no")
        }
        let target = c.pages.articleURL(article.slug)
        let response = req.redirect(to: target, redirectType: .normal)
        guard req.cookies[Self.voteCookie(article)] == nil else { return response }
        let key = "\(req.clientIP ?? "unknown")|\(article.id!)"
        if case .refused(let retry) = voteLimiter.withLockedValue({ $0.hit(key, now: req.now.timeIntervalSince1970) }) {
            throw DomainError(.rateLimited, code: "rate_limited", message: "too many votes; try again in \(retry) seconds", retryAfter: retry)
        }
        let column = form.helpful == "yes" ? "helpful" : "not_helpful"
        try await (req.db as! any SQLDatabase).raw("""
            UPDATE kb_articles SET \(unsafeRaw: column) = \(unsafeRaw: column) + 1 WHERE account_id = \(bind: article.accountID) AND id = \(bind: article.id!)
            """).run()
        response.cookies[Self.voteCookie(article)] = HTTPCookies.Value(
            string: form.helpful, expires: req.now.addingTimeInterval(365 * 86_400), path: c.pages.base,
            isSecure: req.application.kefu.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func search(_ req: Request) async throws -> Response {
        let c = try await context(req)
        let raw = req.query[String.self, at: "q"] ?? ""
        let query = String(raw.trimmingCharacters(in: .whitespacesAndNewlines).prefix(ArticleRules.maxQuery))
        guard !query.isEmpty else { return req.redirect(to: c.pages.base) }
        let index = try await req.application.knowledge.index(for: c.settings.accountID, on: req.db)
        let hits = index.search(query, limit: 20, locale: c.locale.rawValue).map { (title: $0.article.title, slug: $0.article.slug, snippet: $0.hit.snippet) }
        let tooLong = raw.count > ArticleRules.maxQuery
        return page(c.pages.search(query: query, hits: hits,
                                   error: tooLong ? req.application.kefu.catalog(c.locale).text("knowledge.help.queryTooLong", ["max": String(ArticleRules.maxQuery)]) : nil),
                    req, c)
    }

    /// Images in answers may come from the shop's own image host (https).
    static let contentSecurityPolicy = SecurityHeadersMiddleware.contentSecurityPolicy
        .replacingOccurrences(of: "img-src 'self' data: blob:", with: "img-src 'self' https: data:")

    func page(_ html: String, _ req: Request, _ c: Context, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        let response = Response(status: status, headers: headers, body: .init(string: html))
        if let chosen = req.query[String.self, at: "lang"].flatMap(UILocale.match) {
            response.cookies[Self.languageCookie] = HTTPCookies.Value(
                string: chosen.rawValue, expires: req.now.addingTimeInterval(365 * 86_400), path: "/help",
                isSecure: req.application.kefu.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
