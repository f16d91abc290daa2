import Fluent
import SQLKit

/// Public forms (feedback, repair requests, complaints) whose submissions become tickets, and
/// pictures on ticket entries (a form's).
struct M012_CreateForms: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(TicketEntry.schema).field("attachments", .string).update()
        try await database.schema(ShopForm.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("key", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("ticket_type", .string, .required)
            .field("inbox_id", .uuid, .references(Inbox.schema, .id, onDelete: .setNull))
            .field("intro", .string)
            .field("fields", .string, .required)
            .field("active", .bool, .required)
            .field("in_widget", .bool, .required)
            .field("submissions", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "forms_key_idx").unique().on(ShopForm.schema).column("key").run()
        try await sql.create(index: "forms_account_idx").on(ShopForm.schema).column("account_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ShopForm.schema).delete()
        try await database.schema(TicketEntry.schema).deleteField("attachments").update()
    }
}
