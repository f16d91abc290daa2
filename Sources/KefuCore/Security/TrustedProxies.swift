import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address range: `10.0.0.0/8`, `fd00::/8`, or one address.
public struct IPRange: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let prefix: Int

    /// Parses `address` or `address/prefix`; nil when it is neither.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = IPRange.parse(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = bits
        }
        self.bytes = bytes
    }

    public var description: String { "\(bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : "ipv6")/\(prefix)" }

    public func contains(_ address: String) -> Bool {
        guard let other = IPRange.parse(address) else { return false }
        let candidate = IPRange.unmapped(other)
        guard candidate.count == bytes.count else { return false }
        var left = prefix
        for i in 0..<bytes.count where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if bytes[i] & mask != candidate[i] & mask { return false }
            left -= 8
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address (brackets and an IPv6 zone are dropped).
    public static func parse(_ raw: String) -> [UInt8]? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as its IPv4 bytes.
    static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}

/// Which peers may tell Kefu the client's address (`KEFU_TRUSTED_PROXIES`): a reverse proxy in
/// front of Kefu connects from its own address and names the client in `Forwarded` or
/// `X-Forwarded-For`. Those headers are believed only from a trusted peer — anyone else could
/// write them to dodge a rate limit or take another address's.
public struct TrustedProxies: Sendable, Equatable {
    public let ranges: [IPRange]

    public init(ranges: [IPRange] = []) {
        self.ranges = ranges
    }

    /// Addresses or CIDR ranges, separated by commas or spaces.
    public static func parse(_ raw: String, variable: String = "KEFU_TRUSTED_PROXIES") throws(ConfigurationError) -> TrustedProxies {
        var ranges: [IPRange] = []
        for item in raw.split(whereSeparator: { $0 == "," || $0 == " " }) where !item.isEmpty {
            guard let range = IPRange(String(item)) else {
                throw ConfigurationError(variable: variable, message: "must list IP addresses or CIDR ranges like 10.0.0.0/8 or fd00::/8, got '\(item)'")
            }
            ranges.append(range)
        }
        return TrustedProxies(ranges: ranges)
    }

    public func trusts(_ address: String) -> Bool { ranges.contains { $0.contains(address) } }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
    /// address in the forwarding chain (read from the right) that is not a trusted proxy.
    /// `forwarded` are `Forwarded` header values (RFC 7239; preferred), `forwardedFor` are
    /// `X-Forwarded-For` values. A malformed entry ends the walk at the last trusted hop.
    public func clientAddress(peer: String?, forwarded: [String], forwardedFor: [String]) -> String? {
        guard let peer, trusts(peer) else { return peer }
        let chain = forwarded.isEmpty ? Self.list(forwardedFor) : Self.forwardedFor(forwarded)
        var current = peer
        for hop in chain.reversed() {
            guard IPRange.parse(hop) != nil else { return current }
            current = Self.clean(hop)
            if !trusts(current) { return current }
        }
        return current
    }

    static func list(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The `for=` values of `Forwarded` headers, in order, with quotes, brackets and ports removed.
    static func forwardedFor(_ values: [String]) -> [String] {
        var out: [String] = []
        for element in list(values) {
            for pair in element.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, kv[0].lowercased() == "for" else { continue }
                var value = kv[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
                    value = String(value[value.index(after: value.startIndex)..<end])
                } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
                    value = String(value[..<colon])   // IPv4 with a port
                }
                out.append(value)
            }
        }
        return out
    }

    static func clean(_ address: String) -> String {
        var text = address.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        return text
    }
}
