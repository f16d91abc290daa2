import Foundation

/// What message search indexes and how a search box's words become an index query, the same for
/// SQLite (an FTS5 table) and PostgreSQL (a `tsvector` column with a GIN index). The databases'
/// own tokenisers are not used: neither splits Chinese, and PostgreSQL's depends on the server's
/// locale. Kefu writes the terms itself and both databases only store and intersect them.
///
/// Terms of a message, in order (positions matter for phrases):
/// - text is folded like the knowledge search (``TextNormalizer``: full-width, case, traditional
///   → simplified, punctuation → separator);
/// - a run of letters or digits of an alphabetic script (`xl`, `2024120712`, `refund`) is one term;
/// - a run of Han, kana or Hangul characters gives its overlapping bigrams followed by its last
///   character alone (`退款了` → `退款 款了 了`), so that every character of the run starts a term.
///
/// A query run of two or more such characters is the phrase of its bigrams (found anywhere in a
/// run); a single character is a prefix (`退*`: every term starting with it, which by the
/// construction above is every occurrence); the last alphabetic word is a prefix too, so a
/// search for `refu` finds "refund" while it is typed. All runs of a query must match.
public enum MessageSearchTerms {
    /// Terms longer than this are cut (a pasted hash or URL), in the index and in queries alike.
    public static let maxTermLength = 48
    /// At most this many terms of one message are indexed (about 4,000 characters of Chinese).
    public static let maxTerms = 4_000

    /// The terms of `text`, in order.
    public static func terms(of text: String) -> [String] {
        var out: [String] = []
        forEachRun(in: text) { run, kind in
            guard out.count < maxTerms else { return }
            switch kind {
            case .word:
                out.append(cut(run))
            case .cjk, .hangul:
                if run.count >= 2 {
                    for i in 0..<(run.count - 1) { out.append(String(String.UnicodeScalarView(run[i...i + 1]))) }
                }
                out.append(String(String.UnicodeScalarView([run[run.count - 1]])))
            case .separator:
                break
            }
        }
        return out.count > maxTerms ? Array(out.prefix(maxTerms)) : out
    }

    /// One part of a query: consecutive terms (a phrase), or one prefix.
    public enum Part: Sendable, Equatable {
        case phrase([String])
        case prefix(String)
    }

    /// The parts of a search box's text; empty when it has no letter or digit.
    public static func query(_ text: String) -> [Part] {
        var parts: [Part] = []
        var runs: [([Unicode.Scalar], ScriptClass)] = []
        forEachRun(in: text) { run, kind in runs.append((run, kind)) }
        for (index, (run, kind)) in runs.enumerated() {
            switch kind {
            case .word:
                let term = cut(run)
                parts.append(index == runs.count - 1 && run.count < maxTermLength ? .prefix(term) : .phrase([term]))
            case .cjk, .hangul:
                if run.count == 1 {
                    parts.append(.prefix(String(String.UnicodeScalarView(run))))
                } else {
                    parts.append(.phrase((0..<(run.count - 1)).map { String(String.UnicodeScalarView(run[$0...$0 + 1])) }))
                }
            case .separator:
                break
            }
        }
        // The same part twice adds nothing; a query of 200 words is cut to its first 16 parts.
        var seen = Set<String>()
        return Array(parts.filter { seen.insert("\($0)").inserted }.prefix(16))
    }

    /// Whether a message with `terms` matches the query's parts, as the databases decide it (a
    /// phrase is its terms at consecutive positions, a prefix any term that starts with it).
    public static func matches(_ parts: [Part], in terms: [String]) -> Bool {
        guard !parts.isEmpty else { return false }
        return parts.allSatisfy { part in
            switch part {
            case .prefix(let p): return terms.contains { $0.hasPrefix(p) }
            case .phrase(let phrase):
                guard !phrase.isEmpty, phrase.count <= terms.count else { return false }
                return (0...(terms.count - phrase.count)).contains { start in
                    phrase.indices.allSatisfy { terms[start + $0] == phrase[$0] }
                }
            }
        }
    }

    // MARK: the databases' syntax

    /// An FTS5 MATCH expression: phrases in double quotes, prefixes with `*`, joined by AND.
    /// Terms hold only letters and digits, so nothing needs escaping; quotes are doubled anyway.
    public static func fts5(_ parts: [Part]) -> String {
        parts.map { part in
            switch part {
            case .phrase(let terms): "\"" + terms.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            case .prefix(let term): "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
            }
        }.joined(separator: " AND ")
    }

    /// A `tsquery` literal: `'a' <-> 'b'` for phrases, `'a':*` for prefixes, joined by `&`.
    public static func tsquery(_ parts: [Part]) -> String {
        parts.map { part in
            switch part {
            case .phrase(let terms): "(" + terms.map(quoted).joined(separator: " <-> ") + ")"
            case .prefix(let term): quoted(term) + ":*"
            }
        }.joined(separator: " & ")
    }

    /// A `tsvector` literal of the terms with their positions (1-based; PostgreSQL keeps
    /// positions up to 16,383, far above ``maxTerms``).
    public static func tsvector(_ terms: [String]) -> String {
        var out = ""
        out.reserveCapacity(terms.count * 8)
        for (i, term) in terms.enumerated() {
            if i > 0 { out += " " }
            out += quoted(term) + ":" + String(i + 1)
        }
        return out
    }

    /// The terms as FTS5 indexes them (whitespace-separated; its `ascii` tokenizer keeps every
    /// non-ASCII byte inside a term).
    public static func fts5Document(_ terms: [String]) -> String {
        terms.joined(separator: " ")
    }

    // MARK: private

    private static func quoted(_ term: String) -> String {
        "'" + term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func cut(_ run: [Unicode.Scalar]) -> String {
        String(String.UnicodeScalarView(run.prefix(maxTermLength)))
    }

    private static let normalizer = TextNormalizer()

    /// Runs of one script class in the folded text. Hangul and Han next to each other are
    /// separate runs; an alphabetic word next to Han too (`xl码` → `xl`, `码`).
    private static func forEachRun(in text: String, _ body: ([Unicode.Scalar], ScriptClass) -> Void) {
        let folded = normalizer.normalizeWithOffsets(text).scalars
        var run: [Unicode.Scalar] = []
        var kind = ScriptClass.separator
        for scalar in folded {
            let k = ScriptClass.of(scalar)
            if k != kind {
                if !run.isEmpty, kind != .separator { body(run, kind) }
                run.removeAll(keepingCapacity: true)
                kind = k
            }
            if k != .separator { run.append(scalar) }
        }
        if !run.isEmpty, kind != .separator { body(run, kind) }
    }
}
