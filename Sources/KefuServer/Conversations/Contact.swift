import Fluent
import Foundation
import KefuCore

/// A shopper: one profile per visitor, with the contact data an agent adds and
/// what the widget reports (current page, referrer, browser, language).
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @OptionalField(key: "name") var name: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "current_page") var currentPage: String?
    @OptionalField(key: "page_title") var pageTitle: String?
    @OptionalField(key: "referrer") var referrer: String?
    @OptionalField(key: "user_agent") var userAgent: String?
    @OptionalField(key: "locale") var locale: String?
    @OptionalField(key: "ip") var ip: String?
    /// The shop platform's customer id, when the widget named a verified customer or an
    /// order's buyer was linked to this profile.
    @OptionalField(key: "external_id") var externalID: String?
    /// Price tier from the platform: regular, member, vip.
    @OptionalField(key: "tier") var tier: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?

    init() {}
    init(accountID: UUID) { self.accountID = accountID }

    /// The name agents see: the stored one, else "访客 #ABCD" built by the client from the id.
    var displayName: String? { name }

    /// The language Kefu speaks to this shopper: the widget's, else the default.
    var uiLocale: UILocale { UILocale.match(locale ?? "") ?? .default }
}

/// A widget visitor's credential: the token the browser keeps, stored as a hash.
final class VisitorToken: Model, @unchecked Sendable {
    static let schema = "visitor_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "inbox_id") var inboxID: UUID
    @Field(key: "contact_id") var contactID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
    init(accountID: UUID, inboxID: UUID, contactID: UUID, tokenHash: String) {
        self.accountID = accountID
        self.inboxID = inboxID
        self.contactID = contactID
        self.tokenHash = tokenHash
    }
}
