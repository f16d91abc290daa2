import Foundation

/// A term of a prepared query.
public struct QueryTerm: Sendable, Hashable {
    public var text: String
    /// 1 for what the shopper typed, ``SearchParameters/extraUnigramWeight`` for covered
    /// single characters, × ``Synonyms/weight`` for synonym expansions.
    public var weight: Double
    /// True when the term comes from a synonym, not from the query itself.
    public var isExpansion: Bool
    /// The kind of token it came from.
    public var kind: Token.Kind

    /// Words, bigrams and lone characters; not covered characters or question words.
    public var isMain: Bool { kind == .word || kind == .bigram || kind == .unigram }
}

/// A query turned into weighted terms.
///
/// Terms the shopper typed outside any synonym match are scored one by one. Each synonym
/// match is a group of alternatives — the typed terms of the matched phrase, and the terms
/// of each synonym phrase — and an article scores the best alternative only, so an article
/// that mentions 快递, 物流 and 包裹 does not get three times the credit for one idea.
public struct PreparedQuery: Sendable, Hashable {
    public struct Group: Sendable, Hashable {
        /// Each alternative is a list of indices into ``PreparedQuery/terms``; the first is
        /// what the shopper typed.
        public var alternatives: [[Int]]
    }

    public var terms: [QueryTerm]
    /// Indices of typed terms outside any synonym match.
    public var free: [Int]
    public var groups: [Group]
}

/// Why a document scored what it did, term by term (for tests and an admin "explain" view).
public struct ScoreExplanation: Sendable, Hashable {
    public struct Part: Sendable, Hashable {
        public var term: String
        public var weight: Double
        public var idf: Double
        /// Term frequency in title, body, tags, synonyms.
        public var frequencies: [Int]
        public var contribution: Double
    }

    public var id: String
    public var parts: [Part]
    public var bm25: Double
    public var score: Double
    public var coverage: Double
}

/// BM25F search over a ``SearchIndex`` with query-time synonyms, a small hotness prior and
/// snippets. A value type: the server keeps one per shop (e.g. inside an actor) and calls
/// ``upsert(_:)`` / ``remove(id:)`` when an article is saved or deleted.
///
/// Score of document d for query q:
///
///     tf~(t,d)  = Σ_f w_f · tf_f(t,d) / (1 − b_f + b_f · len_f(d) / avglen_f)
///     c(t,d)    = qw(t) · idf(t) · tf~ · (k1 + 1) / (k1 + tf~)
///     idf(t)    = ln(1 + (N − df + 0.5) / (df + 0.5))
///     bm25(d)   = Σ_{typed t} c(t,d) + Σ_{synonym groups g} max_{alternative a of g} Σ_{t ∈ a} c(t,d)
///     score(d)  = bm25(d) · (1 + α · popularity(d)) · localeFactor(d)
///
/// with fields title, body, tags and synonyms (``SearchParameters``); ties are broken by id.
public struct SearchEngine: Sendable {
    public private(set) var index: SearchIndex
    public var parameters: SearchParameters
    public private(set) var synonyms: Synonyms
    var compiledSynonyms: CompiledSynonyms

    public init(documents: [SearchDocument] = [], synonyms: Synonyms = Synonyms(), parameters: SearchParameters = SearchParameters(), tokenizer: Tokenizer = Tokenizer()) {
        index = SearchIndex(tokenizer: tokenizer)
        self.parameters = parameters
        self.synonyms = synonyms
        compiledSynonyms = synonyms.compiled(normalizer: tokenizer.normalizer)
        for document in documents { index.upsert(document) }
    }

    public var count: Int { index.count }

    public mutating func upsert(_ document: SearchDocument) { index.upsert(document) }

    @discardableResult
    public mutating func remove(id: String) -> Bool { index.remove(id: id) }

    /// Updates the hotness prior of one article without re-indexing its text.
    @discardableResult
    public mutating func setPopularity(id: String, _ popularity: Double) -> Bool { index.setPopularity(id: id, popularity) }

    public mutating func setSynonyms(_ synonyms: Synonyms) {
        self.synonyms = synonyms
        compiledSynonyms = synonyms.compiled(normalizer: index.tokenizer.normalizer)
    }

    /// The weighted terms of a query, with its synonym groups.
    public func prepare(_ query: String) -> PreparedQuery {
        let tokenizer = index.tokenizer
        var normalized = tokenizer.normalizer.normalizeWithOffsets(query).scalars
        if normalized.count > parameters.maxQueryScalars { normalized.removeSubrange(parameters.maxQueryScalars...) }
        var terms: [QueryTerm] = []
        var position: [String: Int] = [:]
        func add(_ text: String, _ kind: Token.Kind, _ weight: Double, expansion: Bool) -> Int? {
            if let k = position[text] {
                if weight > terms[k].weight { terms[k].weight = weight }
                if !expansion { terms[k].isExpansion = false }
                return k
            }
            guard terms.count < parameters.maxQueryTerms else { return nil }
            position[text] = terms.count
            terms.append(QueryTerm(text: text, weight: weight, isExpansion: expansion, kind: kind))
            return terms.count - 1
        }

        let matches = compiledSynonyms.matches(in: normalized)
        var groups = matches.map { _ in PreparedQuery.Group(alternatives: [[]]) }
        var free: [Int] = []
        for token in tokenizer.tokens(normalized: normalized) {
            guard let k = add(token.text, token.kind, weight(of: token.kind), expansion: false) else { continue }
            if let g = matches.firstIndex(where: { $0.span.contains(token.range.lowerBound) && token.range.upperBound <= $0.span.upperBound }) {
                if !groups[g].alternatives[0].contains(k) { groups[g].alternatives[0].append(k) }
            } else if !free.contains(k) {
                free.append(k)
            }
        }
        let freeSet = Set(free)
        for (g, match) in matches.enumerated() {
            for phrase in match.phrases {
                var alternative: [Int] = []
                for token in tokenizer.tokens(phrase) {
                    guard let k = add(token.text, token.kind, weight(of: token.kind) * compiledSynonyms.weight, expansion: true) else { continue }
                    // A term the shopper typed elsewhere is already counted on its own.
                    if !freeSet.contains(k) && !alternative.contains(k) { alternative.append(k) }
                }
                if !alternative.isEmpty { groups[g].alternatives.append(alternative) }
            }
        }
        return PreparedQuery(terms: terms, free: free, groups: groups.filter { $0.alternatives.contains { !$0.isEmpty } })
    }

    /// The weighted terms a query turns into (for tests and "explain" views).
    public func queryTerms(_ query: String) -> [QueryTerm] { prepare(query).terms }

    @inline(__always)
    func weight(of kind: Token.Kind) -> Double {
        switch kind {
        case .extraUnigram: parameters.extraUnigramWeight
        case .function: parameters.functionWordWeight
        case .word, .bigram, .unigram: 1
        }
    }

    @inline(__always)
    func idf(df: Double) -> Double {
        log(1 + (Double(index.count) - df + 0.5) / (df + 0.5))
    }

    /// Per-slot field factors w_f / (1 − b_f + b_f · len_f / avglen_f).
    func fieldFactors() -> [SIMD4<Double>] {
        let p = parameters
        let avg = index.averageLengths
        let w = SIMD4<Double>(p.title.weight, p.body.weight, p.tags.weight, p.synonyms.weight)
        let b = SIMD4<Double>(p.title.b, p.body.b, p.tags.b, p.synonyms.b)
        let one = SIMD4<Double>(repeating: 1)
        return index.slotLengths.map { l in
            w / (one - b + b * SIMD4<Double>(Double(l[0]), Double(l[1]), Double(l[2]), Double(l[3])) / avg)
        }
    }

    /// Ranked hits for a query, best first; empty for a query with no searchable term.
    public func search(_ query: String, limit: Int = 10, locale: LocaleFilter = .any) -> [SearchHit] {
        guard limit > 0, index.count > 0 else { return [] }
        let prepared = prepare(query)
        guard !prepared.terms.isEmpty else { return [] }
        let p = parameters
        let slotCount = index.entries.count
        let factors = fieldFactors()
        let k1 = p.k1

        // Value (weight × idf) and postings of every term.
        var values = [Double](repeating: 0, count: prepared.terms.count)
        var termIDs = [Int32?](repeating: nil, count: prepared.terms.count)
        var termValue: [String: Double] = [:]
        var idfs = [Double](repeating: 0, count: prepared.terms.count)
        for (k, term) in prepared.terms.enumerated() {
            let id = index.termID(term.text)
            let df = id.map { Double(index.postings[Int($0)].count) } ?? 0
            idfs[k] = idf(df: df)
            if let id, df > 0 { termIDs[k] = id }
        }
        // The alternatives of a synonym group share one IDF, that of the most common
        // alternative (an alternative is as rare as its rarest main term, as a phrase would
        // be), so a rare colloquial word (退钱) does not outweigh the canonical one (退款).
        for group in prepared.groups {
            let shared = group.alternatives.compactMap { alternative in
                alternative.filter { prepared.terms[$0].isMain }.map { idfs[$0] }.max()
            }.min()
            guard let shared else { continue }
            for k in group.alternatives.joined() { idfs[k] = Swift.min(idfs[k], shared) }
        }
        for (k, term) in prepared.terms.enumerated() {
            values[k] = term.weight * idfs[k]
            if termIDs[k] != nil { termValue[term.text] = values[k] }
        }

        var scores = [Double](repeating: 0, count: slotCount)
        var matched = [Double](repeating: 0, count: slotCount)
        var seen = [Bool](repeating: false, count: slotCount)
        var touched: [Int32] = []
        // Adds the contributions of term k into `into` / `matchedInto`; reports new slots.
        func accumulate(_ k: Int, into target: inout [Double], matchedInto: inout [Double], newSlot: (Int32) -> Void) {
            guard let id = termIDs[k] else { return }
            let value = values[k]
            for posting in index.postings[Int(id)] {
                let slot = Int(posting.slot)
                let tf = SIMD4<Double>(Double(posting.title), Double(posting.body), Double(posting.tags), Double(posting.synonyms))
                let tfw = (tf * factors[slot]).sum()
                if target[slot] == 0 && matchedInto[slot] == 0 { newSlot(posting.slot) }
                target[slot] += value * tfw * (k1 + 1) / (k1 + tfw)
                matchedInto[slot] += value
            }
        }

        var typedWeight = 0.0
        for k in prepared.free {
            typedWeight += values[k]
            accumulate(k, into: &scores, matchedInto: &matched) { slot in
                if !seen[Int(slot)] { seen[Int(slot)] = true; touched.append(slot) }
            }
        }
        if !prepared.groups.isEmpty {
            var altScore = [Double](repeating: 0, count: slotCount)
            var altMatched = [Double](repeating: 0, count: slotCount)
            var bestScore = [Double](repeating: 0, count: slotCount)
            var bestCoverage = [Double](repeating: 0, count: slotCount)
            for group in prepared.groups {
                // The group weighs what the shopper typed for it.
                let groupWeight = group.alternatives[0].reduce(0) { $0 + values[$1] }
                typedWeight += groupWeight
                var groupSlots: [Int32] = []
                for alternative in group.alternatives where !alternative.isEmpty {
                    let total = alternative.reduce(0) { $0 + values[$1] }
                    var altSlots: [Int32] = []
                    for k in alternative {
                        accumulate(k, into: &altScore, matchedInto: &altMatched) { altSlots.append($0) }
                    }
                    for slot32 in altSlots {
                        let slot = Int(slot32)
                        if bestScore[slot] == 0 && bestCoverage[slot] == 0 { groupSlots.append(slot32) }
                        bestScore[slot] = Swift.max(bestScore[slot], altScore[slot])
                        if total > 0 { bestCoverage[slot] = Swift.max(bestCoverage[slot], groupWeight * altMatched[slot] / total) }
                        altScore[slot] = 0
                        altMatched[slot] = 0
                    }
                }
                for slot32 in groupSlots {
                    let slot = Int(slot32)
                    scores[slot] += bestScore[slot]
                    matched[slot] += bestCoverage[slot]
                    bestScore[slot] = 0
                    bestCoverage[slot] = 0
                    if !seen[slot] { seen[slot] = true; touched.append(slot32) }
                }
            }
        }
        guard !touched.isEmpty else { return [] }

        // Final scores and top-k (score descending, then id ascending).
        var language: Substring? = nil
        var only = false
        switch locale {
        case .any: break
        case .prefer(let tag): language = LocaleFilter.primary(tag)
        case .only(let tag): language = LocaleFilter.primary(tag); only = true
        }
        var ranked: [(score: Double, slot: Int32)] = []
        ranked.reserveCapacity(Swift.min(touched.count, limit + 1))
        func before(_ a: (score: Double, slot: Int32), _ b: (score: Double, slot: Int32)) -> Bool {
            if a.score != b.score { return a.score > b.score }
            return index.entries[Int(a.slot)]!.document.id < index.entries[Int(b.slot)]!.document.id
        }
        for slot in touched where scores[Int(slot)] > 0 {
            guard let entry = index.entries[Int(slot)] else { continue }
            var factor = 1 + p.popularityWeight * Swift.min(Swift.max(entry.document.popularity, 0), 1)
            if let language, entry.language != language {
                if only { continue }
                factor *= p.otherLocaleFactor
            }
            let candidate = (score: scores[Int(slot)] * factor, slot: slot)
            if ranked.count == limit, let last = ranked.last, !before(candidate, last) { continue }
            let at = ranked.firstIndex { before(candidate, $0) } ?? ranked.count
            ranked.insert(candidate, at: at)
            if ranked.count > limit { ranked.removeLast() }
        }

        return ranked.map { item in
            let entry = index.entries[Int(item.slot)]!
            let coverage = typedWeight > 0 ? Swift.min(1, matched[Int(item.slot)] / typedWeight) : 1
            return SearchHit(
                id: entry.document.id, title: entry.document.title, score: item.score,
                snippet: Snippet.make(entry.plainBody, termValue: termValue, tokenizer: index.tokenizer, length: p.snippetLength),
                coverage: coverage)
        }
    }

    /// Term-by-term contributions for one document (nil when it is not indexed). The sum of
    /// the parts can exceed ``ScoreExplanation/bm25`` when a synonym group has several
    /// alternatives that match: only the best one counts.
    public func explain(_ query: String, id: String) -> ScoreExplanation? {
        guard let slot32 = index.slotByID[id], let entry = index.entries[Int(slot32)] else { return nil }
        let prepared = prepare(query)
        let factors = fieldFactors()
        let slot = Int(slot32)
        var parts: [ScoreExplanation.Part] = []
        for term in prepared.terms {
            guard let tid = index.termID(term.text) else { continue }
            let list = index.postings[Int(tid)]
            guard let posting = list.first(where: { $0.slot == slot32 }) else { continue }
            let idf = idf(df: Double(list.count))
            let tf = SIMD4<Double>(Double(posting.title), Double(posting.body), Double(posting.tags), Double(posting.synonyms))
            let tfw = (tf * factors[slot]).sum()
            parts.append(ScoreExplanation.Part(
                term: term.text, weight: term.weight, idf: idf,
                frequencies: [Int(posting.title), Int(posting.body), Int(posting.tags), Int(posting.synonyms)],
                contribution: term.weight * idf * tfw * (parameters.k1 + 1) / (parameters.k1 + tfw)))
        }
        let hit = search(query, limit: index.count).first { $0.id == id }
        let prior = 1 + parameters.popularityWeight * Swift.min(Swift.max(entry.document.popularity, 0), 1)
        return ScoreExplanation(
            id: id, parts: parts, bm25: (hit?.score ?? 0) / prior, score: hit?.score ?? 0, coverage: hit?.coverage ?? 0)
    }
}
