import Fluent
import Foundation
import KefuCore
import Vapor

/// The JSON import/export file: shop-wide synonyms and the articles
/// (the same shape as `Resources/Knowledge/demo-faq.zh-CN.json`, plus `status`).
struct KnowledgeFile: Codable {
    struct Entry: Codable {
        /// The article's slug (`slug` is accepted too).
        var id: String?
        var slug: String?
        var title: String
        var body: String
        var category: String?
        var tags: [String]?
        var synonyms: [String]?
        var related: [String]?
        var locale: String?
        var status: String?
        var views: Int?
        var helpful: Int?
    }
    var shop: String?
    var synonyms: [String]?
    var articles: [Entry]
}

/// Import and export of a shop's articles as JSON or CSV. An import is all or nothing:
/// every entry is checked first, and a bad one is reported by number and slug with nothing stored.
enum KnowledgeTransfer {
    enum Format: String {
        case json, csv

        static func parse(_ raw: String?) throws(DomainError) -> Format {
            guard let raw, let format = Format(rawValue: raw.lowercased()) else {
                throw DomainError.invalid("format", "format must be json or csv; got '\(raw ?? "")'")
            }
            return format
        }
    }

    static func decode(_ data: Data, format: Format) throws -> KnowledgeFile {
        switch format {
        case .json:
            do {
                return try JSONDecoder().decode(KnowledgeFile.self, from: data)
            } catch let error as DecodingError {
                throw DecodingErrorMapper.domainError(error)
            } catch {
                throw DomainError(.invalid, code: "malformed_json", message: "the file is not valid JSON")
            }
        case .csv:
            guard let text = String(data: data, encoding: .utf8) else {
                throw DomainError(.invalid, code: "invalid_encoding", message: "the CSV file must be UTF-8 text")
            }
            let rows = try FAQCSV.parse(text)
            return KnowledgeFile(shop: nil, synonyms: nil, articles: rows.map {
                KnowledgeFile.Entry(id: nil, slug: $0.slug.isEmpty ? nil : $0.slug, title: $0.title, body: $0.body, category: $0.category,
                                    tags: $0.tags, synonyms: $0.synonyms, related: $0.related, locale: $0.locale, status: $0.status)
            })
        }
    }

    /// Stores the file's articles (created or updated by slug) and, for JSON files that carry
    /// them, the shop's synonyms, in one transaction.
    static func importFile(_ file: KnowledgeFile, accountID: UUID, now: Date, on db: any Database) async throws -> ImportResultDTO {
        guard file.articles.count <= ArticleRules.maxImportArticles else {
            throw DomainError(.tooLarge, code: "too_many_articles",
                              message: "the file holds \(file.articles.count) articles; at most \(ArticleRules.maxImportArticles) per import")
        }
        let existing = try await Article.query(on: db).filter(\.$accountID == accountID).all()
        var bySlug = Dictionary(existing.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        var slugsInFile = Set<String>()
        var prepared: [(Article, [String], Bool)] = []
        for (index, entry) in file.articles.enumerated() {
            let label = "article \(index + 1)" + ((entry.slug ?? entry.id).map { " ('\($0)')" } ?? "")
            do {
                let rawSlug = entry.slug ?? entry.id
                var slug = try rawSlug.map { raw throws(DomainError) in try ArticleRules.slug(raw) }
                if slug == nil {
                    let base = ArticleRules.slug(fromTitle: entry.title) ?? "a-" + UUID().uuidString.lowercased().prefix(8)
                    var candidate = base
                    var n = 2
                    while bySlug[candidate] != nil || slugsInFile.contains(candidate) { candidate = "\(base)-\(n)"; n += 1 }
                    slug = candidate
                }
                guard let slug, slugsInFile.insert(slug).inserted else {
                    throw DomainError.invalid("slug", "the slug appears twice in the file")
                }
                let article = bySlug[slug] ?? Article(accountID: accountID, slug: slug, now: now)
                let creating = article.id == nil
                article.title = try ArticleRules.title(entry.title)
                article.body = try ArticleRules.body(entry.body)
                article.category = try ArticleRules.category(entry.category ?? "")
                article.tags = try ArticleRules.list(entry.tags ?? [], field: "tags")
                article.synonyms = try ArticleRules.list(entry.synonyms ?? [], field: "synonyms")
                article.locale = try ArticleRules.locale(entry.locale ?? "zh-CN")
                let statusRaw = entry.status ?? "published"
                guard let status = ArticleStatus(rawValue: statusRaw) else {
                    throw DomainError.invalid("status", "status must be draft or published; got '\(statusRaw)'")
                }
                article.status = status
                if creating {
                    article.views = max(0, entry.views ?? 0)
                    article.helpful = max(0, entry.helpful ?? 0)
                }
                article.updatedAt = now
                let related = try ArticleRules.related(entry.related ?? [], own: slug)
                bySlug[slug] = article
                prepared.append((article, related, creating))
            } catch let error as DomainError {
                throw DomainError(.invalid, code: "import_invalid", message: "\(label): \(error.message)", field: error.field)
            }
        }
        for (index, item) in prepared.enumerated() {
            if let missing = item.1.first(where: { bySlug[$0] == nil }) {
                throw DomainError(.invalid, code: "import_invalid",
                                  message: "article \(index + 1) ('\(item.0.slug)'): related article '\(missing)' does not exist", field: "related")
            }
            item.0.related = item.1
        }
        let synonyms = try file.synonyms.map { raw throws(DomainError) in try ArticleRules.synonymLines(raw) }
        let items = prepared.map { (article: $0.0, creating: $0.2) }
        try await db.transaction { tx in
            for item in items {
                if item.creating { try await item.article.create(on: tx) } else { try await item.article.save(on: tx) }
            }
            let settings = try await KnowledgeStore.settings(accountID: accountID, now: now, on: tx)
            if let synonyms { settings.synonyms = synonyms.joined(separator: "\n") }
            settings.revision += 1
            settings.updatedAt = now
            try await settings.save(on: tx)
        }
        let created = items.filter(\.creating).count
        let updated = items.count - created
        return ImportResultDTO(created: created, updated: updated)
    }

    static func export(accountID: UUID, format: Format, now: Date, on db: any Database) async throws -> (data: Data, contentType: String) {
        let articles = try await Article.query(on: db).filter(\.$accountID == accountID).sort(\.$category).sort(\.$slug).all()
        switch format {
        case .json:
            let settings = try await KnowledgeStore.settings(accountID: accountID, now: now, on: db)
            let file = KnowledgeFile(shop: nil, synonyms: settings.synonymLines, articles: articles.map {
                .init(id: $0.slug, slug: nil, title: $0.title, body: $0.body, category: $0.category, tags: $0.tags, synonyms: $0.synonyms,
                      related: $0.related, locale: $0.locale, status: $0.status.rawValue, views: $0.views, helpful: $0.helpful)
            })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return (try encoder.encode(file), "application/json; charset=utf-8")
        case .csv:
            let rows = articles.map {
                FAQCSVRow(slug: $0.slug, locale: $0.locale, title: $0.title, body: $0.body, category: $0.category, tags: $0.tags,
                          synonyms: $0.synonyms, related: $0.related, status: $0.status.rawValue)
            }
            // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
            return (Data(("\u{FEFF}" + FAQCSV.export(rows)).utf8), "text/csv; charset=utf-8")
        }
    }
}
