import Crypto
import Foundation

/// Secrets (session tokens, API tokens) are stored as SHA-256 hex digests, so a
/// leaked database does not hand out working credentials.
enum TokenHash {
    static func sha256(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
