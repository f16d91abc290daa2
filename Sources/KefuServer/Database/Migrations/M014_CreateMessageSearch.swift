import Fluent
import SQLKit

/// Message search (``MessageSearchIndex``). SQLite: an FTS5 table without content of its own,
/// keyed by the message's rowid (kept by `VACUUM`, which copies tables with their rowids), with a
/// trigger that forgets a deleted message, and the backfill's position. PostgreSQL: a `tsvector`
/// column on `messages` with a GIN index, and a partial index of the rows not indexed yet. The
/// terms are Kefu's own (``MessageSearchTerms``), so neither database's tokenizer decides.
/// Messages stored before this migration are indexed by the job `messages.search_backfill`.
struct M014_CreateMessageSearch: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE messages ADD COLUMN search_terms tsvector").run()
            try await sql.raw("CREATE INDEX messages_search_idx ON messages USING gin (search_terms)").run()
            try await sql.raw("CREATE INDEX messages_unsearched_idx ON messages (created_at) WHERE search_terms IS NULL").run()
        } else {
            // `ascii`: terms are separated by spaces; every non-ASCII byte belongs to a term.
            try await sql.raw("""
                CREATE VIRTUAL TABLE message_search USING fts5(terms, content='', contentless_delete=1, tokenize='ascii')
                """).run()
            try await sql.raw("""
                CREATE TRIGGER messages_search_forget AFTER DELETE ON messages
                BEGIN DELETE FROM message_search WHERE rowid = old.rowid; END
                """).run()
            try await sql.raw("CREATE TABLE message_search_progress (id INTEGER PRIMARY KEY CHECK (id = 1), through_rowid INTEGER NOT NULL)").run()
            try await sql.raw("INSERT INTO message_search_progress (id, through_rowid) VALUES (1, 0)").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP INDEX messages_unsearched_idx").run()
            try await sql.raw("DROP INDEX messages_search_idx").run()
            try await sql.raw("ALTER TABLE messages DROP COLUMN search_terms").run()
        } else {
            try await sql.raw("DROP TABLE message_search_progress").run()
            try await sql.raw("DROP TRIGGER messages_search_forget").run()
            try await sql.raw("DROP TABLE message_search").run()
        }
    }
}
