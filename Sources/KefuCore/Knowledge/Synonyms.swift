import Foundation

/// Shop-defined synonyms, applied to queries: when a query contains a phrase, its synonyms
/// are searched as alternatives to it, with a lower weight (``Synonyms/weight``). An article
/// gets the credit of the best alternative, not of all of them (see ``SearchEngine``).
///
/// Two kinds of rule, as a shop owner writes them (one per line, see ``parse(_:)``):
/// - a group, all equivalent: `快递, 物流, 包裹` (each member expands to the others);
/// - a one-way rule: `退钱 => 退款` (a query with 退钱 also looks for 退款, not the reverse).
///
/// Matching is on normalised text (``TextNormalizer``), so `退錢`, `ＲＥＦＵＮＤ` and
/// `refund` match too. Latin phrases match at word boundaries only.
public struct Synonyms: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        public var from: String
        public var to: [String]
        public init(from: String, to: [String]) {
            self.from = from
            self.to = to
        }
    }

    public private(set) var rules: [Rule]
    /// Weight of an expanded term relative to a term the shopper typed.
    public var weight: Double

    public init(rules: [Rule] = [], weight: Double = 0.8) {
        self.rules = rules
        self.weight = weight
    }

    /// Groups of equivalent phrases plus one-way `(from, to)` pairs.
    public init(groups: [[String]], oneWay: [(String, String)] = [], weight: Double = 0.8) {
        var rules: [Rule] = []
        for group in groups {
            for member in group {
                let others = group.filter { $0 != member }
                if !others.isEmpty { rules.append(Rule(from: member, to: others)) }
            }
        }
        for (from, to) in oneWay { rules.append(Rule(from: from, to: [to])) }
        self.init(rules: rules, weight: weight)
    }

    /// Parses lines such as `快递, 物流` (group; `,` `，` `、` or `|` between members) and
    /// `退钱, 退米 => 退款` (one-way). Blank lines and lines starting with `#` are skipped.
    public static func parse(_ text: String, weight: Double = 0.8) -> Synonyms {
        var groups: [[String]] = []
        var oneWay: [(String, String)] = []
        func members(_ s: Substring) -> [String] {
            s.split(whereSeparator: { ",，、|".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let arrow = line.range(of: "=>") {
                let left = members(line[..<arrow.lowerBound])
                let right = members(line[arrow.upperBound...])
                for l in left { for r in right { oneWay.append((l, r)) } }
            } else {
                let group = members(Substring(line))
                if group.count > 1 { groups.append(group) }
            }
        }
        return Synonyms(groups: groups, oneWay: oneWay, weight: weight)
    }

    /// A prepared form for fast query-time matching.
    public func compiled(normalizer: TextNormalizer) -> CompiledSynonyms {
        CompiledSynonyms(self, normalizer: normalizer)
    }
}

/// ``Synonyms`` with every phrase normalised and indexed by its first scalar.
public struct CompiledSynonyms: Sendable {
    struct Entry: Sendable {
        var from: [Unicode.Scalar]
        var to: [String]
        var latin: Bool
    }

    var byFirst: [Unicode.Scalar: [Entry]] = [:]
    public let weight: Double

    public init(_ synonyms: Synonyms, normalizer: TextNormalizer) {
        weight = synonyms.weight
        for rule in synonyms.rules {
            let from = normalizer.normalizeWithOffsets(rule.from).scalars
            guard let first = from.first else { continue }
            let latin = from.contains { ScriptClass.of($0) == .word }
            byFirst[first, default: []].append(Entry(from: from, to: rule.to, latin: latin))
        }
    }

    public var isEmpty: Bool { byFirst.isEmpty }

    /// One place where a rule matched a normalised query.
    public struct Match: Sendable, Hashable {
        /// The matched range of the query.
        public var span: Range<Int>
        /// The phrases that may stand for it.
        public var phrases: [String]
    }

    /// The rules that match a normalised query, one ``Match`` per matched range (rules with
    /// the same range merged), in query order. Latin phrases only match whole words.
    public func matches(in query: [Unicode.Scalar]) -> [Match] {
        guard !byFirst.isEmpty else { return [] }
        var out: [Match] = []
        for i in query.indices {
            guard let entries = byFirst[query[i]] else { continue }
            for entry in entries where i + entry.from.count <= query.count {
                guard query[i..<(i + entry.from.count)].elementsEqual(entry.from) else { continue }
                let end = i + entry.from.count
                if entry.latin {
                    if i > 0, ScriptClass.of(query[i - 1]) == .word { continue }
                    if end < query.count, ScriptClass.of(query[end]) == .word { continue }
                }
                if let k = out.firstIndex(where: { $0.span == i..<end }) {
                    for phrase in entry.to where !out[k].phrases.contains(phrase) { out[k].phrases.append(phrase) }
                } else {
                    out.append(Match(span: i..<end, phrases: entry.to))
                }
            }
        }
        return out
    }
}
