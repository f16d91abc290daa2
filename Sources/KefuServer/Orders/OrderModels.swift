import Fluent
import Foundation
import KefuCore

/// A product of the shop, kept current by the shop platform (`PUT /api/v1/products/{externalId}`).
/// Prices are integer minor units in `currency`.
final class Product: Model, @unchecked Sendable {
    static let schema = "products"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "external_id") var externalID: String
    @Field(key: "title") var title: String
    /// Search keywords, "|"-separated.
    @Field(key: "keywords") var keywords: String
    @Field(key: "category") var category: String
    @Field(key: "currency") var currency: String
    @Field(key: "market_price") var marketPrice: Int64
    @OptionalField(key: "member_price") var memberPrice: Int64?
    @OptionalField(key: "vip_price") var vipPrice: Int64?
    @Field(key: "stock") var stock: Int
    @OptionalField(key: "image_url") var imageURL: String?
    @OptionalField(key: "url") var url: String?
    @Enum(key: "status") var status: ProductStatus
    /// Title, keywords and id folded for search (lower case, simplified script).
    @Field(key: "search_text") var searchText: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// Everything the platform sets, to tell a real change from the same update sent again.
    var snapshot: [String] {
        [title, keywords, category, currency, String(marketPrice), memberPrice.map(String.init) ?? "-", vipPrice.map(String.init) ?? "-",
         String(stock), imageURL ?? "-", url ?? "-", status.rawValue]
    }
}

/// An order of the shop. Lines and tracking events are JSON; amounts are integer minor units.
final class Order: Model, @unchecked Sendable {
    static let schema = "orders"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "external_id") var externalID: String
    @Field(key: "number") var number: String
    @Enum(key: "status") var status: OrderStatus
    /// The status an open refund / return request returns to when it is withdrawn.
    @OptionalEnum(key: "status_before_request") var statusBeforeRequest: OrderStatus?
    @Field(key: "currency") var currency: String
    @Field(key: "lines") var linesJSON: String
    @Field(key: "subtotal") var subtotal: Int64
    @Field(key: "shipping_fee") var shippingFee: Int64
    @Field(key: "discount") var discount: Int64
    @Field(key: "total") var total: Int64
    @Field(key: "buyer_external_id") var buyerExternalID: String
    @OptionalField(key: "buyer_name") var buyerName: String?
    @Field(key: "buyer_tier") var buyerTier: String
    @OptionalField(key: "contact_id") var contactID: UUID?
    @OptionalField(key: "pay_link") var payLink: String?
    @OptionalField(key: "url") var url: String?
    @Field(key: "placed_at") var placedAt: Date
    @OptionalField(key: "paid_at") var paidAt: Date?
    @OptionalField(key: "carrier") var carrier: String?
    @OptionalField(key: "tracking_no") var trackingNo: String?
    @Field(key: "tracking_events") var trackingEventsJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// Everything the platform sets, to tell a real change from the same update sent again.
    var snapshot: [String] {
        [number, status.rawValue, statusBeforeRequest?.rawValue ?? "-", currency, linesJSON, String(subtotal), String(shippingFee), String(discount),
         String(total), buyerExternalID, buyerName ?? "-", buyerTier, contactID?.uuidString ?? "-", payLink ?? "-", url ?? "-",
         String(placedAt.timeIntervalSince1970), paidAt.map { String($0.timeIntervalSince1970) } ?? "-", carrier ?? "-",
         trackingNo ?? "-", trackingEventsJSON]
    }
}

/// An agent's change of a line price or the shipping fee before payment: applied at once
/// within the requester's limit, else waiting for a supervisor.
final class PriceChange: Model, @unchecked Sendable {
    static let schema = "price_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "order_id") var orderID: UUID
    @Field(key: "target") var target: String
    @OptionalField(key: "sku") var sku: String?
    @Field(key: "currency") var currency: String
    @Field(key: "original_amount") var originalAmount: Int64
    @Field(key: "new_amount") var newAmount: Int64
    @Field(key: "discount_percent") var discountPercent: Int
    @Field(key: "reason") var reason: String
    @Enum(key: "status") var status: PriceChangeStatus
    @OptionalField(key: "requested_by") var requestedBy: UUID?
    @Field(key: "requested_role") var requestedRole: String
    @OptionalField(key: "conversation_id") var conversationID: UUID?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Per-shop order settings: price-change limits by role and the secret that signs the shop's
/// customer identities for the widget.
final class OrderSettings: Model, @unchecked Sendable {
    static let schema = "order_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "price_limits") var priceLimitsJSON: String
    @Field(key: "identity_secret") var identitySecret: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A payment-reminder rule of a shop (催付): the ``KefuCore/ReminderRule`` as JSON, a name, on or off.
final class ReminderRuleRecord: Model, @unchecked Sendable {
    static let schema = "reminder_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    @Field(key: "rule") var ruleJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A reminder that went out, automatic (rule) or manual (agent), and whether the order was
/// paid afterwards.
final class Reminder: Model, @unchecked Sendable {
    static let schema = "reminders"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "order_id") var orderID: UUID
    @Enum(key: "kind") var kind: ReminderKind
    @OptionalField(key: "rule_id") var ruleID: UUID?
    @OptionalField(key: "agent_id") var agentID: UUID?
    @OptionalField(key: "conversation_id") var conversationID: UUID?
    @Field(key: "text") var text: String
    @Field(key: "sent_at") var sentAt: Date
    @OptionalField(key: "paid_at") var paidAt: Date?

    init() {}
}

/// A durable job: evaluate rule `ruleID` for order `orderID` at `dueAt`. Claimed with
/// `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never both run it.
final class ReminderJob: Model, @unchecked Sendable {
    static let schema = "reminder_jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "order_id") var orderID: UUID
    @Field(key: "rule_id") var ruleID: UUID
    @Enum(key: "status") var status: JobStatus
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// Where the shop platform wants to hear about agents' changes.
final class WebhookEndpoint: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "url") var url: String
    /// Event names, "|"-separated.
    @Field(key: "events") var events: String
    @Field(key: "secret") var secret: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One event for one endpoint: a durable job retried with back-off, and the delivery log.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "webhook_id") var webhookID: UUID
    @Field(key: "event") var event: String
    @Field(key: "payload") var payload: String
    @Enum(key: "status") var status: DeliveryStatus
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @OptionalField(key: "last_status_code") var lastStatusCode: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
