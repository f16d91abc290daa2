/// Random identifiers for sessions, API tokens, visitor tokens and widget keys,
/// drawn from the system CSPRNG (`getrandom` on Linux).
public enum SecureToken {
    /// `bytes` random bytes encoded as unpadded base64url (bytes * 8 bits of entropy).
    public static func make(bytes: Int = 32, prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        var raw = [UInt8]()
        raw.reserveCapacity(bytes)
        for _ in 0..<bytes { raw.append(UInt8.random(in: .min ... .max, using: &generator)) }
        return prefix + base64url(raw)
    }

    public static func base64url(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
