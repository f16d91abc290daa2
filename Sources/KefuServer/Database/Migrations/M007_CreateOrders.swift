import Fluent
import SQLKit

/// Orders inside the conversation: products, orders, price changes and their approvals,
/// per-shop order settings, payment-reminder rules, reminders sent and their durable jobs,
/// webhook endpoints and deliveries; contacts learn the platform's customer id and tier.
struct M007_CreateOrders: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let contact = { database.schema(Contact.schema) }
        try await contact().field("external_id", .string).update()
        try await contact().field("tier", .string).update()
        try await sql.create(index: "contacts_external_idx").unique().on(Contact.schema).column("account_id").column("external_id").run()

        let account = { (builder: SchemaBuilder) in
            builder.id().field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
        }
        try await account(database.schema(Product.schema))
            .field("external_id", .string, .required)
            .field("title", .string, .required)
            .field("keywords", .string, .required)
            .field("category", .string, .required)
            .field("currency", .string, .required)
            .field("market_price", .int64, .required)
            .field("member_price", .int64)
            .field("vip_price", .int64)
            .field("stock", .int64, .required)
            .field("image_url", .string)
            .field("url", .string)
            .field("status", .string, .required)
            .field("search_text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", "external_id", name: "products_external_key")
            .create()

        try await account(database.schema(Order.schema))
            .field("external_id", .string, .required)
            .field("number", .string, .required)
            .field("status", .string, .required)
            .field("status_before_request", .string)
            .field("currency", .string, .required)
            .field("lines", .string, .required)
            .field("subtotal", .int64, .required)
            .field("shipping_fee", .int64, .required)
            .field("discount", .int64, .required)
            .field("total", .int64, .required)
            .field("buyer_external_id", .string, .required)
            .field("buyer_name", .string)
            .field("buyer_tier", .string, .required)
            .field("contact_id", .uuid, .references(Contact.schema, .id, onDelete: .setNull))
            .field("pay_link", .string)
            .field("url", .string)
            .field("placed_at", .datetime, .required)
            .field("paid_at", .datetime)
            .field("carrier", .string)
            .field("tracking_no", .string)
            .field("tracking_events", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", "external_id", name: "orders_external_key")
            .create()
        try await sql.create(index: "orders_contact_idx").on(Order.schema).column("account_id").column("contact_id").run()
        try await sql.create(index: "orders_buyer_idx").on(Order.schema).column("account_id").column("buyer_external_id").run()

        try await account(database.schema(PriceChange.schema))
            .field("order_id", .uuid, .required, .references(Order.schema, .id, onDelete: .cascade))
            .field("target", .string, .required)
            .field("sku", .string)
            .field("currency", .string, .required)
            .field("original_amount", .int64, .required)
            .field("new_amount", .int64, .required)
            .field("discount_percent", .int64, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("requested_by", .uuid)
            .field("requested_role", .string, .required)
            .field("conversation_id", .uuid)
            .field("decided_by", .uuid)
            .field("decided_at", .datetime)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "price_changes_status_idx").on(PriceChange.schema).column("account_id").column("status").run()

        try await account(database.schema(OrderSettings.schema))
            .field("price_limits", .string, .required)
            .field("identity_secret", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", name: "order_settings_account_key")
            .create()

        try await account(database.schema(ReminderRuleRecord.schema))
            .field("name", .string, .required)
            .field("active", .bool, .required)
            .field("rule", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await account(database.schema(Reminder.schema))
            .field("order_id", .uuid, .required, .references(Order.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("rule_id", .uuid)
            .field("agent_id", .uuid)
            .field("conversation_id", .uuid)
            .field("text", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("paid_at", .datetime)
            .create()
        try await sql.create(index: "reminders_order_idx").on(Reminder.schema).column("account_id").column("order_id").run()

        try await account(database.schema(ReminderJob.schema))
            .field("order_id", .uuid, .required, .references(Order.schema, .id, onDelete: .cascade))
            .field("rule_id", .uuid, .required, .references(ReminderRuleRecord.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("due_at", .datetime, .required)
            .field("attempts", .int64, .required)
            .field("last_error", .string)
            .field("outcome", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "order_id", "rule_id", name: "reminder_jobs_order_rule_key")
            .create()
        try await sql.create(index: "reminder_jobs_due_idx").on(ReminderJob.schema).column("status").column("due_at").run()

        try await account(database.schema(WebhookEndpoint.schema))
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("secret", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await account(database.schema(WebhookDelivery.schema))
            .field("webhook_id", .uuid, .required, .references(WebhookEndpoint.schema, .id, onDelete: .cascade))
            .field("event", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int64, .required)
            .field("next_attempt_at", .datetime)
            .field("last_status_code", .int64)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "webhook_deliveries_due_idx").on(WebhookDelivery.schema).column("status").column("next_attempt_at").run()
        try await sql.create(index: "webhook_deliveries_account_idx").on(WebhookDelivery.schema).column("account_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [WebhookDelivery.schema, WebhookEndpoint.schema, ReminderJob.schema, Reminder.schema, ReminderRuleRecord.schema,
                       OrderSettings.schema, PriceChange.schema, Order.schema, Product.schema] {
            try await database.schema(schema).delete()
        }
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "contacts_external_idx").run()
        for name in ["external_id", "tier"] {
            try await database.schema(Contact.schema).deleteField(.string(name)).update()
        }
    }
}
