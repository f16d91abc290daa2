import Foundation

/// How a keyword of an auto-reply rule must appear in the shopper's message. Both sides are
/// folded by ``TextNormalizer`` first (width, case, traditional → simplified, punctuation and
/// emoji → space).
public enum KeywordMatch: String, Codable, CaseIterable, Sendable {
    /// Anywhere in the message ("ship" matches "shipping").
    case contains
    /// The whole message, ignoring whitespace and punctuation ("在吗？" = "在吗").
    case exact
    /// As a whole word: Latin letters and digits must not continue on either side ("ship"
    /// does not match "shipping"); a Hangul keyword must start a Hangul word but may be
    /// followed by more syllables, because particles attach to the word ("환불" matches
    /// "환불은" and "환불 가능한가요", not "전액환불"); Han and kana have no word boundaries,
    /// so there it is the same as `contains`. In a mixed keyword each end follows the rule of
    /// its own script.
    case word

    public static func parse(_ raw: String, field: String = "match") throws(DomainError) -> KeywordMatch {
        guard let value = KeywordMatch(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// What the matcher needs of a keyword auto-reply rule (the server keeps the reply, the
/// inbox and whether it is active).
public struct KeywordRuleSpec: Sendable, Hashable {
    public var id: String
    public var keywords: [String]
    public var match: KeywordMatch
    /// Only for visitors of this language (BCP 47 tag); nil = any language.
    public var locale: String?
    /// Higher first.
    public var priority: Int
    /// After replying in a conversation, the rule stays quiet there this long.
    public var cooldownSeconds: Int

    public init(id: String, keywords: [String], match: KeywordMatch = .contains, locale: String? = nil,
                priority: Int = 0, cooldownSeconds: Int = 600) {
        self.id = id
        self.keywords = keywords
        self.match = match
        self.locale = locale
        self.priority = priority
        self.cooldownSeconds = cooldownSeconds
    }
}

/// Picks the keyword auto-reply for a shopper's message. Keywords are normalised once, at
/// init; a matcher is immutable and can be shared.
///
/// - A rule matches when any of its keywords matches (``KeywordMatch``). Keywords that
///   normalise to nothing (only punctuation or emoji) never match.
/// - Locale: a rule with a locale only answers visitors whose language (primary subtag)
///   is the same, so a "zh-CN" rule answers "zh-TW" and "zh-HK" visitors and the other way
///   round: the text is folded to simplified Chinese anyway. When the visitor's language is
///   unknown (nil), every rule may answer: the keyword itself is in the visitor's language.
/// - A rule that replied in this conversation less than ``KeywordRuleSpec/cooldownSeconds``
///   ago is skipped (and a lower rule may answer instead).
/// - Of the matching rules the highest ``KeywordRuleSpec/priority`` wins, then the one whose
///   matched keyword is longest (normalised), then the one whose locale fits the visitor
///   best (the same tag, then the same language, then any language), then the smallest id.
public struct KeywordMatcher: Sendable {
    public let rules: [KeywordRuleSpec]
    public let normalizer: TextNormalizer
    private let compiled: [Compiled]

    struct Compiled: Sendable {
        /// Normalised keywords; for `exact`, without spaces.
        var keywords: [[Unicode.Scalar]]
        /// Lower-cased tag with "-" and its primary subtag, if the rule has a locale.
        var tag: String?
        var language: String?
    }

    public init(rules: [KeywordRuleSpec], normalizer: TextNormalizer = TextNormalizer()) {
        self.rules = rules
        self.normalizer = normalizer
        compiled = rules.map { rule in
            let keywords = rule.keywords.map { keyword -> [Unicode.Scalar] in
                let scalars = normalizer.normalizeWithOffsets(keyword).scalars
                return rule.match == .exact ? scalars.filter { $0 != " " } : scalars
            }.filter { !$0.isEmpty }
            let tag = Self.canonicalTag(rule.locale)
            return Compiled(keywords: keywords, tag: tag, language: tag.map(Self.primary))
        }
    }

    /// The rule that answers `text` from a visitor speaking `locale`, or nil.
    /// - Parameters:
    ///   - lastFired: rule id → when that rule last replied in this conversation.
    ///   - now: the time the message arrived, for the cool-down.
    public func match(_ text: String, locale: String?, lastFired: [String: Date] = [:], now: Date) -> KeywordRuleSpec? {
        let scalars = normalizer.normalizeWithOffsets(text).scalars
        guard !scalars.isEmpty else { return nil }
        var compact: [Unicode.Scalar]?  // the text without spaces, built on first use
        let visitorTag = Self.canonicalTag(locale)
        let visitorLanguage = visitorTag.map(Self.primary)

        var best: (index: Int, length: Int, fit: Int)?
        for (index, rule) in rules.enumerated() {
            let spec = compiled[index]
            // Locale.
            var fit = 0
            if let language = spec.language, let visitorLanguage {
                guard language == visitorLanguage else { continue }
                fit = spec.tag == visitorTag ? 2 : 1
            }
            // Cool-down.
            if rule.cooldownSeconds > 0, let last = lastFired[rule.id], now.timeIntervalSince(last) < Double(rule.cooldownSeconds) {
                continue
            }
            // Keywords: the longest that matches.
            var length = 0
            for keyword in spec.keywords where keyword.count > length {
                let found: Bool
                switch rule.match {
                case .contains: found = Self.find(keyword, in: scalars, wholeWord: false)
                case .word: found = Self.find(keyword, in: scalars, wholeWord: true)
                case .exact:
                    if compact == nil { compact = scalars.filter { $0 != " " } }
                    found = keyword == compact
                }
                if found { length = keyword.count }
            }
            guard length > 0 else { continue }
            if let current = best {
                let other = rules[current.index]
                let better = rule.priority != other.priority ? rule.priority > other.priority
                    : length != current.length ? length > current.length
                    : fit != current.fit ? fit > current.fit
                    : rule.id < other.id
                guard better else { continue }
            }
            best = (index, length, fit)
        }
        return best.map { rules[$0.index] }
    }

    /// Whether `keyword` occurs in `text` (both normalised), and with `wholeWord` only where
    /// its ends are word boundaries (see ``KeywordMatch/word``).
    static func find(_ keyword: [Unicode.Scalar], in text: [Unicode.Scalar], wholeWord: Bool) -> Bool {
        guard let first = keyword.first, let last = keyword.last, keyword.count <= text.count else { return false }
        let firstClass = ScriptClass.of(first), lastClass = ScriptClass.of(last)
        for start in 0...(text.count - keyword.count) where text[start] == first {
            let end = start + keyword.count
            guard text[start..<end].elementsEqual(keyword) else { continue }
            guard wholeWord else { return true }
            let before = start > 0 ? ScriptClass.of(text[start - 1]) : .separator
            let after = end < text.count ? ScriptClass.of(text[end]) : .separator
            switch firstClass {
            case .word where before == .word: continue
            case .hangul where before == .hangul: continue
            default: break
            }
            if lastClass == .word && after == .word { continue }
            return true
        }
        return false
    }

    /// "zh_TW" → "zh-tw"; nil for nil or an empty tag.
    static func canonicalTag(_ tag: String?) -> String? {
        guard let tag else { return nil }
        let canonical = tag.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        return canonical.isEmpty ? nil : canonical
    }

    /// "zh-tw" → "zh".
    static func primary(_ tag: String) -> String {
        String(tag.prefix { $0 != "-" })
    }
}
