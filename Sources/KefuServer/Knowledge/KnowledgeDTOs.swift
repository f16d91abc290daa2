import Foundation
import KefuCore
import Vapor

struct ArticleDTO: Content {
    var id: UUID
    var slug: String
    var locale: String
    var title: String
    var body: String
    /// Sanitised HTML of the answer; in single-article answers only.
    var bodyHtml: String?
    var category: String
    var tags: [String]
    var synonyms: [String]
    var related: [String]
    var status: ArticleStatus
    var views: Int
    var helpful: Int
    var notHelpful: Int
    var createdAt: Date
    var updatedAt: Date
    /// The public help-centre page.
    var url: String
}

struct ArticleListDTO: Content {
    struct Category: Content {
        var path: String
        var count: Int
    }
    var items: [ArticleDTO]
    var total: Int
    var categories: [Category]
}

/// Create (all required fields) and update (any field) of an article.
struct ArticleInput: StrictContent {
    static let allowedFields: Set<String> = ["slug", "locale", "title", "body", "category", "tags", "synonyms", "related", "status"]
    var slug: String?
    var locale: String?
    var title: String?
    var body: String?
    var category: String?
    var tags: [String]?
    var synonyms: [String]?
    var related: [String]?
    var status: String?
}

struct PreviewRequest: StrictContent {
    static let allowedFields: Set<String> = ["body"]
    var body: String
}

struct PreviewDTO: Content {
    var html: String
}

struct KnowledgeSettingsDTO: Content {
    var helpSlug: String
    var helpUrl: String
    var synonyms: [String]
}

struct KnowledgeSettingsInput: StrictContent {
    static let allowedFields: Set<String> = ["helpSlug", "synonyms"]
    var helpSlug: String?
    var synonyms: [String]?
}

struct SearchHitDTO: Content {
    var id: UUID
    var slug: String
    var title: String
    var snippet: String
    var score: Double
    var coverage: Double
    var url: String
    /// The answer as plain text (agents insert it into the composer); absent on the public search.
    var answer: String?
}

struct KnowledgeSearchDTO: Content {
    /// What the bot would do with these hits: "answer", "suggest" or "none".
    var decision: String
    var items: [SearchHitDTO]
}

struct SuggestionsDTO: Content {
    /// The shopper's last message the suggestions are for.
    var question: String?
    var items: [SearchHitDTO]
}

struct PublicSearchDTO: Content {
    var items: [SearchHitDTO]
}

struct ImportResultDTO: Content {
    var created: Int
    var updated: Int
}

struct UnansweredGroupDTO: Content {
    var key: String
    var representative: String
    var count: Int
    var examples: [String]
    var lastAskedAt: Date
    var ids: [UUID]
}

struct UnansweredListDTO: Content {
    var groups: [UnansweredGroupDTO]
    var total: Int
}

struct DismissRequest: StrictContent {
    static let allowedFields: Set<String> = ["ids"]
    var ids: [UUID]
}

struct DismissResultDTO: Content {
    var dismissed: Int
}

extension AnswerDecision {
    var name: String {
        switch self {
        case .answer: "answer"
        case .suggest: "suggest"
        case .noAnswer: "none"
        }
    }
}
