import Foundation
import NIOWebSocket
import KefuCore
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// One client WebSocket, as the hub sees it: who is behind it, what it may see,
/// and a bounded send queue. A client that stops reading is disconnected once
/// too many frames wait for it, so it can never make the server buffer without bound.
final class SocketConnection: Sendable {
    enum Party: Sendable {
        case visitor(contactID: UUID, inboxID: UUID)
        case agent(userID: UUID, role: Role, inboxIDs: Set<UUID>, name: String, agentNumber: Int)
        case token(tokenID: UUID, role: Role)
    }

    let id = UUID()
    let accountID: UUID
    let party: Party
    /// The sign-in session behind an agent's socket (nil for visitors and tokens).
    let sessionID: UUID?
    private let socket: WebSocket
    private let logger: Logger
    private struct State {
        var frames = 0
        var bytes = 0
        var closed = false
    }
    private let state = NIOLockedValueBox(State())

    init(accountID: UUID, party: Party, sessionID: UUID? = nil, socket: WebSocket, logger: Logger) {
        self.accountID = accountID
        self.party = party
        self.sessionID = sessionID
        self.socket = socket
        self.logger = logger
    }

    var userID: UUID? {
        if case .agent(let id, _, _, _, _) = party { return id }
        return nil
    }

    var isAgentSide: Bool {
        if case .visitor = party { return false }
        return true
    }

    /// Whether this connection sees events of a conversation in `inboxID` with `contactID`.
    func sees(inboxID: UUID?, contactID: UUID?) -> Bool {
        switch party {
        case .visitor(let contact, _):
            return contactID == contact
        case .agent(_, let role, let inboxes, _, _):
            return role > .agent || inboxID.map { inboxes.contains($0) } ?? true
        case .token:
            return true
        }
    }

    /// Queues a text frame. Returns false when the connection is (now) closed.
    @discardableResult
    func send(_ text: String) -> Bool {
        let size = text.utf8.count
        let overflow: Bool = state.withLockedValue { s in
            if s.closed { return true }
            s.frames += 1
            s.bytes += size
            return s.frames > ChatLimits.maxPendingFrames || s.bytes > ChatLimits.maxPendingBytes
        }
        if overflow {
            disconnectSlowConsumer()
            return false
        }
        let promise = socket.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [state] _ in
            state.withLockedValue { s in
                s.frames -= 1
                s.bytes -= size
            }
        }
        socket.send(text, promise: promise)
        return true
    }

    var isClosed: Bool { state.withLockedValue { $0.closed } || socket.isClosed }

    func close(code: WebSocketErrorCode = .goingAway) {
        let first = state.withLockedValue { s in
            defer { s.closed = true }
            return !s.closed
        }
        if first {
            _ = socket.close(code: code)
            forceCloseIfUnanswered()
        }
    }

    /// A closing handshake needs the peer's reply; a peer that stopped reading never sends
    /// it. A short ping interval makes websocket-kit drop the channel itself when the ping
    /// goes unanswered too, so the connection and its queued bytes are released. (websocket-kit
    /// schedules pings only once, so sockets get no ping interval before this point.)
    private func forceCloseIfUnanswered(after delay: TimeAmount = .seconds(2)) {
        // Only when the peer has not answered the close after a moment: a ping after a close
        // frame is a protocol error to a browser that is still completing the handshake.
        let socket = self.socket
        socket.eventLoop.scheduleTask(in: delay) {
            if !socket.isClosed { socket.pingInterval = .seconds(1) }
        }
    }

    private func disconnectSlowConsumer() {
        let first = state.withLockedValue { s in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        logger.notice("disconnecting a slow consumer", metadata: ["connection": "\(id)", "component": "realtime"])
        socket.send(FrameCoder.encode(ServerFrame.Error(code: "slow_consumer", message: "too many frames waited for this client; reconnect and resume")))
        _ = socket.close(code: .unknown(4008))
        // Longer here: a client that starts reading again still gets its backlog and the 4008.
        forceCloseIfUnanswered(after: .seconds(10))
    }
}
