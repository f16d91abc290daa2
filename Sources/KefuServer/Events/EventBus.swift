import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// The listeners of the application and the inline dispatch. Listeners are registered once
/// at start-up (Application/listeners.swift); see ``InlineListener`` and ``DurableListener``.
final class EventBus: Sendable {
    /// Inline reactions that cause events whose reactions cause events … stop here.
    static let maxDepth = 6
    @TaskLocal static var depth = 0

    /// Events the durable listeners read, decoded once for all of them.
    let decoded = DecodedEvents(limit: 4096)

    private let inlineBox = NIOLockedValueBox<[any InlineListener]>([])
    private let durableBox = NIOLockedValueBox<[any DurableListener]>([])

    func register(inline listener: any InlineListener) {
        inlineBox.withLockedValue { $0.append(listener) }
    }

    func register(durable listener: any DurableListener) {
        durableBox.withLockedValue { list in
            precondition(!list.contains { $0.name == listener.name }, "two durable listeners named \(listener.name)")
            list.append(listener)
        }
    }

    /// Events of each kind committed by this instance so far: the durable runner skips a
    /// listener when none of its kinds were written since its last pass (other instances' events
    /// are picked up by the runner's once-a-second pass anyway).
    private let written = NIOLockedValueBox<[EventKind: Int]>([:])
    private let passes = NIOLockedValueBox<(seen: [String: Int], full: ContinuousClock.Instant?)>(([:], nil))

    /// After a commit: note what was written and wake the durable listeners.
    func committed(_ events: [DomainEvent], app: Application) {
        guard !events.isEmpty else { return }
        written.withLockedValue { counts in
            for event in events { counts[event.kind, default: 0] += 1 }
        }
        app.jobs.kick(EventRunner.jobName)
    }

    /// How many events of `kinds` (all when empty) this instance wrote.
    func writtenCount(of kinds: Set<EventKind>) -> Int {
        written.withLockedValue { counts in kinds.isEmpty ? counts.values.reduce(0, +) : kinds.reduce(0) { $0 + (counts[$1] ?? 0) } }
    }

    /// Whether `listener` has news: something of its kinds was written here since it last read
    /// the outbox to the end (``caughtUp(_:at:)``).
    func hasNews(_ listener: any DurableListener) -> Bool {
        let count = writtenCount(of: listener.kinds)
        return passes.withLockedValue { $0.seen[listener.name] != count }
    }

    /// `listener` read the outbox to its end when this instance had written `count` of its kinds.
    func caughtUp(_ listener: any DurableListener, at count: Int) {
        passes.withLockedValue { $0.seen[listener.name] = count }
    }

    /// Starts a pass of the runner; true when a full pass (every listener) is due.
    func beginPass() -> Bool {
        let now = ContinuousClock.now
        return passes.withLockedValue { state in
            if let full = state.full, full.duration(to: now) < .seconds(1) { return false }
            state.full = now
            return true
        }
    }

    private let cursors = NIOLockedValueBox<Set<String>>([])
    func cursorKnown(_ name: String) -> Bool { cursors.withLockedValue { $0.contains(name) } }
    func noteCursor(_ name: String) { _ = cursors.withLockedValue { $0.insert(name) } }

    var inline: [any InlineListener] { inlineBox.withLockedValue { $0 } }
    var durable: [any DurableListener] { durableBox.withLockedValue { $0 } }

    /// Runs the inline listeners on the events of one committed operation, in order.
    func dispatch(_ events: [DomainEvent], app: Application) async {
        guard !events.isEmpty else { return }
        guard Self.depth < Self.maxDepth else {
            app.logger.warning("inline listeners stopped: events caused events \(Self.maxDepth) times in a row",
                               metadata: ["kinds": "\(events.map(\.kind.rawValue))", "component": "events"])
            return
        }
        await Self.$depth.withValue(Self.depth + 1) {
            for listener in inline {
                do {
                    try await listener.handle(events, app: app)
                } catch {
                    app.logger.warning("inline listener failed", metadata: [
                        "listener": "\(listener.name)", "error": "\(String(reflecting: error))", "component": "events"])
                }
            }
        }
    }
}

private struct EventBusKey: StorageKey { typealias Value = EventBus }

extension Application {
    var events: EventBus {
        get { configured(EventBusKey.self) }
        set { storage[EventBusKey.self] = newValue }
    }
}
