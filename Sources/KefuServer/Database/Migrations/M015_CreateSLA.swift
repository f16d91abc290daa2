import Fluent
import SQLKit

/// SLA: named business-hours calendars, ordered policies with their versions, the policy each
/// ticket or conversation is under, the metric clocks with their timers, and the append-only log
/// of what happened to each clock.
struct M015_CreateSLA: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(SLACalendar.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("hours", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_calendars_name_idx").unique().on(SLACalendar.schema).column("account_id").column("name").run()

        try await database.schema(SLAPolicy.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("position", .int, .required)
            .field("enabled", .bool, .required)
            .field("version", .int, .required)
            .field("rules", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_policies_account_idx").on(SLAPolicy.schema).column("account_id").column("position").run()

        try await database.schema(SLAPolicyVersion.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("policy_id", .uuid, .required)
            .field("version", .int, .required)
            .field("name", .string, .required)
            .field("rules", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_policy_versions_idx").unique().on(SLAPolicyVersion.schema).column("policy_id").column("version").run()

        // The policy each ticket or conversation is under (policy_id NULL: none matched).
        try await database.schema("sla_subjects")
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("target_type", .string, .required)
            .field("target_id", .uuid, .required)
            .field("policy_id", .uuid)
            .field("policy_version", .int)
            .field("priority", .string, .required)
            // A first or next reply (or periodic update) clock is open: a customer's message changes nothing.
            .field("reply_open", .bool, .required, .sql(.default(false)))
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_subjects_target_idx").unique().on("sla_subjects").column("target_id").column("target_type").run()

        try await database.schema("sla_clocks")
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("target_type", .string, .required)
            .field("target_id", .uuid, .required)
            .field("metric", .string, .required)
            .field("policy_id", .uuid, .required)
            .field("policy_version", .int, .required)
            .field("target_seconds", .int, .required)
            .field("warn_after_seconds", .int)
            .field("activated_at", .datetime, .required)
            .field("state", .string, .required)
            .field("running_since", .datetime)
            .field("used_seconds", .double, .required)
            .field("due_at", .datetime)
            .field("warn_at", .datetime)
            .field("warned_at", .datetime)
            .field("breached_at", .datetime)
            .field("finished_at", .datetime)
            // The timer: the next moment to look at this clock (moved a lease ahead while claimed).
            .field("fire_at", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_clocks_target_idx").on("sla_clocks").column("target_id").column("target_type").run()
        try await sql.raw("CREATE INDEX sla_clocks_fire_idx ON sla_clocks (fire_at) WHERE fire_at IS NOT NULL").run()
        try await sql.raw("CREATE INDEX sla_clocks_open_idx ON sla_clocks (account_id, due_at) WHERE state = 'running' OR state = 'paused'").run()

        try await database.schema("sla_events")
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("target_type", .string, .required)
            .field("target_id", .uuid, .required)
            .field("clock_id", .uuid)
            .field("metric", .string)
            .field("kind", .string, .required)
            .field("at", .datetime, .required)
            .field("policy_id", .uuid)
            .field("policy_version", .int)
            .field("detail", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "sla_events_target_idx").on("sla_events").column("target_id").column("at").run()
        try await sql.create(index: "sla_events_account_idx").on("sla_events").column("account_id").column("at").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["sla_events", "sla_clocks", "sla_subjects", SLAPolicyVersion.schema, SLAPolicy.schema, SLACalendar.schema] {
            try await database.schema(table).delete()
        }
    }
}
