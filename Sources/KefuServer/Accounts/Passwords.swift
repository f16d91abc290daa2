import Foundation
import KefuCore
import Vapor

/// bcrypt hashing off the event loop. Passwords over 72 bytes are refused by
/// `Validate.password` before they get here, never truncated.
enum Passwords {
    static func hash(_ password: String, cost: Int, on app: Application) async throws -> String {
        try await app.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String, on app: Application) async throws -> Bool {
        guard password.utf8.count <= Validate.maxPasswordBytes else { return false }
        return try await app.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
    }

    /// Spends the time a verification would when the e-mail is unknown, so a
    /// sign-in takes as long whether or not the account exists.
    static func spendVerifyTime(cost: Int, on app: Application) async throws {
        _ = try await app.threadPool.runIfActive { try Bcrypt.hash(SecureToken.make(bytes: 12), cost: cost) }
    }
}
