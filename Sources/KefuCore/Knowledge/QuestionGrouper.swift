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
/// 2. Each distinct question gets its term set from ``Tokenizer`` (bigrams, words and single
///    characters, so "发票怎么开" and "怎么开发票" share 发票, 发, 票, 开), without question
///    words such as 怎么 or 可以, which say nothing about the topic and would tie
///    "发票怎么开" to "怎么退货".
/// 3. In order of frequency (ties: asked first), each question joins the existing group
///    whose seed (its first, most frequent question) is most similar, if that similarity
///    reaches `threshold`; otherwise it seeds a group of its own.
///
/// Similarity is the **Jaccard** index |A∩B| / |A∪B|, not the overlap coefficient
/// |A∩B| / min(|A|,|B|): the overlap coefficient scores a short question 1.0 against every
/// longer one that contains it, so a frequent "发货" would swallow "发货地址可以改吗" and every
/// other question about shipping, and one group would become a topic. Jaccard also counts
/// what the longer question adds, and comparing with the seed only (not every member) keeps
/// groups from drifting through chains of similar questions.
///
/// Questions with nothing to search (empty, only punctuation or emoji) are skipped: there is
/// no FAQ to write for them. Questions of stop words only ("在吗") are grouped by identical
/// text only. Candidates are found through an index of the seeds' rarest terms (prefix
/// filtering: two sets with Jaccard ≥ t share one of the first |A| − ⌈t·|A|⌉ + 1 terms of
/// each in a common order), so 5,000 questions take milliseconds, not all pairs.
public enum QuestionGrouper {
    public static let maxExamples = 5

    /// Groups sorted by count (descending), then last asked (latest first).
    /// `threshold` is clamped to 0.01...1.
    public static func group(_ questions: [UnansweredQuestion], tokenizer: Tokenizer = Tokenizer(), threshold: Double = 0.5) -> [QuestionGroup] {
        let t = min(1, max(0.01, threshold))
        let variants = distinctQuestions(questions, tokenizer: tokenizer)

        // Terms as integers, each variant's terms ordered rarest first.
        var termIDs: [String: Int] = [:]
        var frequency: [Int] = []
        let termSets: [[Int]] = variants.map { variant in
            variant.terms.map { term in
                if let id = termIDs[term] { frequency[id] += 1; return id }
                termIDs[term] = frequency.count
                frequency.append(1)
                return frequency.count - 1
            }
        }
        let ordered = termSets.map { set in set.sorted { (frequency[$0], $0) < (frequency[$1], $1) } }
        let lookup = termSets.map(Set.init)

        var seeds: [Int] = []          // variant index of each group's seed
        var members: [[Int]] = []      // variant indices of each group
        var postings = [[Int]](repeating: [], count: frequency.count)  // term → groups whose seed prefix holds it
        var seen = [Int](repeating: -1, count: 0)
        for v in variants.indices {
            var best: (group: Int, similarity: Double)?
            let terms = ordered[v]
            if !terms.isEmpty {
                if seen.count < seeds.count { seen += Array(repeating: -1, count: seeds.count - seen.count) }
                for term in terms.prefix(prefixLength(terms.count, t)) {
                    for g in postings[term] where seen[g] != v {
                        seen[g] = v
                        let seed = lookup[seeds[g]]
                        let (small, large) = terms.count <= seed.count ? (lookup[v], seed) : (seed, lookup[v])
                        let shared = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
                        let similarity = Double(shared) / Double(terms.count + seed.count - shared)
                        guard similarity >= t - 1e-9 else { continue }
                        if let current = best, current.similarity > similarity || (current.similarity == similarity && current.group < g) { continue }
                        best = (g, similarity)
                    }
                }
            }
            if let best {
                members[best.group].append(v)
            } else {
                let g = seeds.count
                seeds.append(v)
                members.append([v])
                for term in terms.prefix(prefixLength(terms.count, t)) { postings[term].append(g) }
            }
        }
        return members.map { makeGroup($0.flatMap { variants[$0].questions }) }
            .sorted { ($0.count, $0.lastAskedAt, $1.key) > ($1.count, $1.lastAskedAt, $0.key) }
    }

    /// How many of a set's rarest terms must be indexed or probed so that any set with
    /// Jaccard ≥ t shares one of them.
    static func prefixLength(_ size: Int, _ t: Double) -> Int {
        max(1, min(size, size - Int((t * Double(size) - 1e-9).rounded(.up)) + 1))
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
            let tokens = tokenizer.tokens(question.text)
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
