/// RFC 4180 CSV, as spreadsheet programs read and write it.
///
/// Reading: fields separated by `,`, records by CR, LF or CRLF; a field in double quotes may
/// hold commas, line breaks and doubled quotes (`""` → `"`); a quote inside an unquoted field
/// is kept as text. A UTF-8 byte-order mark at the start is skipped and blank lines at the
/// end are ignored (a blank line in the middle is a record of one empty field).
///
/// Writing: fields quoted only when needed, records ended by CRLF, and cells that a
/// spreadsheet would run as a formula (starting with `=` `+` `-` `@`, tab or CR) prefixed
/// with an apostrophe; ``unprotect(_:)`` undoes that on import.
public enum CSV {
    /// The records of `text`, each a list of fields.
    /// Throws `.invalid` (field "csv") naming the line of an unterminated quoted field or of
    /// text after a closing quote.
    public static func parse(_ text: String) throws(DomainError) -> [[String]] {
        try records(text).map(\.fields)
    }

    /// Like ``parse(_:)``, with the line each record starts on (1-based; a record with line
    /// breaks inside quotes spans several lines).
    public static func records(_ text: String) throws(DomainError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false      // inside quotes
        var wasQuoted = false   // the current field was quoted and its quote is closed
        var quoteLine = 1
        var previousCR = false
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }

        func endRecord() {
            fields.append(String(field))
            records.append(CSVRecord(line: recordLine, fields: fields))
            fields = []
            field = String.UnicodeScalarView()
            wasQuoted = false
        }

        for c in scalars {
            if c == "\n", previousCR {  // the LF of a CRLF: the line was counted at the CR
                previousCR = false
                if quoted { field.append(c) }
                continue
            }
            previousCR = c == "\r"
            if quoted {
                if c == "\"" {
                    quoted = false
                    wasQuoted = true
                } else {
                    if c == "\n" || c == "\r" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                quoteLine = line
            case "\"" where wasQuoted:
                // `""` inside a quoted field: a literal quote, and the field goes on.
                field.append(c)
                quoted = true
                wasQuoted = false
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                wasQuoted = false
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                if wasQuoted {
                    throw .invalid("csv", "line \(line): text after the closing quote of a field; a quote inside a quoted field must be doubled (\"\")")
                }
                field.append(c)
            }
        }
        if quoted {
            throw .invalid("csv", "line \(quoteLine): a quoted field is not closed (missing \")")
        }
        if !fields.isEmpty || !field.isEmpty || wasQuoted { endRecord() }
        while let last = records.last, last.fields == [""] { records.removeLast() }
        return records
    }

    /// `rows` as CSV text: CRLF after every record, fields quoted when they hold `,` `"` CR
    /// or LF, formula-looking cells protected (see ``protect(_:)``).
    public static func format(_ rows: [[String]]) -> String {
        var out = ""
        for row in rows {
            out += row.map { quoted(protect($0)) }.joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    /// A cell a spreadsheet would run as a formula (first character `=` `+` `-` `@`, tab or
    /// CR, possibly after apostrophes) with an apostrophe in front. The apostrophes before
    /// are counted in, so that ``unprotect(_:)`` gives back exactly the original.
    public static func protect(_ cell: String) -> String {
        isFormulaLike(cell.unicodeScalars.drop { $0 == "'" }.first) ? "'" + cell : cell
    }

    /// Removes the apostrophe that ``protect(_:)`` added.
    public static func unprotect(_ cell: String) -> String {
        guard cell.hasPrefix("'") else { return cell }
        return isFormulaLike(cell.unicodeScalars.drop { $0 == "'" }.first) ? String(cell.dropFirst()) : cell
    }

    static func isFormulaLike(_ first: Unicode.Scalar?) -> Bool {
        guard let first else { return false }
        return first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r"
    }

    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// One CSV record and the line it starts on.
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// One FAQ article as a row of the CSV import/export file.
public struct FAQCSVRow: Sendable, Hashable {
    /// Empty: the server derives one.
    public var slug: String
    public var locale: String
    public var title: String
    /// Markdown.
    public var body: String
    public var category: String
    public var tags: [String]
    public var synonyms: [String]
    /// Slugs of related articles.
    public var related: [String]
    /// "published" or "draft" (checked by the server).
    public var status: String

    public init(slug: String = "", locale: String = "zh-CN", title: String, body: String, category: String = "",
                tags: [String] = [], synonyms: [String] = [], related: [String] = [], status: String = "published") {
        self.slug = slug
        self.locale = locale
        self.title = title
        self.body = body
        self.category = category
        self.tags = tags
        self.synonyms = synonyms
        self.related = related
        self.status = status
    }
}

/// The FAQ CSV file: a header row naming the columns (any order; ``header`` on export), then
/// one article per row. List columns (tags, synonyms, related) hold their entries joined
/// with `|`, so an entry itself cannot contain `|`.
public enum FAQCSV {
    public static let header = ["slug", "locale", "title", "body", "category", "tags", "synonyms", "related", "status"]
    public static let defaultLocale = "zh-CN"
    public static let defaultStatus = "published"

    /// The file for `rows`: header, then one record per row (see ``CSV/format(_:)``).
    public static func export(_ rows: [FAQCSVRow]) -> String {
        CSV.format([header] + rows.map { row in
            [row.slug, row.locale, row.title, row.body, row.category,
             joinList(row.tags), joinList(row.synonyms), joinList(row.related), row.status]
        })
    }

    /// The rows of a file. The header row is required; column names are matched without
    /// regard to case and surrounding spaces, `title` and `body` must be there, unknown or
    /// repeated columns are refused. Blank records are skipped. Cells are trimmed (the body
    /// keeps its text as is), the apostrophe of a protected formula-looking cell is removed,
    /// an empty locale becomes "zh-CN" and an empty status "published"; the slug may be empty.
    /// Errors are `.invalid` and name the line: "line 4: title is empty".
    public static func parse(_ text: String) throws(DomainError) -> [FAQCSVRow] {
        let records = try CSV.records(text)
        guard let headerRecord = records.first else {
            throw .invalid("csv", "the file is empty; the first line must name the columns: \(header.joined(separator: ","))")
        }
        var columns: [String: Int] = [:]
        var unknown: [String] = []
        for (index, raw) in headerRecord.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if name.isEmpty, index == headerRecord.fields.count - 1, index > 0 { continue }  // a trailing comma
            guard header.contains(name) else { unknown.append(name.isEmpty ? "(empty)" : "'\(name)'"); continue }
            guard columns[name] == nil else { throw .invalid("csv", "line \(headerRecord.line): the column '\(name)' appears twice") }
            columns[name] = index
        }
        guard unknown.isEmpty else {
            throw .invalid("csv", "line \(headerRecord.line): unknown column\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")); the columns are \(header.joined(separator: ", "))")
        }
        let missing = ["title", "body"].filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid("csv", "line \(headerRecord.line): the column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: " and ")) \(missing.count > 1 ? "are" : "is") missing")
        }
        let width = (columns.values.max() ?? 0) + 1

        var rows: [FAQCSVRow] = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            if record.fields.count > width, record.fields[width...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw .invalid("csv", "line \(record.line): \(record.fields.count) fields, but the header names \(width) columns")
            }
            func cell(_ name: String) -> String {
                guard let index = columns[name], index < record.fields.count else { return "" }
                return CSV.unprotect(record.fields[index])
            }
            func trimmed(_ name: String) -> String { cell(name).trimmingCharacters(in: .whitespacesAndNewlines) }
            let row = FAQCSVRow(
                slug: trimmed("slug"),
                locale: trimmed("locale").isEmpty ? defaultLocale : trimmed("locale"),
                title: trimmed("title"),
                body: cell("body"),
                category: trimmed("category"),
                tags: splitList(cell("tags")),
                synonyms: splitList(cell("synonyms")),
                related: splitList(cell("related")),
                status: trimmed("status").isEmpty ? defaultStatus : trimmed("status"))
            if row.title.isEmpty { throw .invalid("title", "line \(record.line): title is empty") }
            if row.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .invalid("body", "line \(record.line): body is empty") }
            rows.append(row)
        }
        return rows
    }

    /// Entries joined with "|", trimmed, empty ones dropped.
    public static func joinList(_ items: [String]) -> String {
        items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: "|")
    }

    /// A list cell split at "|", entries trimmed, empty ones dropped.
    public static func splitList(_ cell: String) -> [String] {
        cell.split(separator: "|").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
