import Fluent
import SQLKit

/// Domain events: the outbox every fact is written to in its own transaction, the durable
/// listeners' cursors, and the events a listener gave up on; reporting rows get a detail.
struct M008_CreateEventOutbox: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let postgres = sql.dialect.name == "postgresql"
        // `tx` orders rows by commit safety on PostgreSQL: readers only take rows of
        // transactions older than every running one (see EventOutbox). SQLite has one writer
        // at a time, so the id alone is in commit order there.
        if postgres {
            try await sql.raw("""
                CREATE TABLE event_outbox (
                  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                  tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
                  event_id UUID NOT NULL,
                  account_id UUID NOT NULL,
                  kind TEXT NOT NULL,
                  conversation_id UUID,
                  payload TEXT NOT NULL,
                  created_at TIMESTAMPTZ NOT NULL)
                """).run()
        } else {
            try await sql.raw("""
                CREATE TABLE event_outbox (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  tx INTEGER NOT NULL DEFAULT 0,
                  event_id BLOB NOT NULL,
                  account_id BLOB NOT NULL,
                  kind TEXT NOT NULL,
                  conversation_id BLOB,
                  payload TEXT NOT NULL,
                  created_at REAL NOT NULL)
                """).run()
        }
        try await sql.create(index: "event_outbox_order_idx").on("event_outbox").column("tx").column("id").run()
        try await sql.create(index: "event_outbox_kind_idx").on("event_outbox").column("kind").column("tx").column("id").run()

        try await database.schema("event_cursors")
            .field("name", .string, .identifier(auto: false))
            .field("last_tx", .int64, .required)
            .field("last_id", .int64, .required)
            .field("attempts", .int64, .required)
            .field("retry_at", .datetime)
            .field("last_error", .string)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("event_failures")
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("listener", .string, .required)
            .field("event_id", .uuid, .required)
            .field("outbox_id", .int64, .required)
            .field("kind", .string, .required)
            .field("error", .string, .required)
            .field("attempts", .int64, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "event_failures_account_idx").on("event_failures").column("account_id").column("created_at").run()

        try await database.schema(ConversationEvent.schema).field("detail", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ConversationEvent.schema).deleteField("detail").update()
        try await database.schema("event_failures").delete()
        try await database.schema("event_cursors").delete()
        try await (database as! any SQLDatabase).raw("DROP TABLE event_outbox").run()
    }
}
