import Fluent
import SQLKit

/// After-sale cases on tickets (kind, reason, order, state, deadline, the platform's ruling, the
/// proposed solution and the customer's answer, the complaint procedure's steps) and the
/// compensation ledger; the shop's case deadlines and compensation limits live with its ticket
/// settings.
struct M010_CreateCases: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(TicketSettings.schema).field("case_deadlines", .string).update()
        try await database.schema(TicketSettings.schema).field("compensation_limits", .string).update()
        let account = { (builder: SchemaBuilder) in
            builder.id().field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
        }
        try await account(database.schema(AfterSaleCase.schema))
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("reason", .string, .required)
            .field("state", .string, .required)
            .field("order_id", .uuid, .references(Order.schema, .id, onDelete: .setNull))
            .field("lines", .string, .required)
            .field("description", .string, .required)
            .field("external_id", .string)
            .field("due_at", .datetime)
            .field("due_source", .string)
            .field("ruling", .string)
            .field("solution", .string)
            .field("customer_answer", .string)
            .field("customer_answered_at", .datetime)
            .field("steps", .string, .required)
            .field("created_by_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("closed_at", .datetime)
            .create()
        try await sql.create(index: "cases_ticket_idx").on(AfterSaleCase.schema).column("account_id").column("ticket_id").run()
        try await sql.create(index: "cases_due_idx").on(AfterSaleCase.schema).column("account_id").column("state").column("due_at").run()
        try await sql.create(index: "cases_external_idx").unique().on(AfterSaleCase.schema).column("account_id").column("external_id").run()

        try await account(database.schema(CompensationEntry.schema))
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .restrict))
            .field("case_id", .uuid, .references(AfterSaleCase.schema, .id, onDelete: .restrict))
            .field("order_id", .uuid, .references(Order.schema, .id, onDelete: .restrict))
            .field("sku", .string)
            .field("kind", .string, .required)
            .field("amount", .int64, .required)
            .field("currency", .string, .required)
            .field("reason", .string, .required)
            .field("note", .string, .required)
            .field("status", .string, .required)
            .field("proposed_by_type", .string, .required)
            .field("proposed_by_id", .uuid)
            .field("approved_by_id", .uuid)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("reverses_id", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "compensations_ticket_idx").on(CompensationEntry.schema).column("account_id").column("ticket_id").run()
        try await sql.create(index: "compensations_order_idx").on(CompensationEntry.schema).column("account_id").column("order_id").run()
        try await sql.create(index: "compensations_status_idx").on(CompensationEntry.schema).column("account_id").column("status").column("created_at").run()
        try await sql.create(index: "compensations_reverses_idx").unique().on(CompensationEntry.schema).column("reverses_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CompensationEntry.schema).delete()
        try await database.schema(AfterSaleCase.schema).delete()
        try await database.schema(TicketSettings.schema).deleteField("compensation_limits").update()
        try await database.schema(TicketSettings.schema).deleteField("case_deadlines").update()
    }
}
