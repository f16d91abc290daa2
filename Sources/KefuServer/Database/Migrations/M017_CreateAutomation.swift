import Fluent
import SQLKit

/// Automation: the shop's ordered rules and the firing log that is also their actions' work
/// queue; tickets remember when their status last changed (time rules on pending tickets).
struct M017_CreateAutomation: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(AutomationRuleRow.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("position", .int, .required)
            .field("enabled", .bool, .required)
            .field("trigger_key", .string, .required)
            .field("body", .string, .required)
            .field("timer_watermark", .datetime)
            .field("last_fired_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "automation_rules_account_idx").on(AutomationRuleRow.schema).column("account_id").column("position").run()
        try await sql.create(index: "automation_rules_trigger_idx").on(AutomationRuleRow.schema).column("trigger_key").column("enabled").run()

        try await database.schema(AutomationRunRow.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("rule_id", .uuid, .required)
            .field("rule_name", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .uuid, .required)
            .field("contact_id", .uuid)
            .field("trigger", .string, .required)
            .field("occurrence", .string, .required)
            .field("depth", .int, .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("actions", .string, .required)
            .field("results", .string)
            .field("replied", .bool, .required)
            .field("lease_until", .datetime, .required)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        // At most once per rule, object and event (or timer occurrence).
        try await sql.create(index: "automation_runs_once_idx").unique().on(AutomationRunRow.schema)
            .column("rule_id").column("target_id").column("occurrence").run()
        try await sql.create(index: "automation_runs_target_idx").on(AutomationRunRow.schema)
            .column("target_id").column("created_at").run()
        try await sql.create(index: "automation_runs_account_idx").on(AutomationRunRow.schema)
            .column("account_id").column("created_at").run()
        try await sql.create(index: "automation_runs_queue_idx").on(AutomationRunRow.schema).column("status").column("lease_until").run()
        try await sql.create(index: "automation_runs_contact_idx").on(AutomationRunRow.schema).column("contact_id").column("finished_at").run()

        try await database.schema("tickets").field("status_changed_at", .datetime).update()
        try await sql.raw("UPDATE tickets SET status_changed_at = updated_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tickets").deleteField("status_changed_at").update()
        try await database.schema(AutomationRunRow.schema).delete()
        try await database.schema(AutomationRuleRow.schema).delete()
    }
}
