import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Agents' availability for routing, shared by every instance through `agent_presence`:
/// each instance writes the status its agents chose and confirms the agents connected to it
/// every ``heartbeat`` seconds; a row not confirmed for ``staleAfter`` counts as offline
/// (an instance that died leaves no agent "online").
enum AgentAvailability {
    static let heartbeat: TimeInterval = 30
    static let staleAfter: TimeInterval = 90

    /// Records an agent's status and this instance's socket count for them.
    static func record(userID: UUID, accountID: UUID, status: PresenceStatus, connections: Int, now: Date, on db: any Database) async throws {
        if let row = try await AgentPresence.query(on: db).filter(\.$accountID == accountID).filter(\.$userID == userID).first() {
            row.status = status
            row.connections = connections
            row.seenAt = now
            try await row.save(on: db)
            return
        }
        let row = AgentPresence()
        row.accountID = accountID
        row.userID = userID
        row.status = status
        row.connections = connections
        row.seenAt = now
        do {
            try await row.create(on: db)
        } catch {
            // Created meanwhile by another socket or instance: update that row.
            try await AgentPresence.query(on: db).filter(\.$accountID == accountID).filter(\.$userID == userID)
                .set(\.$status, to: status).set(\.$connections, to: connections).set(\.$seenAt, to: now).update()
        }
    }

    /// The status an agent shows now (the automatic "away" reply asks on every shopper message):
    /// the shop's presence rows, read at most once a second.
    static func status(of userID: UUID, accountID: UUID, now: Date, app: Application) async throws -> PresenceStatus {
        let rows = try await app.chat.presenceRows.value(accountID) {
            var rows: [UUID: Presence] = [:]
            for row in try await (app.db as! any SQLDatabase).raw("""
                SELECT user_id, status, connections, seen_at FROM agent_presence WHERE account_id = \(bind: accountID)
                """).all() {
                rows[try row.decode(column: "user_id", as: UUID.self)] = Presence(
                    status: PresenceStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .offline,
                    connections: try row.decode(column: "connections", as: Int.self), seenAt: try row.decode(column: "seen_at", as: Date.self))
            }
            return rows
        } ?? [:]
        return rows[userID].map { effective(status: $0.status, connections: $0.connections, seenAt: $0.seenAt, now: now) } ?? .offline
    }

    /// What `agent_presence` says of one agent (the chat path's cached copy).
    struct Presence: Sendable {
        var status: PresenceStatus
        var connections: Int
        var seenAt: Date
    }

    /// The status routing should believe: the chosen one while confirmed recently, else offline.
    static func effective(_ row: AgentPresence?, now: Date) -> PresenceStatus {
        guard let row else { return .offline }
        return effective(status: row.status, connections: row.connections, seenAt: row.seenAt, now: now)
    }

    static func effective(status: PresenceStatus, connections: Int, seenAt: Date, now: Date) -> PresenceStatus {
        guard connections > 0, now.timeIntervalSince(seenAt) < staleAfter else { return .offline }
        return status
    }

    /// Open conversations assigned to each of `userIDs`.
    static func loads(_ userIDs: [UUID], accountID: UUID, on db: any Database) async throws -> [UUID: Int] {
        guard !userIDs.isEmpty else { return [:] }
        // Counted by the database: `.all(\.$assigneeID)` decoded every open conversation as a
        // model (0.75 cores at 1,000,000 conversations with the sweep asking every second).
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT assignee_id, COUNT(*) AS n FROM conversations
            WHERE account_id = \(bind: accountID) AND status = \(bind: ConversationStatus.open.rawValue)
              AND assignee_id IN (\(binds: userIDs)) AND merged_into_id IS NULL
            GROUP BY assignee_id
            """).all()
        var result: [UUID: Int] = [:]
        for row in rows { result[try row.decode(column: "assignee_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return result
    }

    /// The inbox's agents as the router sees them.
    static func slots(for inbox: Inbox, on db: any Database, now: Date) async throws -> [AgentSlot] {
        let members = try await InboxMember.query(on: db).filter(\.$accountID == inbox.accountID).filter(\.$inboxID == inbox.id!).all(\.$userID)
        guard !members.isEmpty else { return [] }
        let active = try await User.query(on: db).filter(\.$accountID == inbox.accountID).filter(\.$id ~~ members)
            .filter(\.$active == true).all(\.$id)
        let ids = active.compactMap { $0 }
        let presence = Dictionary(try await AgentPresence.query(on: db).filter(\.$accountID == inbox.accountID)
            .filter(\.$userID ~~ ids).all().map { ($0.userID, $0) }, uniquingKeysWith: { a, _ in a })
        let loads = try await loads(ids, accountID: inbox.accountID, on: db)
        return ids.map { id in
            AgentSlot(id: id, status: effective(presence[id], now: now), load: loads[id] ?? 0, capacity: inbox.capacity,
                      lastAssignedAt: presence[id]?.lastAssignedAt)
        }
    }

    /// Confirms the agents connected to this instance (the lifecycle calls it every ``heartbeat`` s).
    static func confirm(_ app: Application) async {
        for (accountID, userID, count) in app.chat.hub.connectedAgents() {
            let status = app.chat.presence.status(of: userID), now = app.kefu.clock.now()
            guard (try? await record(userID: userID, accountID: accountID, status: status, connections: count, now: now, on: app.db)) != nil
            else { continue }
            app.chat.notePresence(userID, accountID: accountID, status: status, connections: count, at: now)
        }
    }
}
