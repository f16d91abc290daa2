import Fluent
import Foundation
import KefuCore

/// Whether shoppers can see an article.
enum ArticleStatus: String, Codable, CaseIterable, Sendable {
    case draft, published
}

/// One FAQ article of a shop: a question (title) and its Markdown answer, with its place in
/// the category tree ("售后/退换货"), tags, other ways shoppers ask it, related articles,
/// and the counters behind "hot questions first".
final class Article: Model, @unchecked Sendable {
    static let schema = "kb_articles"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "slug") var slug: String
    @Field(key: "locale") var locale: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "category") var category: String
    /// JSON arrays of strings.
    @Field(key: "tags") var tagsJSON: String
    @Field(key: "synonyms") var synonymsJSON: String
    @Field(key: "related") var relatedJSON: String
    @Enum(key: "status") var status: ArticleStatus
    @Field(key: "views") var views: Int
    @Field(key: "helpful") var helpful: Int
    @Field(key: "not_helpful") var notHelpful: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(accountID: UUID, slug: String, now: Date) {
        self.accountID = accountID
        self.slug = slug
        locale = "zh-CN"
        title = ""
        body = ""
        category = ""
        tagsJSON = "[]"
        synonymsJSON = "[]"
        relatedJSON = "[]"
        status = .published
        views = 0
        helpful = 0
        notHelpful = 0
        createdAt = now
        updatedAt = now
    }

    var tags: [String] {
        get { JSONList.decode(tagsJSON) }
        set { tagsJSON = JSONList.encode(newValue) }
    }
    var synonyms: [String] {
        get { JSONList.decode(synonymsJSON) }
        set { synonymsJSON = JSONList.encode(newValue) }
    }
    var related: [String] {
        get { JSONList.decode(relatedJSON) }
        set { relatedJSON = JSONList.encode(newValue) }
    }

    /// The article as the search engine indexes it.
    func searchDocument(maxViews: Int, maxHelpful: Int) -> SearchDocument {
        FAQArticle(id: slug, title: title, body: body, category: category, tags: tags, synonyms: synonyms, locale: locale,
                   views: views, helpful: helpful, related: related).searchDocument(maxViews: maxViews, maxHelpful: maxHelpful)
    }
}

/// A shop's knowledge settings: the help centre's public address, shop-wide synonyms, and a
/// revision bumped by every change to articles or synonyms (search caches compare it).
final class KnowledgeSettings: Model, @unchecked Sendable {
    static let schema = "kb_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "help_slug") var helpSlug: String
    /// Synonym lines (``Synonyms/parse(_:weight:)`` syntax), newline separated.
    @Field(key: "synonyms") var synonyms: String
    @Field(key: "revision") var revision: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(accountID: UUID, helpSlug: String, now: Date) {
        self.accountID = accountID
        self.helpSlug = helpSlug
        synonyms = ""
        revision = 1
        updatedAt = now
    }

    var synonymLines: [String] {
        synonyms.split(whereSeparator: \.isNewline).map { String($0) }
    }
}

/// A shopper's question the FAQ bot found no answer for; grouped for the knowledge owners
/// (``QuestionGrouper``).
final class AskedQuestion: Model, @unchecked Sendable {
    static let schema = "kb_unanswered"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @OptionalField(key: "inbox_id") var inboxID: UUID?
    @OptionalField(key: "conversation_id") var conversationID: UUID?
    @Field(key: "question") var question: String
    @Field(key: "locale") var locale: String
    @Field(key: "asked_at") var askedAt: Date
    @OptionalField(key: "dismissed_at") var dismissedAt: Date?

    init() {}

    init(accountID: UUID, inboxID: UUID?, conversationID: UUID?, question: String, locale: String, askedAt: Date) {
        self.accountID = accountID
        self.inboxID = inboxID
        self.conversationID = conversationID
        self.question = question
        self.locale = locale
        self.askedAt = askedAt
    }
}

/// String lists stored as JSON text (portable across SQLite and PostgreSQL).
enum JSONList {
    static func encode(_ values: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "[]"
    }

    static func decode(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}
