import Foundation
import KefuCore
import NIOConcurrencyHelpers

/// Tells a shop's agents when teammates' presence changes, coalesced: the changes of a
/// quarter-second go out as one `presence.changes` frame per shop (the latest status per
/// member), so 1,000 agents signing in send a few dozen frames to each socket, not 1,000.
/// The member's own sockets (their other tabs) get a `presence` frame at once.
final class PresenceFanout: Sendable {
    static let window: Duration = .milliseconds(250)
    /// Changes per frame: a frame stays under the cluster bus's payload limit.
    static let perFrame = 60

    private struct State {
        var pending: [UUID: [UUID: PresenceStatus]] = [:]   // account → member → latest status
        var order: [UUID: [UUID]] = [:]                      // account → members in order of first change
        var scheduled = false
    }
    private let state = NIOLockedValueBox(State())
    private let relay: @Sendable (HubEvent) -> Void

    init(relay: @escaping @Sendable (HubEvent) -> Void) {
        self.relay = relay
    }

    /// `userID` of `accountID` now shows `status`.
    func changed(_ userID: UUID, accountID: UUID, to status: PresenceStatus) {
        relay(HubEvent(accountID: accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false, toAgents: true,
                       frame: FrameCoder.encode(ServerFrame.Presence(userId: userID, status: status)), except: nil, toUser: userID))
        let schedule: Bool = state.withLockedValue { s in
            if s.pending[accountID]?[userID] == nil { s.order[accountID, default: []].append(userID) }
            s.pending[accountID, default: [:]][userID] = status
            defer { s.scheduled = true }
            return !s.scheduled
        }
        if schedule {
            Task {
                try? await Task.sleep(for: Self.window)
                self.flush()
            }
        }
    }

    /// Sends what is pending now (the window's end; tests call it directly).
    func flush() {
        let batches: [(UUID, [ServerFrame.PresenceChange])] = state.withLockedValue { s in
            defer { s = State() }
            return s.order.map { accountID, members in
                (accountID, members.map { ServerFrame.PresenceChange(userId: $0, status: s.pending[accountID]![$0]!) })
            }
        }
        for (accountID, changes) in batches {
            for start in stride(from: 0, to: changes.count, by: Self.perFrame) {
                let part = Array(changes[start..<min(changes.count, start + Self.perFrame)])
                relay(HubEvent(accountID: accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false, toAgents: true,
                               frame: FrameCoder.encode(ServerFrame.PresenceChanges(changes: part)), except: nil))
            }
        }
    }
}
