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
}

/// Fans events out to this instance's sockets. Visitors are indexed by contact,
/// agent-side sockets by account, so an event touches only who may see it.
final class RealtimeHub: Sendable {
    private struct Index {
        var visitors: [UUID: [UUID: SocketConnection]] = [:]   // contactID → connections
        var agents: [UUID: [UUID: SocketConnection]] = [:]     // accountID → connections
    }
    private let index = NIOLockedValueBox(Index())

    func add(_ connection: SocketConnection) {
        index.withLockedValue { i in
            switch connection.party {
            case .visitor(let contactID, _): i.visitors[contactID, default: [:]][connection.id] = connection
            case .agent, .token: i.agents[connection.accountID, default: [:]][connection.id] = connection
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
                i.agents[connection.accountID]?[connection.id] = nil
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
                list.append(contentsOf: agents.values.filter { $0.sees(inboxID: event.inboxID, contactID: event.contactID) })
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
            i.agents[accountID]?.values.filter {
                if case .agent(let id, _, _, _, _) = $0.party { return id == userID }
                return false
            }.count ?? 0
        }
    }

    /// Every member with agent-side sockets here: (account, user, socket count).
    func connectedAgents() -> [(UUID, UUID, Int)] {
        index.withLockedValue { i in
            var counts: [UUID: (UUID, Int)] = [:]
            for (accountID, connections) in i.agents {
                for c in connections.values {
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
            (i.agents[accountID]?.values ?? [:].values).filter { c in
                c.userID == userID && (onlySession == nil || c.sessionID == onlySession)
                    && (exceptSession == nil || c.sessionID != exceptSession)
            }
        }
        for connection in targets { connection.close(code: .policyViolation) }
    }

    /// Closes every socket (shutdown); clients reconnect and resume.
    func closeAll() {
        let all = index.withLockedValue { i in
            i.visitors.values.flatMap(\.values) + i.agents.values.flatMap(\.values)
        }
        for connection in all { connection.close(code: .goingAway) }
    }

    var connectionTotal: Int {
        index.withLockedValue { i in i.visitors.values.reduce(0) { $0 + $1.count } + i.agents.values.reduce(0) { $0 + $1.count } }
    }
}
