import Fluent
import SQLKit

/// Tickets: the unit of work that outlives a chat, its timeline (notes, replies, the customer's
/// words, field changes), its links to conversations and orders, and the shop's ticket settings
/// (types, custom fields, the next number).
struct M009_CreateTickets: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let account = { (builder: SchemaBuilder) in
            builder.id().field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
        }
        try await account(database.schema(TicketSettings.schema))
            .field("types", .string, .required)
            .field("fields", .string, .required)
            .field("next_number", .int64, .required)
            .field("auto_close_days", .int64, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", name: "ticket_settings_account_key")
            .create()

        try await account(database.schema(Ticket.schema))
            .field("number", .int64, .required)
            .field("subject", .string, .required)
            .field("type", .string, .required)
            .field("source", .string, .required)
            .field("status", .string, .required)
            .field("urgency", .string, .required)
            .field("priority", .string, .required)
            .field("contact_id", .uuid, .references(Contact.schema, .id, onDelete: .setNull))
            .field("inbox_id", .uuid, .references(Inbox.schema, .id, onDelete: .setNull))
            .field("assignee_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("tags", .string, .required)
            .field("fields", .string, .required)
            .field("created_by_id", .uuid)
            .field("search_text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("first_reply_at", .datetime)
            .field("solved_at", .datetime)
            .field("closed_at", .datetime)
            .unique(on: "account_id", "number", name: "tickets_number_key")
            .create()
        try await sql.create(index: "tickets_status_idx").on(Ticket.schema).column("account_id").column("status").column("updated_at").run()
        try await sql.create(index: "tickets_assignee_idx").on(Ticket.schema).column("account_id").column("assignee_id").column("status").run()
        try await sql.create(index: "tickets_contact_idx").on(Ticket.schema).column("account_id").column("contact_id").run()
        try await sql.create(index: "tickets_updated_idx").on(Ticket.schema).column("account_id").column("updated_at").run()

        try await account(database.schema(TicketEntry.schema))
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .cascade))
            .field("seq", .int64, .required)
            .field("kind", .string, .required)
            .field("author_type", .string, .required)
            .field("author_id", .uuid)
            .field("text", .string, .required)
            .field("changes", .string)
            .field("message_id", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "ticket_entries_ticket_idx").unique().on(TicketEntry.schema).column("ticket_id").column("seq").run()

        try await account(database.schema(TicketLink.schema))
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .cascade))
            .field("conversation_id", .uuid, .references(Conversation.schema, .id, onDelete: .cascade))
            .field("order_id", .uuid, .references(Order.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "ticket_links_ticket_idx").on(TicketLink.schema).column("ticket_id").run()
        try await sql.create(index: "ticket_links_conversation_idx").on(TicketLink.schema).column("account_id").column("conversation_id").run()
        try await sql.create(index: "ticket_links_order_idx").on(TicketLink.schema).column("account_id").column("order_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketLink.schema).delete()
        try await database.schema(TicketEntry.schema).delete()
        try await database.schema(Ticket.schema).delete()
        try await database.schema(TicketSettings.schema).delete()
    }
}
