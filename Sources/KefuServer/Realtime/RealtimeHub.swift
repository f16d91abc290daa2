import Foundation
import NIOWebSocket
import KefuCore
import NIOConcurrencyHelpers

/// An event for connected clients: one encoded frame and who may see it.
struct HubEvent: Sendable {
    var accountID: UUID
    var conversationID: UUID?
    var inboxID: UUID?
    var contactID: UUID?
    var toVisitor: Bool
    var toAgents: Bool
    var frame: String
    /// The connection that caused it, which does not get it back (typing).
    var except: UUID?
    /// Only this member's agent sockets (their own presence).
    var toUser: UUID? = nil
    /// Without an inbox: only the members who see every inbox (supervisors, admins, owners, tokens), not every agent.
    var staffOnly: Bool = false
}

/// Fans events out to this instance's sockets. Visitors are indexed by contact; agent-side
/// sockets by account, and within it by what they see (every inbox, or each of their inboxes),
/// so an event touches only who may see it, never a scan of the shop's agents.
final class RealtimeHub: Sendable {
    /// A shop's agent-side sockets.
    private struct Agents {
        var all: [UUID: SocketConnection] = [:]
        /// Members' sockets, by member.
        var byUser: [UUID: [UUID: SocketConnection]] = [:]
        /// Supervisors, admins, owners and API tokens: they see every inbox.
        var seeAll: [UUID: SocketConnection] = [:]
        /// Agents, under each inbox they are a member of.
        var byInbox: [UUID: [UUID: SocketConnection]] = [:]

        var isEmpty: Bool { all.isEmpty }

        mutating func add(_ c: SocketConnection) {
            all[c.id] = c
            if let user = c.userID { byUser[user, default: [:]][c.id] = c }
            if let inboxes = Self.inboxes(of: c) {
                for inbox in inboxes { byInbox[inbox, default: [:]][c.id] = c }
            } else {
                seeAll[c.id] = c
            }
        }

        mutating func remove(_ c: SocketConnection) {
            all[c.id] = nil
            if let user = c.userID {
                byUser[user]?[c.id] = nil
                if byUser[user]?.isEmpty == true { byUser[user] = nil }
            }
            if let inboxes = Self.inboxes(of: c) {
                for inbox in inboxes {
                    byInbox[inbox]?[c.id] = nil
                    if byInbox[inbox]?.isEmpty == true { byInbox[inbox] = nil }
                }
            } else {
                seeAll[c.id] = nil
            }
        }

        /// Who sees an event of a conversation in `inboxID` (all of them for a shop-wide one).
        func audience(inboxID: UUID?, into list: inout [SocketConnection]) {
            guard let inboxID else { list.append(contentsOf: all.values); return }
            list.append(contentsOf: seeAll.values)
            if let members = byInbox[inboxID] { list.append(contentsOf: members.values) }
        }

        /// The inboxes an agent socket is limited to; nil when it sees them all.
        private static func inboxes(of c: SocketConnection) -> Set<UUID>? {
            if case .agent(_, let role, let inboxes, _, _) = c.party, role <= .agent { return inboxes }
            return nil
        }
    }

    private struct Index {
        var visitors: [UUID: [UUID: SocketConnection]] = [:]   // contactID → connections
        var agents: [UUID: Agents] = [:]                       // accountID → sockets
    }
    private let index = NIOLockedValueBox(Index())

    func add(_ connection: SocketConnection) {
        index.withLockedValue { i in
            switch connection.party {
            case .visitor(let contactID, _): i.visitors[contactID, default: [:]][connection.id] = connection
            case .agent, .token: i.agents[connection.accountID, default: Agents()].add(connection)
            }
        }
    }

    func remove(_ connection: SocketConnection) {
        index.withLockedValue { i in
            switch connection.party {
            case .visitor(let contactID, _):
                i.visitors[contactID]?[connection.id] = nil
                if i.visitors[contactID]?.isEmpty == true { i.visitors[contactID] = nil }
            case .agent, .token:
                i.agents[connection.accountID]?.remove(connection)
                if i.agents[connection.accountID]?.isEmpty == true { i.agents[connection.accountID] = nil }
            }
        }
    }

    func publish(_ event: HubEvent) {
        let targets: [SocketConnection] = index.withLockedValue { i in
            var list: [SocketConnection] = []
            if event.toVisitor, let contactID = event.contactID, let visitors = i.visitors[contactID] {
                list.append(contentsOf: visitors.values.filter { $0.accountID == event.accountID })
            }
            if event.toAgents, let agents = i.agents[event.accountID] {
                if let user = event.toUser {
                    list.append(contentsOf: agents.byUser[user]?.values ?? [:].values)
                } else if event.staffOnly && event.inboxID == nil {
                    list.append(contentsOf: agents.seeAll.values)
                } else {
                    agents.audience(inboxID: event.inboxID, into: &list)
                }
            }
            return list
        }
        for connection in targets where connection.id != event.except {
            connection.send(event.frame)
        }
    }

    /// Agent-side connections of a user on this instance (presence).
    func connectionCount(userID: UUID, accountID: UUID) -> Int {
        index.withLockedValue { i in
            i.agents[accountID]?.byUser[userID]?.count ?? 0
        }
    }

    /// Every member with agent-side sockets here: (account, user, socket count).
    func connectedAgents() -> [(UUID, UUID, Int)] {
        index.withLockedValue { i in
            var counts: [UUID: (UUID, Int)] = [:]
            for (accountID, connections) in i.agents {
                for c in connections.all.values {
                    if case .agent(let id, _, _, _, _) = c.party { counts[id, default: (accountID, 0)].1 += 1 }
                }
            }
            return counts.map { ($0.value.0, $0.key, $0.value.1) }
        }
    }

    /// The visitor sockets of a contact here (queue updates skip contacts not connected anywhere here).
    func hasVisitor(contactID: UUID) -> Bool {
        index.withLockedValue { $0.visitors[contactID]?.isEmpty == false }
    }

    /// Closes a member's sockets: those of one sign-in session (sign-out), or all but
    /// one session (password change), or all (deactivation).
    func disconnect(userID: UUID, accountID: UUID, onlySession: UUID? = nil, exceptSession: UUID? = nil) {
        let targets = index.withLockedValue { i in
            (i.agents[accountID]?.byUser[userID]?.values ?? [:].values).filter { c in
                (onlySession == nil || c.sessionID == onlySession)
                    && (exceptSession == nil || c.sessionID != exceptSession)
            }
        }
        for connection in targets { connection.close(code: .policyViolation) }
    }

    /// Closes every socket (shutdown); clients reconnect and resume.
    func closeAll() {
        let all = index.withLockedValue { i in
            i.visitors.values.flatMap(\.values) + i.agents.values.flatMap(\.all.values)
        }
        for connection in all { connection.close(code: .goingAway) }
    }

    var connectionTotal: Int {
        index.withLockedValue { i in i.visitors.values.reduce(0) { $0 + $1.count } + i.agents.values.reduce(0) { $0 + $1.all.count } }
    }
}
