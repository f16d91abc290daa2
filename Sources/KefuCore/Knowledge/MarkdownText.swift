/// Markdown → plain text for indexing and snippets: link and image syntax reduced to their
/// text, emphasis, code, heading, list, quote and table markers and HTML tags removed,
/// whitespace runs collapsed to one space. The words themselves are not changed.
/// Works on Unicode scalars (all markup is ASCII), which is several times faster than
/// walking `Character`s.
public enum MarkdownText {
    public static func plain(_ markdown: String) -> String {
        let s = Array(markdown.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var lineStart = 0
        while lineStart < s.count {
            var lineEnd = lineStart
            while lineEnd < s.count, s[lineEnd] != "\n", s[lineEnd] != "\r" { lineEnd += 1 }
            var i = lineStart
            // Leading block markers: indentation, headings, quotes, list bullets, "1." / "1)".
            while i < lineEnd, s[i] == " " || s[i] == "\t" { i += 1 }
            while i < lineEnd, s[i] == "#" || s[i] == ">" { i += 1 }
            while i < lineEnd, s[i] == " " { i += 1 }
            if i + 1 < lineEnd, s[i] == "-" || s[i] == "*" || s[i] == "+", s[i + 1] == " " { i += 2 }
            var d = i
            while d < lineEnd, s[d].value >= 0x30, s[d].value <= 0x39 { d += 1 }
            if d > i, d + 1 < lineEnd, s[d] == "." || s[d] == ")", s[d + 1] == " " { i = d + 2 }
            if i < lineEnd {
                out.append(" ")
                inline(s, i..<lineEnd, into: &out)
            }
            lineStart = lineEnd + 1
        }
        return collapseWhitespace(out)
    }

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil
    }

    static func inline(_ s: [Unicode.Scalar], _ range: Range<Int>, into out: inout [Unicode.Scalar]) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = s[i]
            switch c {
            case "!" where i + 1 < end && s[i + 1] == "[":
                i += 1  // image: keep the alt text like a link
                continue
            case "[":
                // [text](url) → text
                if let close = s[i..<end].firstIndex(of: "]"), close + 1 < end, s[close + 1] == "(",
                   let paren = s[(close + 1)..<end].firstIndex(of: ")") {
                    inline(s, (i + 1)..<close, into: &out)
                    i = paren + 1
                    continue
                }
                out.append(c)
            case "<":
                // <tag …> dropped; a lone "<" kept.
                if i + 1 < end, isWordScalar(s[i + 1]) || s[i + 1] == "/" || s[i + 1] == "!",
                   let close = s[i..<end].firstIndex(of: ">") {
                    i = close + 1
                    continue
                }
                out.append(c)
            case "*", "`":
                break  // emphasis and code markers
            case "|":
                out.append(" ")  // table cells
            case "_":
                // Emphasis underscores at word edges; keep snake_case inside words.
                if i > range.lowerBound, i + 1 < end, isWordScalar(s[i - 1]), isWordScalar(s[i + 1]) { out.append(c) }
            default:
                out.append(c)
            }
            i += 1
        }
    }

    static func collapseWhitespace(_ s: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for c in s {
            let white = c.value < 0x80 ? (c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}") : c.properties.isWhitespace
            if white {
                space = !out.isEmpty
            } else {
                if space { out.append(" ") }
                space = false
                out.append(c)
            }
        }
        return String(out)
    }
}
