import Fluent
import Foundation
import KefuCore

/// A member of a shop's team: owner, admin, supervisor or agent (客服).
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "display_name") var displayName: String
    /// The number the agent introduces themselves with ("8号客服"), unique in the shop.
    @Field(key: "agent_number") var agentNumber: Int
    @Enum(key: "role") var role: Role
    @Field(key: "active") var active: Bool
    @OptionalField(key: "locale") var locale: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, accountID: UUID, email: String, passwordHash: String, displayName: String,
         agentNumber: Int, role: Role, active: Bool = true, locale: String? = nil) {
        self.id = id
        self.accountID = accountID
        self.email = email
        self.passwordHash = passwordHash
        self.displayName = displayName
        self.agentNumber = agentNumber
        self.role = role
        self.active = active
        self.locale = locale
    }
}
