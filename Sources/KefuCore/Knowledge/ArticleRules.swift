import Foundation

/// The rules for what a FAQ article may hold. Each check throws a ``DomainError`` naming the field.
public enum ArticleRules {
    public static let maxTitle = 200
    public static let maxBody = 20_000
    public static let maxSlug = 80
    public static let maxCategoryLevels = 4
    public static let maxCategorySegment = 40
    public static let maxListItems = 30
    public static let maxListItem = 200
    public static let maxRelated = 10
    public static let maxSynonymLines = 500
    /// The longest query searched; longer input is refused (not silently cut) by the API.
    public static let maxQuery = 500
    /// Articles one import may hold.
    public static let maxImportArticles = 10_000

    /// A URL path segment: lower-case letters, digits and single dashes, 1...80 characters.
    public static func slug(_ raw: String, field: String = "slug") throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !value.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard value.count <= maxSlug else { throw .invalid(field, "\(field) is longer than \(maxSlug) characters") }
        let allowed = value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard allowed, !value.hasPrefix("-"), !value.hasSuffix("-"), !value.contains("--") else {
            throw .invalid(field, "\(field) may hold only a-z, 0-9 and single dashes inside, e.g. 'return-policy'; got '\(raw)'")
        }
        return value
    }

    /// A slug from a title: its Latin words joined by dashes ("How to return?" → "how-to-return");
    /// nil when the title has none (Chinese titles: the server then picks a random slug).
    public static func slug(fromTitle title: String) -> String? {
        var words: [String] = []
        var current = ""
        for scalar in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if next.count > 60 { break }
            slug = next
        }
        return slug.count >= 3 ? slug : nil
    }

    public static func title(_ raw: String) throws(DomainError) -> String {
        try Validate.name(raw, field: "title", limit: maxTitle)
    }

    public static func body(_ raw: String) throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw .invalid("body", "body must not be empty") }
        guard value.count <= maxBody else { throw .invalid("body", "body is \(value.count) characters long; at most \(maxBody) are allowed") }
        return value
    }

    /// "售后 / 退换货 " → "售后/退换货"; "" stays "" (no category).
    public static func category(_ raw: String) throws(DomainError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.contains(where: \.isEmpty) else { throw .invalid("category", "category has an empty level: '\(raw)'") }
        guard parts.count <= maxCategoryLevels else { throw .invalid("category", "category has more than \(maxCategoryLevels) levels") }
        guard parts.allSatisfy({ $0.count <= maxCategorySegment }) else {
            throw .invalid("category", "a category level is longer than \(maxCategorySegment) characters")
        }
        return parts.joined(separator: "/")
    }

    /// Tags or synonyms: trimmed, empty dropped, duplicates dropped, at most 30 of at most 200 characters.
    public static func list(_ raw: [String], field: String) throws(DomainError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for item in raw {
            let value = item.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            guard value.count <= maxListItem else { throw .invalid(field, "an entry of \(field) is longer than \(maxListItem) characters") }
            if seen.insert(value).inserted { result.append(value) }
        }
        guard result.count <= maxListItems else { throw .invalid(field, "\(field) has more than \(maxListItems) entries") }
        return result
    }

    public static func related(_ raw: [String], own: String?) throws(DomainError) -> [String] {
        var result: [String] = []
        for item in raw {
            let value = try slug(item, field: "related")
            if value != own, !result.contains(value) { result.append(value) }
        }
        guard result.count <= maxRelated else { throw .invalid("related", "at most \(maxRelated) related articles") }
        return result
    }

    /// One of the languages Kefu speaks, as its canonical tag.
    public static func locale(_ raw: String) throws(DomainError) -> String {
        guard let locale = UILocale.allCases.first(where: { $0.rawValue.lowercased() == raw.lowercased() }) else {
            throw .invalid("locale", "locale must be one of \(UILocale.allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return locale.rawValue
    }

    /// A search query: trimmed, not empty, at most ``maxQuery`` characters.
    public static func query(_ raw: String?, field: String = "q") throws(DomainError) -> String {
        let value = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard value.count <= maxQuery else {
            throw DomainError(.invalid, code: "query_too_long", message: "\(field) is \(value.count) characters long; at most \(maxQuery) are allowed", field: field)
        }
        return value
    }

    /// Synonym lines: trimmed, empty dropped, at most 500 lines of 200 characters.
    public static func synonymLines(_ raw: [String]) throws(DomainError) -> [String] {
        let lines = raw.flatMap { $0.split(whereSeparator: \.isNewline) }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= maxSynonymLines else { throw .invalid("synonyms", "at most \(maxSynonymLines) synonym lines") }
        guard lines.allSatisfy({ $0.count <= maxListItem }) else { throw .invalid("synonyms", "a synonym line is longer than \(maxListItem) characters") }
        return lines
    }
}
