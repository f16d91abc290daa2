import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// What crosses instances: small notices, sent after commit and batched. The
/// receiving instance reads what it needs from the database.
struct BusEvent: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case messages       // new messages (seq in (fromSeq, toSeq]) of a conversation
        case conversation   // a conversation changed; reload it
        case frame          // a ready frame (typing, read, presence): small, not stored
        case disconnect     // close a member's sockets (sign-out, password change, deactivation)
        case inbox          // an inbox's settings or rules changed; forget what is cached of it
    }
    var kind: Kind
    var origin: UUID
    var accountID: UUID
    var conversationID: UUID?
    var inboxID: UUID?
    var contactID: UUID?
    var fromSeq: Int?
    var toSeq: Int?
    var toVisitor: Bool?
    var toAgents: Bool?
    var frame: String?
    var userID: UUID?
    var onlySession: UUID?
    var exceptSession: UUID?
    var staffOnly: Bool?
}

/// PostgreSQL LISTEN/NOTIFY between Kefu instances on one database. Notices are
/// queued and sent in batches on their own connection, never inside the
/// transactions that write messages.
final class ClusterBus: Sendable {
    static let channel = "kefu_events"
    static let maxPayloadBytes = 7000

    let instanceID = UUID()
    private let configuration: PostgresConnection.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let deliver: @Sendable (BusEvent) async -> Void
    private struct State {
        var queue: [BusEvent] = []
        var running = false
        var wake: CheckedContinuation<Void, Never>?
        var tasks: [Task<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())

    init(configuration: PostgresConnection.Configuration, eventLoopGroup: any EventLoopGroup, logger: Logger,
         deliver: @escaping @Sendable (BusEvent) async -> Void) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.deliver = deliver
    }

    func start() {
        // Running before the loops start: they stop when they see it false.
        state.withLockedValue { $0.running = true }
        let listener = Task { await self.listenLoop() }
        let sender = Task { await self.sendLoop() }
        state.withLockedValue { $0.tasks = [listener, sender] }
    }

    func shutdown() {
        let (tasks, wake) = state.withLockedValue { s -> ([Task<Void, Never>], CheckedContinuation<Void, Never>?) in
            s.running = false
            defer { s.wake = nil }
            return (s.tasks, s.wake)
        }
        wake?.resume()
        tasks.forEach { $0.cancel() }
    }

    /// Queues a notice for the other instances. Does nothing before `start`.
    func notify(_ event: BusEvent) {
        let wake = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            guard s.running else { return nil }
            s.queue.append(event)
            defer { s.wake = nil }
            return s.wake
        }
        wake?.resume()
    }

    private func sendLoop() async {
        var connection: PostgresConnection?
        while !Task.isCancelled {
            let batch: [BusEvent] = await withCheckedContinuation { (continuation: CheckedContinuation<[BusEvent], Never>) in
                let ready = state.withLockedValue { s -> [BusEvent]? in
                    if !s.queue.isEmpty || !s.running {
                        defer { s.queue.removeAll() }
                        return s.queue
                    }
                    return nil
                }
                if let ready { continuation.resume(returning: ready); return }
                // Wait for the next notice, then take everything queued by then.
                Task {
                    await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                        let immediate = self.state.withLockedValue { s -> Bool in
                            if !s.queue.isEmpty || !s.running { return true }
                            s.wake = wake
                            return false
                        }
                        if immediate { wake.resume() }
                    }
                    let taken = self.state.withLockedValue { s -> [BusEvent] in
                        defer { s.queue.removeAll() }
                        return s.queue
                    }
                    continuation.resume(returning: taken)
                }
            }
            if batch.isEmpty {
                if !state.withLockedValue({ $0.running }) { break }
                continue
            }
            for payload in Self.payloads(batch) {
                do {
                    if connection == nil || connection!.isClosed {
                        connection = try await PostgresConnection.connect(on: eventLoopGroup.any(), configuration: configuration,
                                                                         id: 1, logger: logger)
                    }
                    try await connection!.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
                } catch {
                    logger.warning("could not notify other instances", metadata: ["error": "\(String(reflecting: error))", "component": "cluster-bus"])
                    try? await connection?.close()
                    connection = nil
                }
            }
        }
        try? await connection?.close()
    }

    /// Packs events into JSON arrays under the NOTIFY payload limit.
    static func payloads(_ events: [BusEvent]) -> [String] {
        var result: [String] = []
        var current: [String] = []
        var size = 2
        for event in events {
            let text = FrameCoder.encode(event)
            if !current.isEmpty && size + text.utf8.count + 1 > maxPayloadBytes {
                result.append("[" + current.joined(separator: ",") + "]")
                current = []
                size = 2
            }
            current.append(text)
            size += text.utf8.count + 1
        }
        if !current.isEmpty { result.append("[" + current.joined(separator: ",") + "]") }
        return result
    }

    private func listenLoop() async {
        var delay: UInt64 = 200_000_000
        while !Task.isCancelled && state.withLockedValue({ $0.running }) {
            do {
                let connection = try await PostgresConnection.connect(on: eventLoopGroup.any(), configuration: configuration,
                                                                     id: 2, logger: logger)
                defer { Task { try? await connection.close() } }
                let notifications = try await connection.listen(Self.channel)
                delay = 200_000_000
                for try await notification in notifications {
                    guard let events = try? JSONDecoder().decode([BusEvent].self, from: Data(notification.payload.utf8)) else { continue }
                    for event in events where event.origin != instanceID {
                        await deliver(event)
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("listening for other instances failed; retrying", metadata: ["error": "\(String(reflecting: error))", "component": "cluster-bus"])
                try? await Task.sleep(nanoseconds: delay)
                delay = min(delay * 2, 5_000_000_000)
            }
        }
    }
}
