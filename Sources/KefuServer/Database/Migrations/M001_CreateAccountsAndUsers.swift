import Fluent
import SQLKit

/// Shops, their team members and inboxes (with memberships).
struct M001_CreateAccountsAndUsers: AsyncMigration {
    /// In one transaction: a start stopped halfway (killed, another process holding the database)
    /// leaves nothing half made, and the next start migrates from the beginning.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        try await database.schema(Account.schema)
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .create()

        try await database.schema(User.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("display_name", .string, .required)
            .field("agent_number", .int, .required)
            .field("role", .string, .required)
            .field("active", .bool, .required)
            .field("locale", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email", name: "users_email_key")
            .unique(on: "account_id", "agent_number", name: "users_account_number_key")
            .create()

        try await database.schema(Inbox.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("description", .string)
            .field("widget_key", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "widget_key", name: "inboxes_widget_key_key")
            .unique(on: "account_id", "name", name: "inboxes_account_name_key")
            .create()

        try await database.schema(InboxMember.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("inbox_id", .uuid, .required, .references(Inbox.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .unique(on: "account_id", "inbox_id", "user_id", name: "inbox_members_key")
            .create()
        try await (database as! any SQLDatabase).create(index: "inbox_members_user_idx")
            .on(InboxMember.schema).column("account_id").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InboxMember.schema).delete()
        try await database.schema(Inbox.schema).delete()
        try await database.schema(User.schema).delete()
        try await database.schema(Account.schema).delete()
    }
}
