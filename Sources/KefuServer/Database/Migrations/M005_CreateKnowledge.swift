import Fluent
import SQLKit

/// Knowledge: FAQ articles, the shop's knowledge settings (help-centre address, synonyms),
/// questions the bot could not answer; the FAQ bot's columns on inboxes, conversations
/// and messages.
struct M005_CreateKnowledge: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(Article.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("slug", .string, .required)
            .field("locale", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("category", .string, .required)
            .field("tags", .string, .required)
            .field("synonyms", .string, .required)
            .field("related", .string, .required)
            .field("status", .string, .required)
            .field("views", .int64, .required)
            .field("helpful", .int64, .required)
            .field("not_helpful", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", "slug", name: "kb_articles_slug_key")
            .create()
        try await sql.create(index: "kb_articles_category_idx").on(Article.schema).column("account_id").column("category").run()

        try await database.schema(KnowledgeSettings.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("help_slug", .string, .required)
            .field("synonyms", .string, .required)
            .field("revision", .int64, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "account_id", name: "kb_settings_account_key")
            .unique(on: "help_slug", name: "kb_settings_help_slug_key")
            .create()

        try await database.schema(AskedQuestion.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("inbox_id", .uuid, .references(Inbox.schema, .id, onDelete: .setNull))
            .field("conversation_id", .uuid, .references(Conversation.schema, .id, onDelete: .setNull))
            .field("question", .string, .required)
            .field("locale", .string, .required)
            .field("asked_at", .datetime, .required)
            .field("dismissed_at", .datetime)
            .create()
        try await sql.create(index: "kb_unanswered_asked_idx").on(AskedQuestion.schema).column("account_id").column("asked_at").run()

        try await database.schema(Inbox.schema).field("bot_mode", .string, .required, .sql(.default("off"))).update()
        try await database.schema(Inbox.schema).field("business_hours", .string).update()
        try await database.schema(Conversation.schema).field("bot_active", .bool, .required, .sql(.default(false))).update()
        try await database.schema(Message.schema).field("payload", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Message.schema).deleteField("payload").update()
        try await database.schema(Conversation.schema).deleteField("bot_active").update()
        try await database.schema(Inbox.schema).deleteField("business_hours").update()
        try await database.schema(Inbox.schema).deleteField("bot_mode").update()
        try await database.schema(AskedQuestion.schema).delete()
        try await database.schema(KnowledgeSettings.schema).delete()
        try await database.schema(Article.schema).delete()
    }
}
