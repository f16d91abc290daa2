import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Reading and changing a shop's knowledge: settings, articles, imports. Every change
/// bumps the shop's knowledge revision in the same transaction, so search indexes on every
/// instance rebuild.
enum KnowledgeStore {
    // MARK: settings

    /// The shop's settings, created with a default help-centre address on first use.
    static func settings(accountID: UUID, now: Date, on db: any Database) async throws -> KnowledgeSettings {
        if let found = try await KnowledgeSettings.query(on: db).filter(\.$accountID == accountID).first() { return found }
        let fresh = KnowledgeSettings(accountID: accountID, helpSlug: defaultHelpSlug(accountID), now: now)
        do {
            try await fresh.create(on: db)
            return fresh
        } catch {
            // Another request created it first.
            if let found = try await KnowledgeSettings.query(on: db).filter(\.$accountID == accountID).first() { return found }
            throw error
        }
    }

    static func defaultHelpSlug(_ accountID: UUID) -> String {
        "shop-" + accountID.uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
    }

    /// Marks the shop's knowledge as changed (search indexes rebuild).
    static func bump(accountID: UUID, now: Date, on db: any Database) async throws {
        _ = try await settings(accountID: accountID, now: now, on: db)
        try await (db as! any SQLDatabase).raw("""
            UPDATE kb_settings SET revision = revision + 1, updated_at = \(bind: now) WHERE account_id = \(bind: accountID)
            """).run()
    }

    static func update(_ settings: KnowledgeSettings, with input: KnowledgeSettingsInput, now: Date, on db: any Database) async throws -> [String: String] {
        var changes: [String: String] = [:]
        if let raw = input.helpSlug {
            let slug = try ArticleRules.slug(raw, field: "helpSlug")
            if slug != settings.helpSlug {
                if try await KnowledgeSettings.query(on: db).filter(\.$helpSlug == slug).filter(\.$accountID != settings.accountID).first() != nil {
                    throw DomainError.conflict("helpSlug", "the help-centre address '\(slug)' is taken")
                }
                settings.helpSlug = slug
                changes["helpSlug"] = slug
            }
        }
        if let raw = input.synonyms {
            settings.synonyms = try ArticleRules.synonymLines(raw).joined(separator: "\n")
            changes["synonyms"] = String(settings.synonymLines.count)
        }
        settings.revision += 1
        settings.updatedAt = now
        try await settings.save(on: db)
        return changes
    }

    static func settingsDTO(_ settings: KnowledgeSettings) -> KnowledgeSettingsDTO {
        KnowledgeSettingsDTO(helpSlug: settings.helpSlug, helpUrl: helpPath(settings.helpSlug), synonyms: settings.synonymLines)
    }

    // MARK: addresses

    static func helpPath(_ helpSlug: String) -> String { "/help/\(helpSlug)" }
    static func articlePath(_ helpSlug: String, _ slug: String) -> String { "/help/\(helpSlug)/a/\(slug)" }

    /// Answer Markdown as sanitised HTML; `article:SLUG` links point at the help centre.
    static func html(_ body: String, helpSlug: String) -> String {
        MarkdownHTML.render(body) { url in
            if url.hasPrefix("article:") {
                return (try? ArticleRules.slug(String(url.dropFirst("article:".count)))).map { articlePath(helpSlug, $0) }
            }
            return MarkdownHTML.safeURL(url)
        }
    }

    // MARK: articles

    static func dto(_ a: Article, helpSlug: String, withHTML: Bool) -> ArticleDTO {
        ArticleDTO(id: a.id!, slug: a.slug, locale: a.locale, title: a.title, body: a.body,
                   bodyHtml: withHTML ? html(a.body, helpSlug: helpSlug) : nil, category: a.category, tags: a.tags,
                   synonyms: a.synonyms, related: a.related, status: a.status, views: a.views, helpful: a.helpful,
                   notHelpful: a.notHelpful, createdAt: a.createdAt, updatedAt: a.updatedAt, url: articlePath(helpSlug, a.slug))
    }

    static func find(_ id: UUID?, accountID: UUID, on db: any Database) async throws -> Article {
        guard let id, let article = try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("article")
        }
        return article
    }

    /// Applies validated input to an article; on create, title and body are required.
    /// Returns the changed field names (for the audit log).
    @discardableResult
    static func apply(_ input: ArticleInput, to article: Article, creating: Bool, now: Date, on db: any Database) async throws -> [String] {
        var changed: [String] = []
        if creating {
            if input.title == nil { throw DomainError.invalid("title", "title is required") }
            if input.body == nil { throw DomainError.invalid("body", "body is required") }
        }
        if let raw = input.title { article.title = try ArticleRules.title(raw); changed.append("title") }
        if let raw = input.body { article.body = try ArticleRules.body(raw); changed.append("body") }
        if let raw = input.locale { article.locale = try ArticleRules.locale(raw); changed.append("locale") }
        if let raw = input.category { article.category = try ArticleRules.category(raw); changed.append("category") }
        if let raw = input.tags { article.tags = try ArticleRules.list(raw, field: "tags"); changed.append("tags") }
        if let raw = input.synonyms { article.synonyms = try ArticleRules.list(raw, field: "synonyms"); changed.append("synonyms") }
        if let raw = input.status {
            guard let status = ArticleStatus(rawValue: raw) else {
                throw DomainError.invalid("status", "status must be draft or published; got '\(raw)'")
            }
            article.status = status
            changed.append("status")
        }
        if let raw = input.slug {
            let slug = try ArticleRules.slug(raw)
            if slug != article.slug || creating {
                try await ensureSlugFree(slug, accountID: article.accountID, except: article.id, on: db)
                article.slug = slug
                changed.append("slug")
            }
        } else if creating {
            article.slug = try await freeSlug(base: ArticleRules.slug(fromTitle: article.title), accountID: article.accountID, on: db)
        }
        if let raw = input.related {
            let related = try ArticleRules.related(raw, own: article.slug)
            if !related.isEmpty {
                let known = Set(try await Article.query(on: db).filter(\.$accountID == article.accountID).filter(\.$slug ~~ related).all(\.$slug))
                if let missing = related.first(where: { !known.contains($0) }) {
                    throw DomainError.invalid("related", "related article '\(missing)' does not exist")
                }
            }
            article.related = related
            changed.append("related")
        }
        article.updatedAt = now
        return changed
    }

    static func ensureSlugFree(_ slug: String, accountID: UUID, except id: UUID?, on db: any Database) async throws {
        var query = Article.query(on: db).filter(\.$accountID == accountID).filter(\.$slug == slug)
        if let id { query = query.filter(\.$id != id) }
        if try await query.first() != nil { throw DomainError.conflict("slug", "an article with the address '\(slug)' already exists") }
    }

    /// `base` if free, else `base-2`, `base-3` …; a random "a-1b2c3d4e" without a base.
    static func freeSlug(base: String?, accountID: UUID, on db: any Database) async throws -> String {
        guard let base else {
            return "a-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(8)
        }
        let taken = Set(try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$slug =~ base).all(\.$slug))
        if !taken.contains(base) { return base }
        var n = 2
        while taken.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }

    /// Category paths with the number of articles filed directly under each (clients build the tree).
    static func categories(_ articles: [Article]) -> [ArticleListDTO.Category] {
        let counts = Dictionary(grouping: articles.filter { !$0.category.isEmpty }, by: \.category).mapValues(\.count)
        return counts.keys.sorted().map { .init(path: $0, count: counts[$0]!) }
    }

    /// Every category path with its parents, each counting the articles under it at any depth
    /// ("售后" counts "售后/退换货"), largest first among siblings: the help centre's tree.
    static func categoryTree(_ articles: [Article]) -> [(path: String, count: Int)] {
        var counts: [String: Int] = [:]
        for a in articles where !a.category.isEmpty {
            let parts = a.category.split(separator: "/")
            for depth in 1...parts.count { counts[parts.prefix(depth).joined(separator: "/"), default: 0] += 1 }
        }
        return counts.map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
    }
}
