import Fluent
import SQLKit

/// When an upload was first used by a message or a ticket, so a visitor's uploads that nothing
/// refers to can be deleted after a day (40 × 1 MB were kept for ever). Existing uploads count
/// as used.
struct M013_TrackAttachmentUse: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema(Attachment.schema).field("used_at", .datetime).update()
        try await sql.raw("UPDATE attachments SET used_at = created_at").run()
        try await sql.create(index: "attachments_unused_idx").on(Attachment.schema)
            .column("uploader_type").column("used_at").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "attachments_unused_idx").run()
        try await database.schema(Attachment.schema).deleteField("used_at").update()
    }
}
