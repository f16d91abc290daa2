import Foundation

/// Validation of the values people type when they create shops, agents and inboxes.
/// Each check throws a `DomainError` naming the field.
public enum Validate {
    /// bcrypt reads at most 72 bytes; a longer password is refused, never truncated.
    public static let maxPasswordBytes = 72
    public static let minPasswordLength = 8

    public static func email(_ raw: String, field: String = "email") throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard value.utf8.count <= 254 else { throw .invalid(field, "\(field) is longer than 254 characters") }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }) else {
            throw .invalid(field, "\(field) is not an e-mail address: '\(raw)'")
        }
        return value
    }

    public static func password(_ raw: String, field: String = "password") throws(DomainError) -> String {
        if raw.utf8.count > maxPasswordBytes {
            throw .invalid(field, "\(field) is \(raw.utf8.count) bytes long; at most \(maxPasswordBytes) bytes (UTF-8) are allowed")
        }
        if raw.count < minPasswordLength {
            throw .invalid(field, "\(field) must be at least \(minPasswordLength) characters long")
        }
        return raw
    }

    /// A name shown to people: trimmed, 1...limit characters, no control characters.
    public static func name(_ raw: String, field: String, limit: Int = 80) throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard value.count <= limit else { throw .invalid(field, "\(field) is longer than \(limit) characters") }
        guard !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalid(field, "\(field) must not contain control characters")
        }
        return value
    }

    /// Agent numbers are what agents introduce themselves with ("8号客服"): 1...9999.
    public static func agentNumber(_ n: Int, field: String = "agentNumber") throws(DomainError) -> Int {
        guard (1...9999).contains(n) else { throw .invalid(field, "\(field) must be between 1 and 9999, got \(n)") }
        return n
    }

    public static func optionalText(_ raw: String?, field: String, limit: Int) throws(DomainError) -> String? {
        guard let raw else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= limit else { throw .invalid(field, "\(field) is longer than \(limit) characters") }
        return value.isEmpty ? nil : value
    }
}
