/// The one HTML escaping of Kefu: server-rendered pages (help centre, demo shop) and the
/// Markdown renderer both use it. Escapes the five characters that matter in text and in
/// quoted attribute values (`& < > " '`) and turns NUL into U+FFFD, as an HTML parser would.
public enum HTMLEscape {
    /// `text` safe to place between tags or inside a quoted attribute value.
    public static func text(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { append(scalar, into: &out) }
        return out
    }

    /// Appends one scalar, escaped, to `out` (for renderers that walk scalars themselves).
    @inline(__always)
    public static func append(_ scalar: Unicode.Scalar, into out: inout String) {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\0": out += "\u{FFFD}"
        default: out.unicodeScalars.append(scalar)
        }
    }
}
