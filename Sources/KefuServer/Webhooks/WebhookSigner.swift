import Crypto
import Foundation

/// Signs webhook requests: `Kefu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// with the endpoint's secret. Receivers recompute it and refuse stale timestamps (replays).
enum WebhookSigner {
    static let header = "Kefu-Signature"
    static let tolerance: TimeInterval = 300

    static func signature(body: Data, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hmac(body: body, secret: secret, timestamp: timestamp))"
    }

    static func hmac(body: Data, secret: String, timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return Signing.hmacHex(message, secret: secret)
    }

    /// Checks a received signature header (used by the demo platform's receiver and by tests).
    static func verify(header: String, body: Data, secret: String, now: Date) -> Bool {
        var timestamp: Int?
        var candidates: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { candidates.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance else { return false }
        let expected = hmac(body: body, secret: secret, timestamp: timestamp)
        return candidates.contains { Signing.constantTimeEqual($0, expected) }
    }

    /// A new endpoint secret: 32 random bytes, hex.
    static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}

/// HMAC-SHA256 in hex and a comparison that takes the same time wherever strings differ.
enum Signing {
    static func hmacHex(_ message: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A shop's page names its signed-in customer to the widget (`data-customer-id`,
/// `data-customer-hash` = hex HMAC-SHA256 of the id with the shop's identity secret, computed
/// on the shop's server). A valid hash links the chat to the customer's orders.
enum CustomerIdentity {
    static func hash(_ customerID: String, secret: String) -> String {
        Signing.hmacHex(Data(customerID.utf8), secret: secret)
    }

    static func verify(id: String, hash: String, secret: String) -> Bool {
        Signing.constantTimeEqual(hash.lowercased(), self.hash(id, secret: secret))
    }
}
