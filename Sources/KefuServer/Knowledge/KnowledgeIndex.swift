import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// What a search returns about an article beyond the engine's hit.
struct IndexedArticle: Sendable {
    var id: UUID
    var slug: String
    var title: String
    var locale: String
    var category: String
    /// The answer as plain text (Markdown removed), for the composer and the bot.
    var answer: String
    var views: Int
    var helpful: Int
}

/// One shop's published articles in a search engine, with the revision it was built from.
struct ShopIndex: Sendable {
    var revision: Int
    var builtAt: Date
    var helpSlug: String
    var engine: SearchEngine
    var articles: [String: IndexedArticle]

    /// Ranked hits with their articles, in one language family first. Hits that match less
    /// than `minimumCoverage` of the question's weight (a stray common character) are left out,
    /// so "nothing found" is said instead of listing unrelated articles.
    func search(_ query: String, limit: Int, locale: String?,
                minimumCoverage: Double = ConfidencePolicy().minimumCoverage) -> [(hit: SearchHit, article: IndexedArticle)] {
        let filter: LocaleFilter = locale.map { .prefer($0) } ?? .any
        return engine.search(query, limit: limit, locale: filter).compactMap { hit in
            guard hit.coverage >= minimumCoverage else { return nil }
            return articles[hit.id].map { (hit, $0) }
        }
    }

    /// Published articles, hottest first (views and helpful votes).
    func hot(limit: Int, locale: String?) -> [IndexedArticle] {
        let primary = locale.map { String($0.prefix(2)) }
        return articles.values
            .filter { primary == nil || $0.locale.hasPrefix(primary!) }
            .sorted { ($0.views + 3 * $0.helpful, $1.slug) > ($1.views + 3 * $1.helpful, $0.slug) }
            .prefix(limit).map { $0 }
    }
}

/// In-memory search indexes, one per shop, built from the database on first use and
/// rebuilt when the shop's knowledge revision changes (every instance checks the revision
/// on each search, so edits on one instance are seen by all) or after ten minutes (so
/// view and helpful counts reach the ranking). Every instance ranks with the same code
/// over the same rows, so SQLite and PostgreSQL give the same results.
actor KnowledgeIndex {
    private var shops: [UUID: ShopIndex] = [:]
    static let maxAge: TimeInterval = 600

    func index(for accountID: UUID, on db: any Database) async throws -> ShopIndex {
        let settings = try await KnowledgeStore.settings(accountID: accountID, on: db)
        if let cached = shops[accountID], cached.revision == settings.revision, cached.helpSlug == settings.helpSlug,
           Date().timeIntervalSince(cached.builtAt) < Self.maxAge {
            return cached
        }
        let built = try await Self.build(accountID: accountID, settings: settings, on: db)
        shops[accountID] = built
        return built
    }

    func forget(_ accountID: UUID) { shops[accountID] = nil }

    static func build(accountID: UUID, settings: KnowledgeSettings, on db: any Database) async throws -> ShopIndex {
        let rows = try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$status == .published).all()
        let maxViews = rows.map(\.views).max() ?? 0
        let maxHelpful = rows.map(\.helpful).max() ?? 0
        let engine = SearchEngine(documents: rows.map { $0.searchDocument(maxViews: maxViews, maxHelpful: maxHelpful) },
                                  synonyms: Synonyms.parse(settings.synonyms))
        var articles: [String: IndexedArticle] = [:]
        for row in rows {
            articles[row.slug] = IndexedArticle(id: row.id!, slug: row.slug, title: row.title, locale: row.locale, category: row.category,
                                                answer: MarkdownText.plain(row.body), views: row.views, helpful: row.helpful)
        }
        return ShopIndex(revision: settings.revision, builtAt: Date(), helpSlug: settings.helpSlug, engine: engine, articles: articles)
    }
}

private struct KnowledgeIndexKey: StorageKey { typealias Value = KnowledgeIndex }

extension Application {
    /// Set once in `configure`.
    var knowledge: KnowledgeIndex {
        get {
            guard let index = storage[KnowledgeIndexKey.self] else { fatalError("KefuServer.configure(_:settings:) was not called") }
            return index
        }
        set { storage[KnowledgeIndexKey.self] = newValue }
    }
}
