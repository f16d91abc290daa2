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
    var synonyms: String
    /// The newest `updated_at` among the indexed articles.
    var watermark: Date
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

/// In-memory search indexes, one per shop, built from the database on first use. Every
/// search reads the shop's knowledge revision (one indexed row), so edits made on any instance
/// are seen at once; when it moved, or after ten minutes (so view and helpful counts reach the
/// ranking), the index is brought up to date incrementally: articles changed since the last
/// look are re-indexed, unpublished or deleted ones removed, popularity refreshed, synonyms
/// swapped. Every instance ranks with the same code over the same rows, so SQLite and
/// PostgreSQL give the same results.
actor KnowledgeIndex {
    private var shops: [UUID: ShopIndex] = [:]
    private let clock: any WallClock

    init(clock: any WallClock) {
        self.clock = clock
    }

    static let maxAge: TimeInterval = 600
    /// Articles edited this close before the watermark are re-indexed again, in case clocks
    /// of instances differ a little.
    static let clockSlack: TimeInterval = 120

    func index(for accountID: UUID, on db: any Database) async throws -> ShopIndex {
        let settings = try await KnowledgeStore.settings(accountID: accountID, now: clock.now(), on: db)
        if let cached = shops[accountID] {
            if cached.revision == settings.revision, cached.helpSlug == settings.helpSlug,
               clock.now().timeIntervalSince(cached.builtAt) < Self.maxAge {
                return cached
            }
            let refreshed = try await Self.refresh(cached, accountID: accountID, settings: settings, now: clock.now(), on: db)
            shops[accountID] = refreshed
            return refreshed
        }
        let built = try await Self.build(accountID: accountID, settings: settings, now: clock.now(), on: db)
        shops[accountID] = built
        return built
    }

    func forget(_ accountID: UUID) { shops[accountID] = nil }

    static func build(accountID: UUID, settings: KnowledgeSettings, now: Date, on db: any Database) async throws -> ShopIndex {
        let rows = try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$status == .published).all()
        let maxViews = rows.map(\.views).max() ?? 0
        let maxHelpful = rows.map(\.helpful).max() ?? 0
        let engine = SearchEngine(documents: rows.map { $0.searchDocument(maxViews: maxViews, maxHelpful: maxHelpful) },
                                  synonyms: Synonyms.parse(settings.synonyms))
        var articles: [String: IndexedArticle] = [:]
        for row in rows { articles[row.slug] = indexed(row) }
        return ShopIndex(revision: settings.revision, builtAt: now, helpSlug: settings.helpSlug, synonyms: settings.synonyms,
                         watermark: rows.map(\.updatedAt).max() ?? .distantPast, engine: engine, articles: articles)
    }

    /// Brings an index up to date reading only what changed (plus one light row per article).
    static func refresh(_ old: ShopIndex, accountID: UUID, settings: KnowledgeSettings, now: Date, on db: any Database) async throws -> ShopIndex {
        var index = old
        let light = try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$status == .published)
            .field(\.$id).field(\.$slug).field(\.$updatedAt).field(\.$views).field(\.$helpful).all()
        let published = Set(light.map(\.slug))
        for slug in index.articles.keys where !published.contains(slug) {
            index.engine.remove(id: slug)
            index.articles[slug] = nil
        }
        let since = old.watermark.addingTimeInterval(-clockSlack)
        let changedIDs = light.filter { $0.updatedAt >= since || index.articles[$0.slug] == nil }.compactMap(\.id)
        if changedIDs.count > max(100, light.count / 4) {
            // A large import: building anew is cheaper than replacing most documents one by one.
            return try await build(accountID: accountID, settings: settings, now: now, on: db)
        }
        var slugByID = Dictionary(index.articles.values.map { ($0.id, $0.slug) }, uniquingKeysWith: { a, _ in a })
        let maxViews = light.map(\.views).max() ?? 0
        let maxHelpful = light.map(\.helpful).max() ?? 0
        if !changedIDs.isEmpty {
            for row in try await Article.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ changedIDs).all()
            where row.status == .published {
                if let previous = slugByID[row.id!], previous != row.slug {
                    index.engine.remove(id: previous)
                    index.articles[previous] = nil
                }
                slugByID[row.id!] = row.slug
                index.engine.upsert(row.searchDocument(maxViews: maxViews, maxHelpful: maxHelpful))
                index.articles[row.slug] = indexed(row)
            }
        }
        for row in light {
            index.engine.setPopularity(id: row.slug, Hotness.popularity(views: row.views, helpful: row.helpful,
                                                                        maxViews: maxViews, maxHelpful: maxHelpful))
            index.articles[row.slug]?.views = row.views
            index.articles[row.slug]?.helpful = row.helpful
        }
        if settings.synonyms != old.synonyms {
            index.engine.setSynonyms(Synonyms.parse(settings.synonyms))
            index.synonyms = settings.synonyms
        }
        index.revision = settings.revision
        index.helpSlug = settings.helpSlug
        index.builtAt = now
        index.watermark = max(old.watermark, light.map(\.updatedAt).max() ?? old.watermark)
        return index
    }

    static func indexed(_ row: Article) -> IndexedArticle {
        IndexedArticle(id: row.id!, slug: row.slug, title: row.title, locale: row.locale, category: row.category,
                       answer: MarkdownText.plain(row.body), views: row.views, helpful: row.helpful)
    }
}

private struct KnowledgeIndexKey: StorageKey { typealias Value = KnowledgeIndex }

extension Application {
    /// Set once in `configure`.
    var knowledge: KnowledgeIndex {
        get { configured(KnowledgeIndexKey.self) }
        set { storage[KnowledgeIndexKey.self] = newValue }
    }
}
