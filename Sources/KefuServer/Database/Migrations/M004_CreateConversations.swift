import Fluent
import SQLKit

/// Live chat: contacts, visitor tokens, conversations, messages, attachments.
struct M004_CreateConversations: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(Contact.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("name", .string)
            .field("email", .string)
            .field("phone", .string)
            .field("current_page", .string)
            .field("page_title", .string)
            .field("referrer", .string)
            .field("user_agent", .string)
            .field("locale", .string)
            .field("ip", .string)
            .field("created_at", .datetime)
            .field("last_seen_at", .datetime)
            .create()
        try await sql.create(index: "contacts_account_idx").on(Contact.schema).column("account_id").column("created_at").run()

        try await database.schema(VisitorToken.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("inbox_id", .uuid, .required, .references(Inbox.schema, .id, onDelete: .cascade))
            .field("contact_id", .uuid, .required, .references(Contact.schema, .id, onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash", name: "visitor_tokens_hash_key")
            .create()

        try await database.schema(Conversation.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("inbox_id", .uuid, .required, .references(Inbox.schema, .id, onDelete: .restrict))
            .field("contact_id", .uuid, .required, .references(Contact.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("assignee_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("priority", .string, .required)
            .field("tags", .string, .required)
            .field("snoozed_until", .datetime)
            .field("channel", .string, .required)
            .field("last_seq", .int64, .required)
            .field("last_message_at", .datetime)
            .field("activity_us", .int64, .required)
            .field("last_message_preview", .string)
            .field("agent_unread", .int, .required)
            .field("visitor_unread", .int, .required)
            .field("agent_read_seq", .int64, .required)
            .field("visitor_read_seq", .int64, .required)
            .field("merged_into_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        // The inbox list: newest activity first, per account (and per assignee / inbox / contact).
        try await sql.create(index: "conversations_activity_idx").on(Conversation.schema)
            .column("account_id").column("activity_us").column("id").run()
        try await sql.create(index: "conversations_assignee_idx").on(Conversation.schema)
            .column("account_id").column("assignee_id").column("activity_us").run()
        try await sql.create(index: "conversations_inbox_idx").on(Conversation.schema)
            .column("account_id").column("inbox_id").column("activity_us").run()
        try await sql.create(index: "conversations_contact_idx").on(Conversation.schema)
            .column("account_id").column("contact_id").column("created_at").run()

        try await database.schema(Message.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("conversation_id", .uuid, .required, .references(Conversation.schema, .id, onDelete: .cascade))
            .field("seq", .int64, .required)
            .field("sender_type", .string, .required)
            .field("sender_id", .uuid)
            .field("client_message_id", .uuid)
            .field("text", .string, .required)
            .field("private", .bool, .required)
            .field("attachments", .string, .required)
            .field("event", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "conversation_id", "seq", name: "messages_conversation_seq_key")
            .create()
        try await sql.create(index: "messages_client_id_key").unique().on(Message.schema)
            .column("conversation_id").column("sender_type").column("sender_id").column("client_message_id").run()
        try await sql.create(index: "messages_account_idx").on(Message.schema).column("account_id").column("created_at").run()

        try await database.schema(Attachment.schema)
            .field("id", .string, .identifier(auto: false))
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("uploader_type", .string, .required)
            .field("uploader_id", .uuid, .required)
            .field("name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [Attachment.schema, Message.schema, Conversation.schema, VisitorToken.schema, Contact.schema] {
            try await database.schema(schema).delete()
        }
    }
}
