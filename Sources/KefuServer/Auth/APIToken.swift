import Fluent
import Foundation
import KefuCore

/// A bearer token for shop platforms and scripts. Only its SHA-256 is stored;
/// `prefix` (the first characters) lets admins recognise it in the list.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    @Enum(key: "role") var role: Role
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "prefix") var prefix: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
    init(accountID: UUID, name: String, role: Role, tokenHash: String, prefix: String, createdBy: UUID?) {
        self.accountID = accountID
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdBy = createdBy
    }
}
