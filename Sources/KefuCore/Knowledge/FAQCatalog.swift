import Foundation

/// Article popularity for the hotness prior and "hot questions first".
public enum Hotness {
    /// 0...1: 0.7 × log-scaled views + 0.3 × log-scaled helpful votes, each relative to the
    /// shop's maximum, so one viral article does not flatten the rest.
    public static func popularity(views: Int, helpful: Int, maxViews: Int, maxHelpful: Int) -> Double {
        func share(_ value: Int, _ maximum: Int) -> Double {
            maximum > 0 ? log1p(Double(max(value, 0))) / log1p(Double(maximum)) : 0
        }
        return min(1, max(0, 0.7 * share(views, maxViews) + 0.3 * share(helpful, maxHelpful)))
    }
}

/// A FAQ file (the demo shop's `Resources/Knowledge/demo-faq.zh-CN.json`, and the JSON
/// import/export format): shop-wide synonym lines plus articles.
public struct FAQCatalog: Sendable, Hashable, Codable {
    public var shop: String?
    /// Synonym lines in the ``Synonyms/parse(_:weight:)`` syntax.
    public var synonyms: [String]
    public var articles: [FAQArticle]

    public init(shop: String? = nil, synonyms: [String] = [], articles: [FAQArticle] = []) {
        self.shop = shop
        self.synonyms = synonyms
        self.articles = articles
    }

    public static func decode(_ data: Data) throws -> FAQCatalog {
        try JSONDecoder().decode(FAQCatalog.self, from: data)
    }

    public var parsedSynonyms: Synonyms { Synonyms.parse(synonyms.joined(separator: "\n")) }

    /// The articles as search documents, popularity from views and helpful votes.
    public var searchDocuments: [SearchDocument] {
        let maxViews = articles.map(\.views).max() ?? 0
        let maxHelpful = articles.map(\.helpful).max() ?? 0
        return articles.map { $0.searchDocument(maxViews: maxViews, maxHelpful: maxHelpful) }
    }

    /// A ready engine over the catalog.
    public func makeEngine(parameters: SearchParameters = SearchParameters()) -> SearchEngine {
        SearchEngine(documents: searchDocuments, synonyms: parsedSynonyms, parameters: parameters)
    }
}

/// One FAQ article as stored in a catalog file.
public struct FAQArticle: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    /// Markdown.
    public var body: String
    /// Category path, levels separated by "/", e.g. "售后/退换货".
    public var category: String
    public var tags: [String]
    /// Other ways shoppers ask this question.
    public var synonyms: [String]
    public var locale: String
    public var views: Int
    public var helpful: Int
    /// Ids of related articles (links between questions).
    public var related: [String]

    public init(id: String, title: String, body: String, category: String, tags: [String] = [], synonyms: [String] = [], locale: String = "zh-CN", views: Int = 0, helpful: Int = 0, related: [String] = []) {
        self.id = id
        self.title = title
        self.body = body
        self.category = category
        self.tags = tags
        self.synonyms = synonyms
        self.locale = locale
        self.views = views
        self.helpful = helpful
        self.related = related
    }

    enum CodingKeys: String, CodingKey {
        case id, title, body, category, tags, synonyms, locale, views, helpful, related
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        body = try c.decode(String.self, forKey: .body)
        category = try c.decodeIfPresent(String.self, forKey: .category) ?? ""
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        synonyms = try c.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        locale = try c.decodeIfPresent(String.self, forKey: .locale) ?? "zh-CN"
        views = try c.decodeIfPresent(Int.self, forKey: .views) ?? 0
        helpful = try c.decodeIfPresent(Int.self, forKey: .helpful) ?? 0
        related = try c.decodeIfPresent([String].self, forKey: .related) ?? []
    }

    public func searchDocument(maxViews: Int, maxHelpful: Int) -> SearchDocument {
        SearchDocument(
            id: id, title: title, body: body, tags: tags,
            synonymsField: synonyms.isEmpty ? nil : synonyms.joined(separator: "；"),
            locale: locale,
            popularity: Hotness.popularity(views: views, helpful: helpful, maxViews: maxViews, maxHelpful: maxHelpful))
    }
}
