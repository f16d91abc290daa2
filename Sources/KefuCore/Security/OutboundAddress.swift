import Foundation

/// Which addresses Kefu's outgoing requests (webhooks) may reach. Loopback, private,
/// link-local, shared (CGNAT), multicast and unspecified addresses are internal: a webhook
/// URL pointing there could make Kefu probe the shop's own network (SSRF), so they are
/// refused unless the operator allows them.
public enum OutboundAddress {
    /// True for an IPv4 or IPv6 address in text form that is not on the public internet.
    /// Text that is not an address is not internal (it is a host name to resolve).
    public static func isInternal(_ text: String) -> Bool {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let v4 = ipv4(host) { return internal4(v4) }
        if let v6 = ipv6(host) { return internal6(v6) }
        return false
    }

    /// Host names that always mean this machine or its network.
    public static func isInternalName(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local") || name.hasSuffix(".internal")
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let n = UInt8(part) else { return nil }
            bytes.append(n)
        }
        return bytes
    }

    static func internal4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return true
        case (100, 64...127): return true            // shared address space (CGNAT)
        case (169, 254): return true                 // link-local, cloud metadata
        case (172, 16...31): return true
        case (192, 168): return true
        case (192, 0) where b[2] == 0: return true   // IETF protocol assignments
        case (198, 18...19): return true             // benchmarking
        case (224...255, _): return true             // multicast, reserved, broadcast
        default: return false
        }
    }

    static func ipv6(_ text: String) -> [UInt16]? {
        var address = in6_addr()
        guard text.contains(":"), inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { raw in
            (0..<8).map { UInt16(raw[$0 * 2]) << 8 | UInt16(raw[$0 * 2 + 1]) }
        }
    }

    static func internal6(_ w: [UInt16]) -> Bool {
        if w.allSatisfy({ $0 == 0 }) { return true }                                   // ::
        if w[0..<7].allSatisfy({ $0 == 0 }) && w[7] == 1 { return true }               // ::1
        if w[0..<5].allSatisfy({ $0 == 0 }) && w[5] == 0xFFFF {                        // ::ffff:a.b.c.d
            return internal4([UInt8(w[6] >> 8), UInt8(w[6] & 0xFF), UInt8(w[7] >> 8), UInt8(w[7] & 0xFF)])
        }
        if w[0] & 0xFE00 == 0xFC00 { return true }                                     // fc00::/7 unique local
        if w[0] & 0xFFC0 == 0xFE80 { return true }                                     // fe80::/10 link-local
        if w[0] & 0xFF00 == 0xFF00 { return true }                                     // multicast
        return false
    }
}
