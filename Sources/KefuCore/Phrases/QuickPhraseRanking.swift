import Foundation

/// What ranking needs of a quick phrase (快捷短语).
public struct PhraseCandidate: Sendable, Hashable {
    public var id: String
    /// Typed to insert the phrase, e.g. "thx"; may be empty.
    public var shortcut: String
    public var text: String
    public var category: String
    public var usageCount: Int
    public var lastUsedAt: Date?

    public init(id: String, shortcut: String = "", text: String, category: String = "", usageCount: Int = 0, lastUsedAt: Date? = nil) {
        self.id = id
        self.shortcut = shortcut
        self.text = text
        self.category = category
        self.usageCount = usageCount
        self.lastUsedAt = lastUsedAt
    }
}

/// Orders an agent's quick phrases for the composer's picker. Query, shortcuts, texts and
/// categories are folded by ``TextNormalizer`` (width, case, traditional → simplified,
/// punctuation → space), so "/THX", "ｔｈｘ" and "thx" are the same query and "運費" finds
/// "运费".
///
/// Without a query: the most used first, then the most recently used. With one, the phrases
/// that match, in tiers:
/// 1. the shortcut is the query;
/// 2. the shortcut starts with the query;
/// 3. the text or the category contains the query;
/// 4. the query is scattered over the text or the category: every space-separated part of the
///    query occurs, and in a Han/kana part of two or more characters every character lies in a
///    two-character piece of the query that occurs ("退货地址" finds "退货请寄到这个地址": 退货
///    and 地址 occur; all bigrams present is the common case, "货地" need not be).
///
/// Within a tier: the most used first, then the most recently used, then in the order given.
public enum QuickPhraseRanking {
    public static func rank(_ phrases: [PhraseCandidate], query: String, limit: Int) -> [PhraseCandidate] {
        guard limit > 0 else { return [] }
        let normalizer = TextNormalizer()
        let q = normalizer.normalizeWithOffsets(query).scalars
        var ranked: [(tier: Int, index: Int)] = []
        for (index, phrase) in phrases.enumerated() {
            if q.isEmpty {
                ranked.append((0, index))
            } else if let tier = tier(of: phrase, query: q, normalizer: normalizer) {
                ranked.append((tier, index))
            }
        }
        ranked.sort { a, b in
            if a.tier != b.tier { return a.tier < b.tier }
            let x = phrases[a.index], y = phrases[b.index]
            if x.usageCount != y.usageCount { return x.usageCount > y.usageCount }
            switch (x.lastUsedAt, y.lastUsedAt) {
            case let (p?, q?) where p != q: return p > q
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.index < b.index
            }
        }
        return ranked.prefix(limit).map { phrases[$0.index] }
    }

    /// The tier (1…4) of a phrase for a non-empty normalised query, nil if it does not match.
    static func tier(of phrase: PhraseCandidate, query q: [Unicode.Scalar], normalizer: TextNormalizer) -> Int? {
        let shortcut = normalizer.normalizeWithOffsets(phrase.shortcut).scalars
        if !shortcut.isEmpty {
            if shortcut == q { return 1 }
            if shortcut.starts(with: q) { return 2 }
        }
        let fields = [phrase.text, phrase.category].map { normalizer.normalizeWithOffsets($0).scalars }.filter { !$0.isEmpty }
        if fields.contains(where: { contains($0, q) }) { return 3 }
        if fields.contains(where: { scattered(q, in: $0) }) { return 4 }
        return nil
    }

    /// Every part of the query occurs in `field` (see tier 4).
    static func scattered(_ q: [Unicode.Scalar], in field: [Unicode.Scalar]) -> Bool {
        let parts = q.split(separator: " ").map(Array.init)
        guard parts.count > 1 || parts.first.map({ $0.count > 2 && $0.allSatisfy { ScriptClass.of($0) == .cjk } }) == true else {
            return false  // a single word or two characters: tier 3 already said no
        }
        for part in parts {
            if part.count >= 2, part.allSatisfy({ ScriptClass.of($0) == .cjk }) {
                var covered = [Bool](repeating: false, count: part.count)
                for k in 0..<(part.count - 1) where contains(field, Array(part[k...(k + 1)])) {
                    covered[k] = true
                    covered[k + 1] = true
                }
                if covered.contains(false) { return false }
            } else if !contains(field, part) {
                return false
            }
        }
        return true
    }

    static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Suggests new quick phrases from what an agent keeps typing
/// (`GET /api/v1/quick-phrases/proposals`).
public enum PhraseProposer {
    /// Texts longer than this cannot be saved as a phrase and are not proposed.
    public static let maxTextLength = 2000

    /// The replies typed at least `minimumCount` times that are not phrases yet, most
    /// frequent first (ties: the one typed most recently first; `replies` are oldest first).
    ///
    /// Replies are grouped by their ``TextNormalizer`` form, so whitespace, punctuation and
    /// emoji (trailing "～", "！", "😊" included), width, case and traditional/simplified
    /// script do not split a group. A group is left out when its normalised text has fewer
    /// than 4 characters (spaces not counted: "好的", "ok!") or equals the normalised text
    /// of an `existing` phrase. The text proposed is the group's most frequent spelling
    /// (ties: the earliest), trimmed and with whitespace runs collapsed to one space.
    public static func propose(_ replies: [String], existing: [String], minimumCount: Int = 3, limit: Int = 10) -> [(text: String, count: Int)] {
        guard limit > 0 else { return [] }
        let normalizer = TextNormalizer()
        let known = Set(existing.map(normalizer.normalize))
        struct Group {
            var count = 0
            var last = 0
            var spellings: [String: (count: Int, first: Int)] = [:]
        }
        var groups: [String: Group] = [:]
        for (index, reply) in replies.enumerated() {
            let spelling = collapseWhitespace(reply)
            guard !spelling.isEmpty, spelling.count <= maxTextLength else { continue }
            let key = normalizer.normalize(spelling)
            guard key.unicodeScalars.count(where: { $0 != " " }) >= 4, !known.contains(key) else { continue }
            groups[key, default: Group()].count += 1
            groups[key]?.last = index
            let seen = groups[key]?.spellings[spelling]
            groups[key]?.spellings[spelling] = ((seen?.count ?? 0) + 1, seen?.first ?? index)
        }
        let chosen = groups.values
            .filter { $0.count >= max(minimumCount, 1) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.last > $1.last }
            .prefix(limit)
        return chosen.map { group in
            let text = group.spellings.min { a, b in
                a.value.count != b.value.count ? a.value.count > b.value.count : a.value.first < b.value.first
            }?.key ?? ""
            return (text, group.count)
        }
    }

    /// Trimmed, with runs of whitespace (and newlines) made one space.
    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Whose quick phrase it is: the member's own, or the team's (shared by everyone).
public enum PhraseScope: String, Codable, CaseIterable, Sendable {
    case personal, team

    public static func parse(_ raw: String, field: String = "scope") throws(DomainError) -> PhraseScope {
        guard let value = PhraseScope(rawValue: raw) else { throw .invalid(field, "\(field) must be personal or team; got '\(raw)'") }
        return value
    }
}
