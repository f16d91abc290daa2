/// The inline part of ``MarkdownHTML``: code spans, emphasis, links, images and line breaks
/// of one paragraph, heading or table cell. Every character of the text is escaped; the
/// only markup emitted is the renderer's own tags.
///
/// Emphasis is a simplified CommonMark: an opening run of `*`, `_` or `~~` must be followed
/// by a non-space, and is closed by the next run of exactly the same length that follows a
/// non-space (`_` only at word edges, so snake_case stays). Runs without a closer show as
/// text. Every search is bounded so that hostile input stays roughly linear.
struct MarkdownInline {
    private let s: [Unicode.Scalar]
    private let resolve: (String) -> String?
    /// For each `[`, the index of its matching `]`.
    private var closingBracket: [Int: Int] = [:]
    /// Emphasis searches that found no closer: (marker, length) → (from, end).
    private var noCloser: [UInt32: (from: Int, end: Int)] = [:]
    private var out = ""

    /// Nesting of emphasis and link text beyond which markers show as text.
    static let maxDepth = 16
    /// The longest link address or title read, in scalars.
    static let maxAddress = 4096
    /// Nesting of parentheses in a link address (as in CommonMark); keeps failing scans short.
    static let maxParens = 32

    static func render(_ text: [Unicode.Scalar], resolve: @escaping (String) -> String?) -> String {
        var renderer = MarkdownInline(s: text, resolve: resolve)
        renderer.matchBrackets()
        renderer.run(0..<text.count, links: true, depth: 0)
        return renderer.out
    }

    private init(s: [Unicode.Scalar], resolve: @escaping (String) -> String?) {
        self.s = s
        self.resolve = resolve
        out.reserveCapacity(s.count + s.count / 4)
    }

    // MARK: escaping

    static func escaped(_ text: String) -> String { HTMLEscape.text(text) }

    @inline(__always)
    static func escape(_ c: Unicode.Scalar, into out: inout String) { HTMLEscape.append(c, into: &out) }

    private mutating func escape(_ range: Range<Int>) {
        for k in range { Self.escape(s[k], into: &out) }
    }

    private func string(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(s[range]))
    }

    // MARK: the main loop

    private mutating func run(_ range: Range<Int>, links: Bool, depth: Int) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = s[i]
            switch c {
            case "\\":
                if i + 1 < end, s[i + 1] == "\n" {
                    out += "<br>\n"
                    i += 2
                } else if i + 1 < end, Self.isASCIIPunctuation(s[i + 1]) {
                    Self.escape(s[i + 1], into: &out)
                    i += 2
                } else {
                    out += "\\"
                    i += 1
                }
            case "\n":
                out += "<br>\n"
                i += 1
            case "`":
                i = codeSpan(at: i, end)
            case "!" where i + 1 < end && s[i + 1] == "[":
                if let next = image(at: i, end) { i = next } else { out += "!"; i += 1 }
            case "[" where links && depth < Self.maxDepth:
                if let next = link(at: i, end, depth: depth) { i = next } else { out += "["; i += 1 }
            case "<" where links:
                if let next = autolink(at: i, end) { i = next } else { out += "&lt;"; i += 1 }
            case "*", "_", "~":
                i = emphasis(at: i, end, links: links, depth: depth)
            case "h" where links, "H" where links:
                if let next = bareURL(at: i, end) { i = next } else { out.unicodeScalars.append(c); i += 1 }
            default:
                Self.escape(c, into: &out)
                i += 1
            }
        }
    }

    // MARK: code spans

    /// The code span opening at `i`: (content, index after it), or nil without a closing run.
    private func codeSpanRange(at i: Int, _ end: Int) -> (content: Range<Int>, next: Int)? {
        var k = i
        while k < end, s[k] == "`" { k += 1 }
        let n = k - i
        var j = k
        while j < end {
            guard s[j] == "`" else { j += 1; continue }
            var e = j
            while e < end, s[e] == "`" { e += 1 }
            if e - j == n { return (k..<j, e) }
            j = e
        }
        return nil
    }

    private mutating func codeSpan(at i: Int, _ end: Int) -> Int {
        guard let span = codeSpanRange(at: i, end) else {
            var k = i
            while k < end, s[k] == "`" { out += "`"; k += 1 }
            return k
        }
        var content = span.content
        let text = s[content]
        if text.count >= 2, text.first == " ", text.last == " ", text.contains(where: { $0 != " " }) {
            content = (content.lowerBound + 1)..<(content.upperBound - 1)
        }
        out += "<code>"
        for k in content { Self.escape(s[k] == "\n" ? " " : s[k], into: &out) }
        out += "</code>"
        return span.next
    }

    // MARK: emphasis

    private mutating func emphasis(at i: Int, _ end: Int, links: Bool, depth: Int) -> Int {
        let marker = s[i]
        var k = i
        while k < end, s[k] == marker { k += 1 }
        let n = k - i
        let opens = k < end && !Self.isSpace(s[k]) && (marker != "_" || i == 0 || !Self.isWord(s[i - 1]))
        let tags: (open: String, close: String)? = switch (marker, n) {
        case ("~", 2): ("<del>", "</del>")
        case ("~", _): nil
        case (_, 1): ("<em>", "</em>")
        case (_, 2): ("<strong>", "</strong>")
        case (_, 3): ("<strong><em>", "</em></strong>")
        default: nil
        }
        if opens, depth < Self.maxDepth, let tags, let closer = findCloser(marker, n, from: k, end) {
            out += tags.open
            run(k..<closer, links: links, depth: depth + 1)
            out += tags.close
            return closer + n
        }
        for _ in 0..<n { out.unicodeScalars.append(marker) }
        return k
    }

    /// The start of the next run of exactly `n` × `marker` after a non-space, skipping code
    /// spans and escapes. Failed searches are remembered, so that many openers without a
    /// closer do not each scan to the end.
    private mutating func findCloser(_ marker: Unicode.Scalar, _ n: Int, from k: Int, _ end: Int) -> Int? {
        let key = marker.value &* 8 &+ UInt32(n)
        if let failed = noCloser[key], k >= failed.from, end <= failed.end { return nil }
        var j = k
        while j < end {
            let c = s[j]
            if c == "\\" { j += 2; continue }
            if c == "`" {
                if let span = codeSpanRange(at: j, end) { j = span.next } else { while j < end, s[j] == "`" { j += 1 } }
                continue
            }
            guard c == marker else { j += 1; continue }
            var e = j
            while e < end, s[e] == marker { e += 1 }
            if e - j == n, j > k, !Self.isSpace(s[j - 1]), marker != "_" || e == end || !Self.isWord(s[e]) { return j }
            j = e
        }
        noCloser[key] = (k, end)
        return nil
    }

    // MARK: links and images

    /// Pairs every `[` with its `]` in one pass (escapes and code spans skipped).
    private mutating func matchBrackets() {
        var open: [Int] = []
        var j = 0
        while j < s.count {
            switch s[j] {
            case "\\": j += 2; continue
            case "`":
                if let span = codeSpanRange(at: j, s.count) { j = span.next; continue }
                while j < s.count, s[j] == "`" { j += 1 }
                continue
            case "[": open.append(j)
            case "]": if let o = open.popLast() { closingBracket[o] = j }
            default: break
            }
            j += 1
        }
    }

    /// `[text](destination "title")` starting at the `[` at `i`; the title on one line.
    private func linkParts(at i: Int, _ end: Int) -> (text: Range<Int>, destination: String, title: String?, next: Int)? {
        guard let close = closingBracket[i], close + 1 < end, s[close + 1] == "(" else { return nil }
        let limit = min(end, close + 2 + Self.maxAddress)
        var j = close + 2
        func skipSpaces() { while j < limit, Self.isSpace(s[j]) { j += 1 } }
        skipSpaces()
        var destination = String.UnicodeScalarView()
        if j < limit, s[j] == "<" {
            j += 1
            while j < limit, s[j] != ">", s[j] != "<", s[j] != "\n" {
                if s[j] == "\\", j + 1 < limit, Self.isASCIIPunctuation(s[j + 1]) { j += 1 }
                destination.append(s[j])
                j += 1
            }
            guard j < limit, s[j] == ">" else { return nil }
            j += 1
        } else {
            var parens = 0
            while j < limit, !Self.isSpace(s[j]) {
                if s[j] == "\\", j + 1 < limit, Self.isASCIIPunctuation(s[j + 1]) {
                    j += 1
                } else if s[j] == "(" {
                    parens += 1
                    if parens > Self.maxParens { return nil }
                } else if s[j] == ")" {
                    if parens == 0 { break }
                    parens -= 1
                }
                destination.append(s[j])
                j += 1
            }
            guard parens == 0 else { return nil }
        }
        skipSpaces()
        var title: String?
        if j < limit, s[j] == "\"" || s[j] == "'" || s[j] == "(" {
            let closing: Unicode.Scalar = s[j] == "(" ? ")" : s[j]
            j += 1
            var text = String.UnicodeScalarView()
            while j < limit, s[j] != closing, s[j] != "\n" {
                if s[j] == "\\", j + 1 < limit, Self.isASCIIPunctuation(s[j + 1]) { j += 1 }
                text.append(s[j])
                j += 1
            }
            guard j < limit, s[j] == closing else { return nil }
            j += 1
            title = String(text)
            skipSpaces()
        }
        guard j < limit, s[j] == ")" else { return nil }
        return ((i + 1)..<close, String(destination), title, j + 1)
    }

    private mutating func link(at i: Int, _ end: Int, depth: Int) -> Int? {
        guard let parts = linkParts(at: i, end) else { return nil }
        guard let href = resolve(parts.destination) else {
            run(parts.text, links: false, depth: depth + 1)  // refused address: the text only
            return parts.next
        }
        out += "<a href=\"" + Self.escaped(href) + "\""
        if let title = parts.title { out += " title=\"" + Self.escaped(title) + "\"" }
        if Self.isExternal(href) { out += " rel=\"nofollow noopener\" target=\"_blank\"" }
        out += ">"
        run(parts.text, links: false, depth: depth + 1)
        out += "</a>"
        return parts.next
    }

    /// `![alt](url)` at `i` (the `!`): an image for http(s) addresses, else the alt text.
    private mutating func image(at i: Int, _ end: Int) -> Int? {
        guard let parts = linkParts(at: i + 1, end) else { return nil }
        let alt = MarkdownText.plain(string(parts.text))
        if let src = resolve(parts.destination), Self.isHTTP(src) {
            out += "<img src=\"" + Self.escaped(src) + "\" alt=\"" + Self.escaped(alt) + "\""
            if let title = parts.title { out += " title=\"" + Self.escaped(title) + "\"" }
            out += " loading=\"lazy\">"
        } else {
            out += Self.escaped(alt)
        }
        return parts.next
    }

    /// `<scheme:…>` or `<name@example.com>` at `i`; nil if not an autolink or refused.
    private mutating func autolink(at i: Int, _ end: Int) -> Int? {
        var j = i + 1
        while j < end, j - i <= Self.maxAddress, s[j] != ">", s[j] != "<", !Self.isSpace(s[j]), s[j].value >= 0x20 { j += 1 }
        guard j < end, s[j] == ">", j > i + 1 else { return nil }
        let content = (i + 1)..<j
        let text = string(content)
        let href: String?
        if Self.hasScheme(s[content]) {
            href = resolve(text)
        } else if Self.isEmail(s[content]) {
            href = resolve("mailto:" + text)
        } else {
            return nil
        }
        guard let href else { return nil }
        out += "<a href=\"" + Self.escaped(href) + "\"" + (Self.isExternal(href) ? " rel=\"nofollow noopener\" target=\"_blank\"" : "") + ">"
        escape(content)
        out += "</a>"
        return j + 1
    }

    /// A bare `http://` or `https://` address at `i`, up to a space, `<`, quote or non-ASCII
    /// character, without trailing punctuation.
    private mutating func bareURL(at i: Int, _ end: Int) -> Int? {
        guard i == 0 || !Self.isWord(s[i - 1]) else { return nil }
        let prefix: Int
        if Self.hasPrefix("https://", at: i, end, in: s) { prefix = 8 } else if Self.hasPrefix("http://", at: i, end, in: s) { prefix = 7 } else { return nil }
        var j = i + prefix
        while j < end, j - i < Self.maxAddress, s[j].value > 0x20, s[j].value < 0x7F, !"<>\"`".unicodeScalars.contains(s[j]) { j += 1 }
        while j > i + prefix {
            let last = s[j - 1]
            if ".,:;!?'*_~".unicodeScalars.contains(last) {
                j -= 1
            } else if last == ")", s[i..<j].filter({ $0 == ")" }).count > s[i..<j].filter({ $0 == "(" }).count {
                j -= 1
            } else {
                break
            }
        }
        guard j > i + prefix, let href = resolve(string(i..<j)) else { return nil }
        out += "<a href=\"" + Self.escaped(href) + "\"" + (Self.isExternal(href) ? " rel=\"nofollow noopener\" target=\"_blank\"" : "") + ">"
        escape(i..<j)
        out += "</a>"
        return j
    }

    // MARK: character classes

    static func isExternal(_ href: String) -> Bool {
        isHTTP(href) || href.hasPrefix("//")
    }

    static func isHTTP(_ href: String) -> Bool {
        let lower = href.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    static func hasPrefix(_ prefix: String, at i: Int, _ end: Int, in s: [Unicode.Scalar]) -> Bool {
        var k = i
        for p in prefix.unicodeScalars {
            guard k < end, s[k].value < 0x80, Character(s[k]).lowercased() == String(p) else { return false }
            k += 1
        }
        return true
    }

    /// An ASCII letter, then 1...31 letters, digits, `+` `.` `-`, then `:`.
    static func hasScheme(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let colon = text.firstIndex(of: ":"), let first = text.first, isASCIILetter(first) else { return false }
        let scheme = text[text.startIndex..<colon]
        return (2...32).contains(scheme.count) && scheme.allSatisfy { isASCIILetter($0) || ("0"..."9").contains($0) || $0 == "+" || $0 == "." || $0 == "-" }
    }

    static func isEmail(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let at = text.firstIndex(of: "@"), at > text.startIndex else { return false }
        let domain = text[(at + 1)...]
        return domain.contains(".") && domain.first != "." && domain.last != "."
            && text.allSatisfy { isASCIILetter($0) || ("0"..."9").contains($0) || "@.!#$%&'*+/=?^_{|}~-".unicodeScalars.contains($0) }
            && !domain.contains("@")
    }

    static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(c)
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || (c.value >= 0x80 && c.properties.isWhitespace)
    }

    static func isWord(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil
    }
}
