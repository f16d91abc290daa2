import Foundation

/// A CSV import file as ``ProductCSV`` and ``OrderCSV`` read it: a header row naming the
/// columns (any order, case and surrounding spaces ignored, a trailing empty column allowed),
/// then the records, blank ones skipped. Errors are `.invalid`, name the line ("line 7: …")
/// and have the column as their field ("csv" for the file as a whole).
struct ImportCSV {
    struct Row {
        var line: Int
        var fields: [String]
        var columns: [String: Int]

        /// The cell of `column`, trimmed, the apostrophe of ``CSV/protect(_:)`` removed; empty
        /// when the column or the cell is missing.
        func cell(_ column: String) -> String {
            guard let index = columns[column], index < fields.count else { return "" }
            return CSV.unprotect(fields[index].trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    var rows: [Row]

    init(_ text: String, columns known: [String], required: [String]) throws(DomainError) {
        let records = try CSV.records(text)
        guard let header = records.first else {
            throw .invalid("csv", "the file is empty; the first line must name the columns: \(known.joined(separator: ","))")
        }
        var columns: [String: Int] = [:]
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if name.isEmpty, index == header.fields.count - 1, index > 0 { continue }  // a trailing comma
            guard known.contains(name) else {
                throw .invalid(name.isEmpty ? "csv" : name,
                               "line \(header.line): unknown column \(name.isEmpty ? "(empty)" : "'\(name)'"); the columns are \(known.joined(separator: ", "))")
            }
            guard columns[name] == nil else { throw .invalid(name, "line \(header.line): the column '\(name)' appears twice") }
            columns[name] = index
        }
        for name in required where columns[name] == nil {
            throw .invalid(name, "line \(header.line): the column '\(name)' is missing; required are \(required.joined(separator: ", "))")
        }
        let width = (columns.values.max() ?? 0) + 1
        rows = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            if record.fields.count > width, record.fields[width...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw .invalid("csv", "line \(record.line): \(record.fields.count) fields, but the header names \(width) columns")
            }
            rows.append(Row(line: record.line, fields: record.fields, columns: columns))
        }
    }

    /// `body`'s error with "line N: " in front and the field `columnOf` gives for its field
    /// (kept when nil); a message that starts with the old field name starts with the
    /// column instead ("marketPrice must …" → "line 3: market_price must …").
    static func at<T>(_ line: Int, columnOf: (String) -> String? = { $0 },
                      _ body: () throws(DomainError) -> T) throws(DomainError) -> T {
        do {
            return try body()
        } catch {
            throw relocated(error, line: line, column: error.field.flatMap(columnOf))
        }
    }

    static func relocated(_ error: DomainError, line: Int, column: String?) -> DomainError {
        var error = error
        if let column, let field = error.field {
            if error.message.hasPrefix(field) { error.message = column + error.message.dropFirst(field.count) }
            error.field = column
        }
        error.message = "line \(line): " + error.message
        return error
    }

    /// The amount in `cell` (a decimal such as "19.90"), nil when empty.
    static func amount(_ cell: String, currency: String, column: String, line: Int) throws(DomainError) -> Int64? {
        guard !cell.isEmpty else { return nil }
        return try at(line) { () throws(DomainError) in try Money.parse(cell, currency: currency, field: column).minor }
    }

    /// A whole number, nil when empty.
    static func integer(_ cell: String, column: String, line: Int) throws(DomainError) -> Int? {
        guard !cell.isEmpty else { return nil }
        guard let value = Int(cell) else { throw .invalid(column, "line \(line): \(column) '\(cell)' is not a whole number") }
        return value
    }

    /// An amount for a cell: the decimal of ``Money/decimalString``, or the minor units as
    /// they are when the currency is not a valid code.
    static func decimal(_ minor: Int64, currency: String) -> String {
        (try? Money(minor: minor, currency: currency))?.decimalString ?? String(minor)
    }

    // MARK: dates

    /// A date as people type it: "2026-11-22 14:30", "2026-11-22 14:30:05" or with `/`
    /// ("2026/11/22 14:30", as spreadsheets write it) in `timeZone`, or ISO-8601
    /// ("2026-11-22T14:30:00+08:00", "2026-11-22T06:30:00.250Z"; without an offset: in
    /// `timeZone`). Throws `.invalid` naming `field` otherwise.
    static func date(_ text: String, timeZone: TimeZone, field: String) throws(DomainError) -> Date {
        let bad = DomainError.invalid(field, "\(field) '\(text)' is not a date and time; write 2026-11-22 14:30 (\(timeZone.identifier)) or ISO-8601 such as 2026-11-22T14:30:00+08:00")
        var s = Array(text.utf8)[...]
        func take(_ c: Character) -> Bool {
            guard let first = s.first, first == c.asciiValue else { return false }
            s = s.dropFirst()
            return true
        }
        func number(_ count: Int) -> Int? {
            let digits = s.prefix(count)
            guard digits.count == count, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            s = s.dropFirst(count)
            return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard let year = number(4) else { throw bad }
        let separator: Character = take("-") ? "-" : take("/") ? "/" : " "
        guard separator != " ", let month = number(2), take(separator), let day = number(2), take(" ") || take("T"),
              let hour = number(2), take(":"), let minute = number(2) else { throw bad }
        var second = 0
        var fraction = 0.0
        if take(":") {
            guard let value = number(2) else { throw bad }
            second = value
            if take(".") {
                let digits = s.prefix { $0 >= 0x30 && $0 <= 0x39 }
                guard (1...9).contains(digits.count) else { throw bad }
                fraction = Double("0." + String(decoding: digits, as: UTF8.self)) ?? 0
                s = s.dropFirst(digits.count)
            }
        }
        var zone = timeZone
        if take("Z") {
            zone = TimeZone(secondsFromGMT: 0)!
        } else if let sign = s.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            s = s.dropFirst()
            guard let hours = number(2) else { throw bad }
            _ = take(":")
            guard let minutes = number(2), hours <= 18, minutes <= 59,
                  let offset = TimeZone(secondsFromGMT: (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)) else { throw bad }
            zone = offset
        }
        guard s.isEmpty, (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              (0...59).contains(second) else { throw bad }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)),
              calendar.component(.day, from: date) == day else { throw bad }  // not 2026-02-30
        return date.addingTimeInterval(fraction)
    }

    /// `date` as ISO-8601 to the second with the offset `timeZone` has then:
    /// "2026-11-22T14:30:00+08:00" ("Z" for UTC).
    static func iso(_ date: Date, timeZone: TimeZone) -> String {
        let whole = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        let offset = timeZone.secondsFromGMT(for: whole)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let year = String(c.year ?? 0)
        let zone = offset == 0 ? "Z" : (offset < 0 ? "-" : "+") + two(abs(offset) / 3600) + ":" + two(abs(offset) % 3600 / 60)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(c.month) + "-" + two(c.day)
            + "T" + two(c.hour) + ":" + two(c.minute) + ":" + two(c.second) + zone
    }
}
