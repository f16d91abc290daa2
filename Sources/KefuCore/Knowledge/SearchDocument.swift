/// One searchable article, as the engine sees it.
public struct SearchDocument: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    /// Markdown; indexed and cut into snippets as plain text (``MarkdownText/plain(_:)``).
    public var body: String
    public var tags: [String]
    /// Other ways shoppers ask the same question, indexed as a field of its own.
    public var synonymsField: String?
    /// BCP 47 tag, e.g. "zh-CN", "en", "ko".
    public var locale: String
    /// 0...1, from views and helpful votes (``Hotness/popularity(views:helpful:maxViews:maxHelpful:)``).
    public var popularity: Double

    public init(id: String, title: String, body: String, tags: [String] = [], synonymsField: String? = nil, locale: String = "zh-CN", popularity: Double = 0) {
        self.id = id
        self.title = title
        self.body = body
        self.tags = tags
        self.synonymsField = synonymsField
        self.locale = locale
        self.popularity = popularity
    }
}

/// One ranked result.
public struct SearchHit: Sendable, Hashable {
    public var id: String
    public var title: String
    /// Final score: BM25F × hotness prior × locale factor.
    public var score: Double
    /// At most ``SearchParameters/snippetLength`` characters of the original body (Markdown
    /// markup removed, whitespace collapsed, otherwise unchanged) around the best-matching
    /// query term; "…" marks a cut.
    public var snippet: String
    /// Share (0...1) of the query's IDF weight that this article matched: terms the shopper
    /// typed (or their synonyms) found in it, over all terms typed. Used by ``ConfidencePolicy``.
    public var coverage: Double

    public init(id: String, title: String, score: Double, snippet: String, coverage: Double) {
        self.id = id
        self.title = title
        self.score = score
        self.snippet = snippet
        self.coverage = coverage
    }
}

/// Which languages a search should return.
public enum LocaleFilter: Sendable, Hashable {
    /// All articles.
    case any
    /// All articles, those in another language (by primary subtag: "zh-TW" matches "zh-CN")
    /// scaled by ``SearchParameters/otherLocaleFactor``.
    case prefer(String)
    /// Only articles in this language (primary subtag).
    case only(String)

    static func primary(_ tag: String) -> Substring {
        tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { Substring($0.lowercased()) } ?? ""
    }
}

/// Weight and length normalisation of one field (BM25F).
public struct FieldParameters: Sendable, Hashable {
    public var weight: Double
    public var b: Double
    public init(weight: Double, b: Double) {
        self.weight = weight
        self.b = b
    }
}

/// Ranking parameters; the defaults are the tuned ones (see docs/benchmarks.md).
public struct SearchParameters: Sendable, Hashable {
    public var k1: Double = 1.2
    public var title = FieldParameters(weight: 2.5, b: 0.75)
    public var body = FieldParameters(weight: 1.0, b: 0.75)
    public var tags = FieldParameters(weight: 2.0, b: 0.5)
    public var synonyms = FieldParameters(weight: 1.5, b: 0.5)
    /// Hotness prior: final = bm25 × (1 + popularityWeight × popularity).
    public var popularityWeight: Double = 0.1
    /// Query weight of a Han character that a bigram of the query already covers.
    public var extraUnigramWeight: Double = 0.3
    /// Query weight of a Chinese question word ("怎么", "多久").
    public var functionWordWeight: Double = 0.4
    /// Score factor for articles in another language under ``LocaleFilter/prefer(_:)``.
    public var otherLocaleFactor: Double = 0.8
    /// Queries are cut to this many normalised scalars and this many distinct terms.
    public var maxQueryScalars: Int = 256
    public var maxQueryTerms: Int = 64
    /// Snippet length in characters (ellipses included).
    public var snippetLength: Int = 80

    public init() {}
}
