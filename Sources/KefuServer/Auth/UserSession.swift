import Fluent
import Foundation

/// A browser sign-in. The cookie holds a random token; only its SHA-256 is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @OptionalField(key: "ip") var ip: String?
    @OptionalField(key: "user_agent") var userAgent: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
    init(accountID: UUID, userID: UUID, tokenHash: String, csrfToken: String, ip: String?, userAgent: String?, now: Date, expiresAt: Date) {
        self.accountID = accountID
        self.userID = userID
        self.tokenHash = tokenHash
        self.csrfToken = csrfToken
        self.ip = ip
        self.userAgent = userAgent
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = expiresAt
    }
}
