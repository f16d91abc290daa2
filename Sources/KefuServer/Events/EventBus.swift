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
