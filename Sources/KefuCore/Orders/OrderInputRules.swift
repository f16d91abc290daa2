import Foundation

/// The shop's own identifier of a product, order or buyer, as the platform API and the CSV
/// files name it ("SKU-1001", "E20261122001", "C1001"): 1...64 characters, ASCII letters,
/// digits and `-` `_` `.` `:` only, so that it can stand in a URL path as it is.
public enum ExternalID {
    public static let maxLength = 64

    /// Returns `raw` unchanged when it follows the rules, else throws `.invalid` naming
    /// `field`. Surrounding spaces are not trimmed: an identifier with spaces is refused.
    public static func validate(_ raw: String, field: String = "externalId") throws(DomainError) -> String {
        guard !raw.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard raw.count <= maxLength else { throw .invalid(field, "\(field) is longer than \(maxLength) characters") }
        guard raw.unicodeScalars.allSatisfy(isAllowed) else {
            throw .invalid(field, "\(field) '\(raw)' may only contain letters A-Z and a-z, digits and - _ . :")
        }
        return raw
    }

    static func isAllowed(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: c == "-" || c == "_" || c == "." || c == ":"
        }
    }
}

/// Web addresses given for products, orders and webhooks: absolute `http:` or `https:` URLs
/// with a host, at most ``maxLength`` characters.
enum HTTPURL {
    static let maxLength = 2000

    /// `raw` trimmed, nil when nil or empty. Throws `.invalid` naming `field` for another
    /// scheme, no host, a bad port, spaces, control characters or backslashes inside, or
    /// more than ``maxLength`` characters.
    static func optional(_ raw: String?, field: String) throws(DomainError) -> String? {
        guard let raw else { return nil }
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !url.isEmpty else { return nil }
        return try required(url, field: field)
    }

    /// Like ``optional(_:field:)``, but an empty address is refused.
    static func required(_ raw: String, field: String) throws(DomainError) -> String {
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !url.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard url.count <= maxLength else { throw .invalid(field, "\(field) is longer than \(maxLength) characters") }
        let notHTTP = DomainError.invalid(field, "\(field) must be an http:// or https:// address; got '\(url)'")
        if url.hasPrefix("/"), !url.hasPrefix("//") {
            // A path on Kefu itself (the demo's pictures and pages): made absolute where it leaves Kefu (``KefuURL``).
            guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\\" }) else {
                throw .invalid(field, "\(field) must not contain spaces, control characters or backslashes")
            }
            return url
        }
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("https://") ? "https://" : lower.hasPrefix("http://") ? "http://" : nil
        guard let scheme else { throw notHTTP }
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\\" }) else {
            throw .invalid(field, "\(field) must not contain spaces, control characters or backslashes")
        }
        // authority = [userinfo@]host[:port], up to the first / ? or #.
        let authority = url.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let host: Substring
        let afterHost: Substring
        if hostPort.hasPrefix("[") {  // an IPv6 literal
            guard let close = hostPort.firstIndex(of: "]") else { throw notHTTP }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            afterHost = hostPort[hostPort.index(after: close)...]
        } else {
            host = hostPort.prefix { $0 != ":" }
            afterHost = hostPort.dropFirst(host.count)
        }
        guard !host.isEmpty else { throw .invalid(field, "\(field) has no host: '\(url)'") }
        if !afterHost.isEmpty {
            let digits = afterHost.dropFirst()
            guard afterHost.first == ":", !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(digits), (1...65535).contains(number) else {
                throw .invalid(field, "\(field) has a bad port: '\(url)'")
            }
        }
        return url
    }
}

/// Small checks shared by the product and order inputs.
enum InputText {
    /// `raw` trimmed; throws `.invalid` naming `field` when it is longer than `limit`
    /// characters or holds control characters.
    static func trimmed(_ raw: String, field: String, limit: Int) throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= limit else { throw .invalid(field, "\(field) is longer than \(limit) characters") }
        guard !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalid(field, "\(field) must not contain control characters")
        }
        return value
    }

    /// Like ``trimmed(_:field:limit:)``; nil and empty text give nil.
    static func optional(_ raw: String?, field: String, limit: Int) throws(DomainError) -> String? {
        guard let raw else { return nil }
        let value = try trimmed(raw, field: field, limit: limit)
        return value.isEmpty ? nil : value
    }

    /// `raw` as money in `currency`; throws `.invalid` naming `field` when it is negative.
    static func amount(_ raw: Int64, currency: String, field: String) throws(DomainError) -> Money {
        let money = try Money(minor: raw, currency: currency)
        guard !money.isNegative else { throw .invalid(field, "\(field) must not be negative, got \(money)") }
        return money
    }
}

/// Addresses that may be paths on Kefu itself (`/demo/products/tee.svg`): the workbench uses them
/// as they are; cards and messages that reach a shop's own pages get Kefu's public origin in front.
public enum KefuURL {
    public static func absolute(_ url: String?, origin: String) -> String? {
        guard let url else { return nil }
        return url.hasPrefix("/") && !url.hasPrefix("//") ? origin + url : url
    }
}
