import Foundation

/// A shopper question the bot could not answer.
public struct UnansweredQuestion: Sendable, Hashable {
    public var id: String
    public var text: String
    public var askedAt: Date

    public init(id: String, text: String, askedAt: Date) {
        self.id = id
        self.text = text
        self.askedAt = askedAt
    }
}

/// Questions that ask the same thing, for the knowledge owner's "12× 发票怎么开 (and similar)".
public struct QuestionGroup: Sendable, Hashable {
    /// Stable while the representative stays: the id of the earliest question with its text.
    public var key: String
    /// The group's most frequent text (ties: the one asked first).
    public var representative: String
    public var count: Int
    /// All questions of the group, oldest first.
    public var ids: [String]
    /// Up to 5 distinct texts, most frequent first (ties: asked first); the representative first.
    public var examples: [String]
    public var lastAskedAt: Date

    public init(key: String, representative: String, count: Int, ids: [String], examples: [String], lastAskedAt: Date) {
        self.key = key
        self.representative = representative
        self.count = count
        self.ids = ids
        self.examples = examples
        self.lastAskedAt = lastAskedAt
    }
}

/// Groups unanswered questions so that variants of one question are counted together.
///
/// 1. Texts with the same normalised form (``TextNormalizer``: case, full width,
///    traditional/simplified and punctuation folded) are always one question.
/// 2. Each distinct question gets its term set from ``Tokenizer``: bigrams, words and single
///    characters, so that "发票怎么开" and "怎么开发票" share 发票, 发, 票, 开. Question words
///    (怎么, 可以 …) are left out, as they say nothing about the topic and would tie
///    "发票怎么开" to "怎么退货"; so are numbers (order and phone numbers). Terms are weighted
///    by a smoothed IDF over the distinct questions, so that boilerplate many questions share
///    ("订单号", "怎么处理") counts less than the topic, and a one-character term weighs half
///    (that "补发" and "发货" share 发 is weak evidence).
/// 3. In order of frequency (ties: asked first), each question joins the existing group
///    whose seed (its first, most frequent question) is most similar, if that similarity
///    reaches `threshold`; otherwise it seeds a group of its own.
///
/// Similarity is the (weighted) **Jaccard** index w(A∩B) / w(A∪B), not the overlap
/// coefficient w(A∩B) / min(w(A), w(B)). The overlap coefficient scores a short question 1.0
/// against every longer one that contains it, so a frequent "发货" would swallow "发货地址可以改吗"
/// and every other question about shipping, and a group would become a whole topic. Jaccard
/// also counts what the longer question adds. Comparing with the seed only, not with every
/// member, keeps groups from drifting through chains of similar questions. The price: a
/// long question that adds much ("你好，我上周买的衣服可以开发票吗") stays apart from the short
/// form at the default threshold.
///
/// Questions with nothing to search (empty, only punctuation or emoji) are skipped: there is
/// no FAQ to write for them. Questions of stop words only ("在吗") are grouped by identical
/// text only. Candidates come from an index of the seeds' rarest terms (prefix filtering:
/// two sets with weighted Jaccard ≥ t share a term among the rarest terms of each that weigh
/// more than 1 − t of it), so 5,000 questions take a fraction of a second, not all pairs.
public enum QuestionGrouper {
    public static let maxExamples = 5

    /// Groups sorted by count (descending), then last asked (latest first).
    /// `threshold` is clamped to 0.01...1.
    public static func group(_ questions: [UnansweredQuestion], tokenizer: Tokenizer = Tokenizer(), threshold: Double = 0.5) -> [QuestionGroup] {
        let t = min(1, max(0.01, threshold))
        let variants = distinctQuestions(questions, tokenizer: tokenizer)

        // Terms as integers, each variant's terms ordered rarest first.
        var termIDs: [String: Int] = [:]
        var frequency: [Int] = []  // distinct questions holding the term
        var single: [Bool] = []
        let termSets: [[Int]] = variants.map { variant in
            variant.terms.map { term in
                if let id = termIDs[term] { frequency[id] += 1; return id }
                termIDs[term] = frequency.count
                frequency.append(1)
                single.append(term.unicodeScalars.count == 1)
                return frequency.count - 1
            }
        }
        let weight = frequency.indices.map { termWeight(frequency: frequency[$0], questions: variants.count, singleCharacter: single[$0]) }
        let ordered = termSets.map { set in set.sorted { (frequency[$0], $0) < (frequency[$1], $1) } }
        let lookup = termSets.map(Set.init)
        let totals = termSets.map { $0.reduce(0) { $0 + weight[$1] } }
        let prefixes = ordered.indices.map { prefixLength(ordered[$0], total: totals[$0], weight: weight, t) }

        var seeds: [Int] = []          // variant index of each group's seed
        var members: [[Int]] = []      // variant indices of each group
        var postings = [[Int]](repeating: [], count: frequency.count)  // term → groups whose seed prefix holds it
        var seen: [Int] = []           // group → last variant that looked at it
        for v in variants.indices {
            var best: (group: Int, similarity: Double)?
            seen += Array(repeating: -1, count: seeds.count - seen.count)
            for term in ordered[v].prefix(prefixes[v]) {
                for g in postings[term] where seen[g] != v {
                    seen[g] = v
                    let seed = seeds[g]
                    let (small, large) = lookup[v].count <= lookup[seed].count ? (lookup[v], lookup[seed]) : (lookup[seed], lookup[v])
                    let shared = small.reduce(0) { large.contains($1) ? $0 + weight[$1] : $0 }
                    let similarity = shared / (totals[v] + totals[seed] - shared)
                    guard similarity >= t - 1e-9 else { continue }
                    if let current = best, current.similarity > similarity || (current.similarity == similarity && current.group < g) { continue }
                    best = (g, similarity)
                }
            }
            if let best {
                members[best.group].append(v)
            } else {
                let g = seeds.count
                seeds.append(v)
                members.append([v])
                for term in ordered[v].prefix(prefixes[v]) { postings[term].append(g) }
            }
        }
        return members.map { makeGroup($0.flatMap { variants[$0].questions }) }
            .sorted { ($0.count, $0.lastAskedAt, $1.key) > ($1.count, $1.lastAskedAt, $0.key) }
    }

    /// Pseudo-questions added to the IDF, so that in a handful of questions shared terms are
    /// not discounted just for being shared.
    static let idfSmoothing = 100.0

    /// The weight of a term held by `frequency` of the distinct `questions`: a smoothed IDF,
    /// ln(1 + (n + 100) / (df + 1)), so that phrases common to many questions of the shop
    /// ("订单号", "怎么处理") count less than the topic; halved for a one-character term
    /// (mostly the tokenizer's extra unigrams), which says less than a word or bigram.
    static func termWeight(frequency: Int, questions: Int, singleCharacter: Bool) -> Double {
        let idf = log(1 + (Double(questions) + idfSmoothing) / (Double(frequency) + 1))
        return singleCharacter ? idf / 2 : idf
    }

    /// How many of a set's terms (rarest first) must be indexed or probed so that any set
    /// with weighted Jaccard ≥ t shares one of them: the terms after the prefix weigh less
    /// than t × the set's weight, so the shared weight cannot lie in them alone.
    static func prefixLength(_ terms: [Int], total: Double, weight: [Double], _ t: Double) -> Int {
        var suffix = 0.0
        var k = terms.count
        while k > 1, suffix + weight[terms[k - 1]] < t * total - 1e-9 {
            suffix += weight[terms[k - 1]]
            k -= 1
        }
        return k
    }

    /// Questions with the same normalised text, and their terms.
    struct Variant {
        var questions: [(index: Int, question: UnansweredQuestion)]
        var terms: Set<String>
        var first: Date
    }

    /// The distinct questions, most asked first (ties: asked first, then input order).
    static func distinctQuestions(_ questions: [UnansweredQuestion], tokenizer: Tokenizer) -> [Variant] {
        var byText: [String: Int] = [:]
        var variants: [Variant] = []
        for (index, question) in questions.enumerated() {
            let normalized = tokenizer.normalizer.normalize(question.text)
            if normalized.isEmpty { continue }
            if let v = byText[normalized] {
                variants[v].questions.append((index, question))
                variants[v].first = min(variants[v].first, question.askedAt)
                continue
            }
            let tokens = tokenizer.tokens(question.text).filter { !$0.text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
            let content = tokens.filter { $0.kind != .function }
            byText[normalized] = variants.count
            variants.append(Variant(questions: [(index, question)], terms: Set((content.isEmpty ? tokens : content).map(\.text)), first: question.askedAt))
        }
        let order = variants.indices.sorted { a, b in
            let (x, y) = (variants[a], variants[b])
            if x.questions.count != y.questions.count { return x.questions.count > y.questions.count }
            if x.first != y.first { return x.first < y.first }
            return x.questions[0].index < y.questions[0].index
        }
        return order.map { variants[$0] }
    }

    static func makeGroup(_ questions: [(index: Int, question: UnansweredQuestion)]) -> QuestionGroup {
        let chronological = questions.sorted { ($0.question.askedAt, $0.index) < ($1.question.askedAt, $1.index) }
        // Distinct texts (trimmed), with their count and first question, in order of first asking.
        var textIndex: [String: Int] = [:]
        var texts: [(text: String, count: Int, firstID: String)] = []
        for (_, q) in chronological {
            let text = q.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let k = textIndex[text] {
                texts[k].count += 1
            } else {
                textIndex[text] = texts.count
                texts.append((text, 1, q.id))
            }
        }
        let ranked = texts.enumerated().sorted { ($0.element.count, $1.offset) > ($1.element.count, $0.offset) }.map(\.element)
        let top = ranked.first ?? ("", 0, "")
        return QuestionGroup(
            key: top.firstID, representative: top.text, count: questions.count,
            ids: chronological.map(\.question.id), examples: ranked.prefix(maxExamples).map(\.text),
            lastAskedAt: chronological.last?.question.askedAt ?? .distantPast)
    }
}
