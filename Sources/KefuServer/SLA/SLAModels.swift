import Fluent
import Foundation
import KefuCore
import Vapor

/// A named business-hours calendar (`sla_calendars`). Changed only by ``SLASetup``.
final class SLACalendar: Model, @unchecked Sendable {
    static let schema = "sla_calendars"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    /// ``BusinessHours`` as JSON.
    @Field(key: "hours") var hoursJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var hours: BusinessHours {
        get { (try? JSONDecoder().decode(BusinessHours.self, from: Data(hoursJSON.utf8))) ?? .alwaysOpen }
        set { hoursJSON = String(decoding: (try? JSONSorted.encoder.encode(newValue)) ?? Data(), as: UTF8.self) }
    }
}

/// An SLA policy (`sla_policies`): its current version; every version is kept in
/// `sla_policy_versions` so clocks started under an older one keep it. Changed only by ``SLASetup``.
final class SLAPolicy: Model, @unchecked Sendable {
    static let schema = "sla_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    /// First match applies, lowest position first.
    @Field(key: "position") var position: Int
    @Field(key: "enabled") var enabled: Bool
    @Field(key: "version") var version: Int
    /// ``SLAPolicyRules`` as JSON.
    @Field(key: "rules") var rulesJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var rules: SLAPolicyRules? { try? JSONDecoder().decode(SLAPolicyRules.self, from: Data(rulesJSON.utf8)) }
}

/// One version of a policy as it was saved (`sla_policy_versions`), append-only.
final class SLAPolicyVersion: Model, @unchecked Sendable {
    static let schema = "sla_policy_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "policy_id") var policyID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "name") var name: String
    @Field(key: "rules") var rulesJSON: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var rules: SLAPolicyRules? { try? JSONDecoder().decode(SLAPolicyRules.self, from: Data(rulesJSON.utf8)) }
}
