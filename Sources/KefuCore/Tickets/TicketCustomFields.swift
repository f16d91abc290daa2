import Foundation

/// A field a shop adds to its tickets (e.g. 快递单号, 购买渠道, 预约上门日期).
public struct TicketFieldDefinition: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable { case text, number, date, select }

    /// Stable key (a–z, 0–9, `_`), the name in `fields` of a ticket.
    public var key: String
    public var label: String
    public var kind: Kind
    /// For `select`: the allowed values.
    public var options: [String]
    public var required: Bool

    public init(key: String, label: String, kind: Kind, options: [String] = [], required: Bool = false) {
        self.key = key
        self.label = label
        self.kind = kind
        self.options = options
        self.required = required
    }
}

/// Checks ticket settings and the custom-field values of a ticket against them.
public enum TicketFieldRules {
    public static let maxFields = 30
    public static let maxTextLength = 500

    /// Validates a shop's definitions: keys unique and well-formed, labels 1–40 characters,
    /// a select with 1–50 distinct options.
    public static func check(_ definitions: [TicketFieldDefinition]) throws(DomainError) {
        guard definitions.count <= maxFields else { throw DomainError.invalid("fields", "at most \(maxFields) custom fields") }
        var seen = Set<String>()
        for (i, d) in definitions.enumerated() {
            try TicketTypes.checkKey(d.key, field: "fields[\(i)].key")
            guard seen.insert(d.key).inserted else { throw DomainError.invalid("fields[\(i)].key", "the key '\(d.key)' is used twice") }
            let label = d.label.trimmingWhitespace()
            guard (1...40).contains(label.count) else { throw DomainError.invalid("fields[\(i)].label", "a label has 1–40 characters") }
            if d.kind == .select {
                let options = Set(d.options.map { $0.trimmingWhitespace() })
                guard (1...50).contains(d.options.count), options.count == d.options.count, !options.contains("") else {
                    throw DomainError.invalid("fields[\(i)].options", "a select field has 1–50 distinct, non-empty options")
                }
            }
        }
    }

    /// Checks `values` (key → value as sent) against `definitions` and returns them normalised:
    /// text trimmed, numbers as decimal strings, dates as `yyyy-MM-dd`; an empty value removes the
    /// field. Unknown keys and wrong values throw with the field named `fields.<key>`.
    /// `requireAll` applies the definitions' `required` (on creation).
    public static func normalise(_ values: [String: String], definitions: [TicketFieldDefinition],
                                 requireAll: Bool) throws(DomainError) -> [String: String] {
        let byKey = Dictionary(definitions.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        for key in values.keys.sorted() {
            let field = "fields.\(key)"
            guard let d = byKey[key] else { throw DomainError.invalid(field, "the shop has no ticket field '\(key)'") }
            let raw = values[key]!.trimmingWhitespace()
            if raw.isEmpty { continue }
            switch d.kind {
            case .text:
                guard raw.count <= maxTextLength else { throw DomainError.invalid(field, "\(d.label): at most \(maxTextLength) characters") }
                out[key] = raw
            case .number:
                guard let n = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")), raw.count <= 30,
                      raw.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }) else {
                    throw DomainError.invalid(field, "\(d.label): '\(raw)' is not a number")
                }
                out[key] = "\(n)"
            case .date:
                guard isDate(raw) else { throw DomainError.invalid(field, "\(d.label): a date is written yyyy-MM-dd, got '\(raw)'") }
                out[key] = raw
            case .select:
                guard d.options.contains(raw) else {
                    throw DomainError.invalid(field, "\(d.label): '\(raw)' is not one of " + d.options.joined(separator: ", "))
                }
                out[key] = raw
            }
        }
        if requireAll {
            for d in definitions where d.required && out[d.key] == nil {
                throw DomainError.invalid("fields.\(d.key)", "\(d.label) is required")
            }
        }
        return out
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }
}
