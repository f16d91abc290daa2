import Fluent
import SQLKit

/// Indexes for the routing sweep, which runs every second across every shop: the queue (open,
/// unassigned, by the time it joined), the answer time-out (open, by how long the customer has
/// waited) and each agent's open conversations (the router's load). Measured on 1,000,000
/// conversations (SQLite): the first two were full scans and the load walked all of an agent's
/// conversations (172 ms per agent, 6 ms with its index) — together ≈ 1–1.2 cores while the server
/// was otherwise idle (docs/benchmarks.md, "A large shop").
struct M011_AddSweepIndexes: AsyncMigration {
    /// In one transaction: a failure (another process holding the database) leaves nothing half made.
    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await create(on: tx) }
    }

    private func create(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "conversations_sweep_queue_idx").on(Conversation.schema)
            .column("status").column("assignee_id").column("queued_at").run()
        try await sql.create(index: "conversations_sweep_waiting_idx").on(Conversation.schema)
            .column("status").column("awaiting_since").run()
        // Also the workbench's "mine" and "unassigned" lists by status, newest first.
        try await sql.create(index: "conversations_load_idx").on(Conversation.schema)
            .column("account_id").column("assignee_id").column("status").column("activity_us").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "conversations_load_idx").run()
        try await sql.drop(index: "conversations_sweep_waiting_idx").run()
        try await sql.drop(index: "conversations_sweep_queue_idx").run()
    }
}
