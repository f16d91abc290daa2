/// Markdown → sanitised HTML, for FAQ answers shown in the public help centre.
///
/// Safe by construction: the renderer never copies markup from the source. Every character
/// of the text is HTML-escaped (`&` `<` `>` `"` `'`), raw HTML shows as text, and the only
/// tags and attributes in the output are the renderer's own. Link and image addresses go
/// through the caller's `resolveLink` and then, whatever it answers, through ``safeURL(_:)``
/// again, so no resolver can let a `javascript:` address through.
///
/// Supported, a practical subset of CommonMark and GitHub Markdown:
/// - ATX headings, shifted one level down because the page owns `<h1>`: `#` → `<h2>` …
///   `#####` and `######` → `<h6>`;
/// - paragraphs separated by blank lines, a single newline inside one → `<br>`;
/// - unordered (`-` `*` `+`) and ordered (`1.` `1)`) lists, nested by indentation; a list
///   without blank lines between items is tight (no `<p>` in its items);
/// - blockquotes (`>`), fenced code blocks (```` ``` ```` or `~~~`, with a language class),
///   horizontal rules (`---`, `***`, `___`), pipe tables with `:--` / `:-:` / `--:` alignment;
/// - inline: code spans, `**bold**`, `*italic*` / `_italic_`, `~~strike~~`, backslash escapes,
///   links `[text](url "title")`, autolinks `<https://…>`, bare `https://…` addresses and
///   images `![alt](url)` (only for http(s) addresses, with `loading="lazy"`).
///
/// Not supported, shown as text: raw HTML, reference links, setext headings, HTML entities
/// (`&copy;` shows as written). Four-space indented code is read as paragraph text.
/// External http(s) links get `rel="nofollow noopener" target="_blank"`; a link whose
/// address is refused shows its text only.
public enum MarkdownHTML {
    /// Nesting of quotes and lists beyond which their markers are shown as text.
    static let maxBlockDepth = 8

    /// The HTML of `markdown`. `resolveLink` maps a link or image address as written to the
    /// address to use, or nil to show the text only; the server uses it to turn
    /// `article:SLUG` into help-centre addresses and hands everything else to ``safeURL(_:)``.
    public static func render(_ markdown: String, resolveLink: (String) -> String? = MarkdownHTML.safeURL) -> String {
        withoutActuallyEscaping(resolveLink) { resolve in
            MarkdownBlocks(resolve: { raw in resolve(raw).flatMap(MarkdownHTML.safeURL) })
                .render(MarkdownBlocks.lines(markdown), depth: 0, tight: false)
        }
    }
}

/// The block structure: splits lines into headings, lists, quotes, code, tables and
/// paragraphs, and hands their text to ``MarkdownInline``.
struct MarkdownBlocks {
    typealias Line = [Unicode.Scalar]

    let resolve: (String) -> String?

    /// The lines of `markdown` (LF, CRLF or CR), leading tabs expanded to 4-column stops and
    /// NUL replaced by U+FFFD.
    static func lines(_ markdown: String) -> [Line] {
        var lines: [Line] = []
        var current: Line = []
        var leading = true
        var previousCR = false
        for c in markdown.unicodeScalars {
            if c == "\n", previousCR { previousCR = false; continue }
            previousCR = c == "\r"
            if c == "\n" || c == "\r" {
                lines.append(current)
                current = []
                leading = true
                continue
            }
            if leading, c == "\t" {
                for _ in 0..<(4 - current.count % 4) { current.append(" ") }
                continue
            }
            if c != " " { leading = false }
            current.append(c == "\0" ? "\u{FFFD}" : c)
        }
        lines.append(current)
        return lines
    }

    func render(_ lines: [Line], depth: Int, tight: Bool) -> String {
        var out: [String] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if Self.isBlank(line) { i += 1; continue }
            if let fence = Self.fence(line) {
                var code: [Line] = []
                i += 1
                while i < lines.count, !Self.closes(lines[i], fence) {
                    code.append(Self.dropIndent(lines[i], upTo: fence.indent))
                    i += 1
                }
                i += 1  // the closing fence, or past the end
                out.append(codeBlock(code, info: fence.info))
                continue
            }
            if let heading = Self.heading(line) {
                let level = min(6, heading.level + 1)
                out.append("<h\(level)>" + inline(Array(line[heading.text])) + "</h\(level)>")
                i += 1
                continue
            }
            if Self.isThematicBreak(line) {
                out.append("<hr>")
                i += 1
                continue
            }
            if depth < MarkdownHTML.maxBlockDepth, Self.quoteContent(line) != nil {
                var inner: [Line] = []
                while i < lines.count {
                    if let content = Self.quoteContent(lines[i]) {
                        inner.append(content)
                    } else if !Self.isBlank(lines[i]), let last = inner.last, !Self.isBlank(last), !startsBlock(lines, i, depth: depth) {
                        inner.append(lines[i])  // lazy continuation of a quoted paragraph
                    } else {
                        break
                    }
                    i += 1
                }
                out.append("<blockquote>\n" + render(inner, depth: depth + 1, tight: false) + "\n</blockquote>")
                continue
            }
            if depth < MarkdownHTML.maxBlockDepth, let marker = Self.listMarker(line) {
                let (html, next) = list(lines, from: i, marker: marker, depth: depth)
                out.append(html)
                i = next
                continue
            }
            if Self.tableStarts(lines, i) {
                let (html, next) = table(lines, from: i, depth: depth)
                out.append(html)
                i = next
                continue
            }
            var paragraph: [Line] = [line]
            i += 1
            while i < lines.count, !Self.isBlank(lines[i]), !startsBlock(lines, i, depth: depth) {
                paragraph.append(lines[i])
                i += 1
            }
            let text = paragraph.map { Self.trimmed($0) }.joined(separator: ["\n"])
            out.append(tight ? inline(Array(text)) : "<p>" + inline(Array(text)) + "</p>")
        }
        return out.joined(separator: "\n")
    }

    func inline(_ text: Line) -> String {
        MarkdownInline.render(text, resolve: resolve)
    }

    /// Whether line `k` begins a block that interrupts a paragraph.
    func startsBlock(_ lines: [Line], _ k: Int, depth: Int) -> Bool {
        let line = lines[k]
        if Self.fence(line) != nil || Self.heading(line) != nil || Self.isThematicBreak(line) { return true }
        if depth < MarkdownHTML.maxBlockDepth {
            if Self.quoteContent(line) != nil { return true }
            // As in CommonMark, only a non-empty item, and of an ordered list only "1.", interrupts.
            if let marker = Self.listMarker(line), marker.hasContent, marker.number == 1 || marker.bullet != nil { return true }
        }
        return Self.tableStarts(lines, k)
    }

    // MARK: code

    func codeBlock(_ code: [Line], info: Line) -> String {
        var html = "<pre><code"
        let language = info.prefix { $0 != " " }.filter { c in
            c.value < 0x80 && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "_+#.-".unicodeScalars.contains(c))
        }
        if !language.isEmpty, language.count <= 32 {
            html += " class=\"language-" + MarkdownInline.escaped(String(String.UnicodeScalarView(language))) + "\""
        }
        html += ">"
        for line in code { html += MarkdownInline.escaped(String(String.UnicodeScalarView(line))) + "\n" }
        return html + "</code></pre>"
    }

    // MARK: lists

    func list(_ lines: [Line], from start: Int, marker first: ListMarker, depth: Int) -> (String, Int) {
        var items: [[Line]] = []
        var current: [Line] = [first.content(of: lines[start])]
        var contentIndent = first.contentStart
        var loose = false
        var blanks = 0
        var i = start + 1
        while i < lines.count {
            let line = lines[i]
            if Self.isBlank(line) { blanks += 1; i += 1; continue }
            let indent = Self.leadingSpaces(line)
            if indent >= contentIndent {
                if blanks > 0 {
                    if current.contains(where: { !Self.isBlank($0) }) { loose = true }
                    current.append(contentsOf: Array(repeating: [], count: blanks))
                }
                current.append(Array(line[contentIndent...]))
            } else if !Self.isThematicBreak(line), let marker = Self.listMarker(line), marker.sameList(as: first) {
                if blanks > 0 { loose = true }
                items.append(current)
                current = [marker.content(of: line)]
                contentIndent = marker.contentStart
            } else if blanks == 0, let last = current.last, !Self.isBlank(last), !startsBlock(lines, i, depth: depth) {
                current.append(Array(line[indent...]))  // lazy continuation of the item's paragraph
            } else {
                break
            }
            blanks = 0
            i += 1
        }
        items.append(current)
        let tag = first.bullet == nil ? "ol" : "ul"
        var html = "<\(tag)" + (first.bullet == nil && first.number != 1 ? " start=\"\(first.number)\"" : "") + ">\n"
        for item in items {
            html += "<li>" + render(item, depth: depth + 1, tight: !loose) + "</li>\n"
        }
        return (html + "</\(tag)>", i)
    }

    struct ListMarker {
        /// `-`, `*` or `+`; nil for an ordered list.
        var bullet: Unicode.Scalar?
        /// `.` or `)` of an ordered list.
        var delimiter: Unicode.Scalar?
        var number: Int
        /// Column where the item's text begins; continuation lines are indented this far.
        var contentStart: Int
        var hasContent: Bool

        func sameList(as other: ListMarker) -> Bool {
            bullet == other.bullet && delimiter == other.delimiter
        }

        func content(of line: Line) -> Line {
            contentStart < line.count ? Array(line[contentStart...]) : []
        }
    }

    static func listMarker(_ line: Line) -> ListMarker? {
        var i = leadingSpaces(line)
        guard i <= 3, i < line.count else { return nil }
        var marker = ListMarker(bullet: nil, delimiter: nil, number: 1, contentStart: 0, hasContent: false)
        if line[i] == "-" || line[i] == "*" || line[i] == "+" {
            marker.bullet = line[i]
            i += 1
        } else {
            var d = i
            var number = 0
            while d < line.count, d - i < 9, ("0"..."9").contains(line[d]) {
                number = number * 10 + Int(line[d].value - 0x30)
                d += 1
            }
            guard d > i, d < line.count, line[d] == "." || line[d] == ")" else { return nil }
            marker.delimiter = line[d]
            marker.number = number
            i = d + 1
        }
        let markerEnd = i
        guard i == line.count || line[i] == " " || line[i] == "\t" else { return nil }
        while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
        marker.hasContent = i < line.count
        let spaces = i - markerEnd
        marker.contentStart = !marker.hasContent || spaces > 4 ? markerEnd + 1 : i
        return marker
    }

    // MARK: tables

    enum Alignment { case none, left, center, right }

    static func tableStarts(_ lines: [Line], _ k: Int) -> Bool {
        guard k + 1 < lines.count, lines[k].contains("|"), let alignments = delimiterRow(lines[k + 1]) else { return false }
        return cells(lines[k]).count == alignments.count
    }

    func table(_ lines: [Line], from start: Int, depth: Int) -> (String, Int) {
        let alignments = Self.delimiterRow(lines[start + 1]) ?? []
        func row(_ line: Line, cell tag: String) -> String {
            var cells = Self.cells(line)
            if cells.count < alignments.count { cells += Array(repeating: [], count: alignments.count - cells.count) }
            var html = "<tr>\n"
            for (cell, alignment) in zip(cells, alignments) {
                html += "<\(tag)\(Self.style(alignment))>" + inline(cell) + "</\(tag)>\n"
            }
            return html + "</tr>\n"
        }
        var html = "<table>\n<thead>\n" + row(lines[start], cell: "th") + "</thead>\n"
        var i = start + 2
        var body = ""
        while i < lines.count, !Self.isBlank(lines[i]), !startsBlock(lines, i, depth: depth) {
            body += row(lines[i], cell: "td")
            i += 1
        }
        if !body.isEmpty { html += "<tbody>\n" + body + "</tbody>\n" }
        return (html + "</table>", i)
    }

    static func style(_ alignment: Alignment) -> String {
        switch alignment {
        case .none: return ""
        case .left: return " style=\"text-align:left\""
        case .center: return " style=\"text-align:center\""
        case .right: return " style=\"text-align:right\""
        }
    }

    /// The cells of a table row: split at unescaped `|`, outer pipes optional, trimmed.
    static func cells(_ line: Line) -> [Line] {
        var text = trimmed(line)[...]
        if text.first == "|" { text = text.dropFirst() }
        if text.last == "|", text.count < 2 || text[text.endIndex - 2] != "\\" { text = text.dropLast() }
        var cells: [Line] = []
        var cell: Line = []
        var escaped = false
        for c in text {
            if c == "|", !escaped {
                cells.append(trimmed(cell))
                cell = []
            } else {
                cell.append(c)
            }
            escaped = c == "\\" && !escaped
        }
        cells.append(trimmed(cell))
        return cells
    }

    static func delimiterRow(_ line: Line) -> [Alignment]? {
        guard line.contains("|") else { return nil }
        var alignments: [Alignment] = []
        for cell in cells(line) {
            let left = cell.first == ":"
            let right = cell.last == ":"
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right && cell.count > 1 ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments
    }

    // MARK: line tests

    struct Fence {
        var marker: Unicode.Scalar
        var length: Int
        var indent: Int
        var info: Line
    }

    static func fence(_ line: Line) -> Fence? {
        let indent = leadingSpaces(line)
        guard indent <= 3, indent < line.count, line[indent] == "`" || line[indent] == "~" else { return nil }
        let marker = line[indent]
        var i = indent
        while i < line.count, line[i] == marker { i += 1 }
        guard i - indent >= 3 else { return nil }
        let info = trimmed(Array(line[i...]))
        if marker == "`", info.contains("`") { return nil }
        return Fence(marker: marker, length: i - indent, indent: indent, info: info)
    }

    static func closes(_ line: Line, _ fence: Fence) -> Bool {
        let indent = leadingSpaces(line)
        guard indent <= 3 else { return false }
        var i = indent
        while i < line.count, line[i] == fence.marker { i += 1 }
        return i - indent >= fence.length && line[i...].allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Level 1...6 and the range of the heading text, without a closing `#` sequence.
    static func heading(_ line: Line) -> (level: Int, text: Range<Int>)? {
        let indent = leadingSpaces(line)
        guard indent <= 3 else { return nil }
        var i = indent
        while i < line.count, line[i] == "#" { i += 1 }
        let level = i - indent
        guard (1...6).contains(level), i == line.count || line[i] == " " || line[i] == "\t" else { return nil }
        var end = line.count
        while end > i, line[end - 1] == " " || line[end - 1] == "\t" { end -= 1 }
        var hashes = end
        while hashes > i, line[hashes - 1] == "#" { hashes -= 1 }
        if hashes == i || line[hashes - 1] == " " || line[hashes - 1] == "\t" { end = hashes }
        while end > i, line[end - 1] == " " || line[end - 1] == "\t" { end -= 1 }
        var start = i
        while start < end, line[start] == " " || line[start] == "\t" { start += 1 }
        return (level, start..<end)
    }

    static func isThematicBreak(_ line: Line) -> Bool {
        guard leadingSpaces(line) <= 3 else { return false }
        var marker: Unicode.Scalar?
        var count = 0
        for c in line where c != " " && c != "\t" {
            guard c == "-" || c == "*" || c == "_", marker == nil || marker == c else { return false }
            marker = c
            count += 1
        }
        return count >= 3
    }

    /// The text after `>` and one optional space.
    static func quoteContent(_ line: Line) -> Line? {
        let indent = leadingSpaces(line)
        guard indent <= 3, indent < line.count, line[indent] == ">" else { return nil }
        var i = indent + 1
        if i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
        return Array(line[i...])
    }

    static func isBlank(_ line: Line) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    static func leadingSpaces(_ line: Line) -> Int {
        var i = 0
        while i < line.count, line[i] == " " { i += 1 }
        return i
    }

    static func dropIndent(_ line: Line, upTo n: Int) -> Line {
        Array(line.dropFirst(min(n, leadingSpaces(line))))
    }

    static func trimmed(_ line: Line) -> Line {
        var start = 0
        var end = line.count
        while start < end, line[start] == " " || line[start] == "\t" { start += 1 }
        while end > start, line[end - 1] == " " || line[end - 1] == "\t" { end -= 1 }
        return Array(line[start..<end])
    }
}
