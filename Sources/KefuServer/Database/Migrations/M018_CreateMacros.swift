import Fluent
import SQLKit

/// Macros: named steps an agent applies to a conversation or ticket in one click, shared or personal.
struct M018_CreateMacros: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in
            try await tx.schema(MacroRow.schema)
                .id()
                .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
                .field("owner_id", .uuid)
                .field("name", .string, .required)
                .field("target", .string, .required)
                .field("actions", .string, .required)
                .field("uses", .int, .required)
                .field("last_used_at", .datetime)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await (tx as! any SQLDatabase).create(index: "macros_account_idx").on(MacroRow.schema).column("account_id").column("target").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MacroRow.schema).delete()
    }
}
