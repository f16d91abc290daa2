import Foundation

/// Auto-reply and quick-phrase texts with variables: "您好，我是{agent_number}号客服{agent_name}".
///
/// - `{name}` (ASCII letters, digits and `_`) is replaced by `values[name]` when given;
///   other placeholders stay as typed ("{order_no}" when there is no order).
/// - `{{` and `}}` are literal braces; any other brace is kept as it is.
/// - Values are inserted as they are and never scanned again, so a customer called
///   "{shop_name}" stays "{shop_name}".
public enum ReplyTemplate {
    /// `template` with the placeholders that have a value filled in.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = String.UnicodeScalarView()
        scan(template) { piece in
            switch piece {
            case .text(let scalars): out.append(contentsOf: scalars)
            case .placeholder(let name, let raw):
                if let value = values[name] { out.append(contentsOf: value.unicodeScalars) } else { out.append(contentsOf: raw) }
            }
        }
        return String(out)
    }

    /// The placeholder names of `template`, each once, in order of first appearance.
    public static func variables(in template: String) -> [String] {
        var names: [String] = []
        scan(template) { piece in
            if case .placeholder(let name, _) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The text of a per-locale map (`{"zh-CN": …, "en": …}`) for a visitor speaking
    /// `locale`: the entry for the same tag (case and `_`/`-` ignored), else one of the same
    /// language (the one ``UILocale/match(_:)`` would pick, e.g. "zh-TW" for "zh-HK", else the
    /// first by key), else "zh-CN", else `fallback` (the built-in default). The first entry
    /// found decides: if it is empty (or only whitespace) the reply is off and the result is
    /// nil; no further fallback is tried.
    public static func localized(_ map: [String: String], locale: String, fallback: String?) -> String? {
        func usable(_ text: String?) -> String? {
            guard let text else { return nil }
            return text.unicodeScalars.allSatisfy(\.properties.isWhitespace) ? nil : text
        }
        var byTag: [String: String] = [:]
        for key in map.keys.sorted() {
            if let tag = KeywordMatcher.canonicalTag(key), byTag[tag] == nil { byTag[tag] = map[key] }
        }
        if let tag = KeywordMatcher.canonicalTag(locale) {
            if let text = byTag[tag] { return usable(text) }
            let language = KeywordMatcher.primary(tag)
            if let supported = UILocale.match(tag).map({ $0.rawValue.lowercased() }),
               KeywordMatcher.primary(supported) == language, let text = byTag[supported] {
                return usable(text)
            }
            if let key = byTag.keys.sorted().first(where: { KeywordMatcher.primary($0) == language }) {
                return usable(byTag[key])
            }
        }
        if let text = byTag["zh-cn"] { return usable(text) }
        return usable(fallback)
    }

    // MARK: scanning

    enum Piece {
        case text(Substring.UnicodeScalarView)
        /// A well-formed placeholder: its name and its text as typed.
        case placeholder(String, Substring.UnicodeScalarView)
    }

    /// Splits `template` into literal text (escapes resolved) and placeholders.
    static func scan(_ template: String, _ visit: (Piece) -> Void) {
        let s = template.unicodeScalars[...]
        var literalStart = s.startIndex
        var i = s.startIndex
        func flush(upTo end: String.UnicodeScalarView.Index) {
            if literalStart < end { visit(.text(s[literalStart..<end])) }
        }
        while i < s.endIndex {
            let c = s[i]
            let next = s.index(after: i)
            if c == "{" || c == "}", next < s.endIndex, s[next] == c {
                // "{{" or "}}": one literal brace.
                flush(upTo: i)
                visit(.text(s[i..<next]))
                i = s.index(after: next)
                literalStart = i
                continue
            }
            if c == "{" {
                var j = next
                while j < s.endIndex, isNameScalar(s[j]) { j = s.index(after: j) }
                if j > next, j < s.endIndex, s[j] == "}" {
                    flush(upTo: i)
                    let end = s.index(after: j)
                    visit(.placeholder(String(s[next..<j]), s[i..<end]))
                    i = end
                    literalStart = i
                    continue
                }
            }
            i = next
        }
        flush(upTo: s.endIndex)
    }

    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: true
        default: false
        }
    }
}
