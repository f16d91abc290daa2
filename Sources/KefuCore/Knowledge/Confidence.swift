/// What a FAQ bot should do with a set of hits.
public enum AnswerDecision: Sendable, Hashable {
    /// Answer directly with this article.
    case answer(SearchHit)
    /// Offer these articles (at most three), plus "talk to an agent".
    case suggest([SearchHit])
    /// Nothing relevant: say so and offer an agent; collect the question as unanswered.
    case noAnswer
}

/// The rule that turns ranked hits into an ``AnswerDecision``. Raw BM25 scores are not
/// comparable between queries, so the rule uses two query-independent signals:
///
/// - **coverage** of the top hit (``SearchHit/coverage``): the share of the query's IDF
///   weight that the article matched, in 0...1;
/// - **margin**: top score ÷ second score (∞ with one hit).
///
/// Rule, in order:
/// 1. no hits, or top coverage < ``minimumCoverage`` → ``AnswerDecision/noAnswer``;
/// 2. top coverage ≥ ``answerCoverage`` and margin ≥ ``answerMargin`` → ``AnswerDecision/answer(_:)``;
/// 3. otherwise → ``AnswerDecision/suggest(_:)`` with the top three hits whose coverage is
///    at least ``minimumCoverage``.
///
/// Defaults were set on the demo FAQ's relevance set (docs/benchmarks.md, "Knowledge search"):
/// there, every wrong top hit had coverage ≤ 0.38 and off-topic questions ≤ 0.34, while most
/// right ones were above 0.45. Coverage is a lexical signal: with a shop's own data, look at
/// the collected unanswered questions and adjust.
public struct ConfidencePolicy: Sendable, Hashable {
    public var minimumCoverage: Double
    public var answerCoverage: Double
    public var answerMargin: Double
    public var suggestions: Int

    public init(minimumCoverage: Double = 0.2, answerCoverage: Double = 0.45, answerMargin: Double = 1.25, suggestions: Int = 3) {
        self.minimumCoverage = minimumCoverage
        self.answerCoverage = answerCoverage
        self.answerMargin = answerMargin
        self.suggestions = suggestions
    }

    /// As ``decide(_:)``, but a question that is an article's title (after normalisation,
    /// ignoring punctuation and spaces — what a shopper sends by tapping a hot question)
    /// is answered with that article whatever the margin.
    public func decide(_ hits: [SearchHit], question: String, normalizer: TextNormalizer = TextNormalizer()) -> AnswerDecision {
        let key = Self.questionKey(question, normalizer)
        if !key.isEmpty, let exact = hits.first(where: { Self.questionKey($0.title, normalizer) == key }) {
            return .answer(exact)
        }
        return decide(hits)
    }

    /// Letters and digits of the normalised text ("支持七天无理由退货吗？" → "支持七天无理由退货吗").
    public static func questionKey(_ text: String, _ normalizer: TextNormalizer) -> String {
        var out = String.UnicodeScalarView()
        for scalar in normalizer.normalize(text).unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            out.append(scalar)
        }
        return String(out)
    }

    public func decide(_ hits: [SearchHit]) -> AnswerDecision {
        guard let top = hits.first, top.coverage >= minimumCoverage else { return .noAnswer }
        let margin = hits.count > 1 && hits[1].score > 0 ? top.score / hits[1].score : .infinity
        if top.coverage >= answerCoverage && margin >= answerMargin { return .answer(top) }
        return .suggest(Array(hits.prefix(suggestions).filter { $0.coverage >= minimumCoverage }))
    }
}
