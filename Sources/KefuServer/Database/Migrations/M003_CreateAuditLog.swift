import Fluent
import SQLKit

/// The append-only audit log. Triggers make the database itself refuse UPDATE
/// and DELETE, so no code path (or a bug in one) can rewrite history.
struct M003_CreateAuditLog: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let isPostgres = sql.dialect.name == "postgresql"
        try await database.schema(AuditEntry.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .restrict))
            .field("actor_type", .string, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .string)
            .field("details", .string, .required)
            .field("ip", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "audit_log_account_idx").on(AuditEntry.schema).column("account_id").column("id").run()

        if isPostgres {
            try await sql.raw("""
                CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
                """).run()
        } else {
            try await sql.raw("""
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TABLE audit_log").run()
            try await sql.raw("DROP FUNCTION audit_log_append_only()").run()
        } else {
            try await sql.raw("DROP TABLE audit_log").run()
        }
    }
}
