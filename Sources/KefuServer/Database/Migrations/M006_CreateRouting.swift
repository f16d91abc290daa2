import Fluent
import SQLKit

/// Routing and auto-replies: per-inbox routing settings and reply templates, keyword rules,
/// quick phrases, agents' persisted presence, the conversation columns the queue needs, and
/// the append-only reporting events (first response, waits, reassignments).
struct M006_CreateRouting: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let isPostgres = sql.dialect.name == "postgresql"
        // SQLite adds one column per ALTER TABLE, so one update per field.
        let inbox = { database.schema(Inbox.schema) }
        try await inbox().field("routing", .string, .required, .sql(.default("round_robin"))).update()
        try await inbox().field("capacity", .int64, .required, .sql(.default(5))).update()
        try await inbox().field("prefer_last_agent", .bool, .required, .sql(.default(true))).update()
        try await inbox().field("answer_timeout_seconds", .int64, .required, .sql(.default(90))).update()
        try await inbox().field("auto_away_minutes", .int64, .required, .sql(.default(10))).update()
        try await inbox().field("auto_replies", .string).update()
        try await inbox().field("status_line", .string).update()
        try await inbox().field("status_line_starts_at", .datetime).update()
        try await inbox().field("status_line_ends_at", .datetime).update()
        let conversation = { database.schema(Conversation.schema) }
        try await conversation().field("queued_at", .datetime).update()
        try await conversation().field("assigned_at", .datetime).update()
        try await conversation().field("first_response_at", .datetime).update()
        try await conversation().field("awaiting_since", .datetime).update()
        try await conversation().field("auto_state", .string).update()
        try await sql.create(index: "conversations_queue_idx").on(Conversation.schema)
            .column("account_id").column("queued_at").run()

        try await database.schema(KeywordRule.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("inbox_id", .uuid, .required, .references(Inbox.schema, .id, onDelete: .cascade))
            .field("keywords", .string, .required)
            .field("match", .string, .required)
            .field("locale", .string)
            .field("reply", .string, .required)
            .field("priority", .int64, .required)
            .field("cooldown_seconds", .int64, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "keyword_rules_inbox_idx").on(KeywordRule.schema).column("account_id").column("inbox_id").run()

        try await database.schema(QuickPhrase.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("owner_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("category", .string, .required)
            .field("shortcut", .string, .required)
            .field("text", .string, .required)
            .field("usage_count", .int64, .required)
            .field("last_used_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "quick_phrases_owner_idx").on(QuickPhrase.schema).column("account_id").column("owner_id").run()

        try await database.schema(AgentPresence.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("connections", .int64, .required)
            .field("seen_at", .datetime, .required)
            .field("last_assigned_at", .datetime)
            .unique(on: "user_id", name: "agent_presence_user_key")
            .create()

        // Reporting events: append-only, like the audit log (no FK to conversations, so
        // deleting a shop's data never has to rewrite them).
        try await database.schema(ConversationEvent.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .restrict))
            .field("conversation_id", .uuid, .required)
            .field("inbox_id", .uuid)
            .field("kind", .string, .required)
            .field("agent_id", .uuid)
            .field("from_agent_id", .uuid)
            .field("seconds", .double)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "conversation_events_account_idx").on(ConversationEvent.schema)
            .column("account_id").column("created_at").run()
        if isPostgres {
            try await sql.raw("""
                CREATE FUNCTION conversation_events_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'conversation_events is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER conversation_events_no_change BEFORE UPDATE OR DELETE ON conversation_events
                FOR EACH ROW EXECUTE FUNCTION conversation_events_append_only()
                """).run()
        } else {
            try await sql.raw("""
                CREATE TRIGGER conversation_events_no_update BEFORE UPDATE ON conversation_events
                BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER conversation_events_no_delete BEFORE DELETE ON conversation_events
                BEGIN SELECT RAISE(ABORT, 'conversation_events is append-only'); END
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP TABLE conversation_events").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP FUNCTION conversation_events_append_only()").run()
        }
        try await database.schema(AgentPresence.schema).delete()
        try await database.schema(QuickPhrase.schema).delete()
        try await database.schema(KeywordRule.schema).delete()
        for name in ["queued_at", "assigned_at", "first_response_at", "awaiting_since", "auto_state"] {
            try await database.schema(Conversation.schema).deleteField(.string(name)).update()
        }
        for name in ["routing", "capacity", "prefer_last_agent", "answer_timeout_seconds", "auto_away_minutes", "auto_replies",
                     "status_line", "status_line_starts_at", "status_line_ends_at"] {
            try await database.schema(Inbox.schema).deleteField(.string(name)).update()
        }
    }
}
