import Fluent
import Foundation

/// One administrative action: who did what to which record, when, from where.
/// Append-only: the database refuses updates and deletes (see `CreateAuditLog`).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "actor_type") var actorType: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "target_type") var targetType: String
    @OptionalField(key: "target_id") var targetID: String?
    @Field(key: "details") var details: String
    @OptionalField(key: "ip") var ip: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
