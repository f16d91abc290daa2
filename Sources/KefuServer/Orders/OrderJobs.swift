import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs the durable order jobs in the background: payment reminders and webhook deliveries,
/// every ``interval`` seconds and at once when kicked (a replay, a new delivery). Passes
/// never overlap on one instance; instances share the work through ``JobClaim``.
final class OrderJobs: LifecycleHandler, Sendable {
    static let interval: UInt64 = 2_000_000_000
    private let state = NIOLockedValueBox<(task: Task<Void, Never>?, wake: AsyncStream<Void>.Continuation?)>((nil, nil))

    func didBootAsync(_ app: Application) async throws {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: Self.interval)
                        continuation.yield()
                    }
                }
                group.addTask {
                    for await _ in stream {
                        if Task.isCancelled { break }
                        await Self.pass(app)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        state.withLockedValue { $0 = (task, continuation) }
    }

    /// Asks for a pass now (coalesced with one already asked for).
    func kick() {
        _ = state.withLockedValue { $0.wake }?.yield()
    }

    func shutdownAsync(_ app: Application) async {
        let (task, wake) = state.withLockedValue { state in
            defer { state = (nil, nil) }
            return state
        }
        wake?.finish()
        task?.cancel()
        await task?.value
    }

    /// One pass: claims batches until no due job is left (or 10 s passed, so the other kind gets
    /// its turn), reminders first, then webhook deliveries.
    static func pass(_ app: Application) async {
        await drain("reminders", app) { try await Reminders(app: app).runOnce() == Reminders.batch }
        await drain("webhooks", app) { try await WebhookWorker(app: app).runOnce() == WebhookWorker.batch }
    }

    private static func drain(_ component: String, _ app: Application, _ batch: () async throws -> Bool) async {
        let deadline = Date().addingTimeInterval(10)
        do {
            while try await batch(), Date() < deadline, !Task.isCancelled {}
        } catch {
            app.logger.warning("\(component) pass failed", metadata: ["error": "\(error)", "component": "\(component)"])
        }
    }
}

private struct OrderJobsKey: StorageKey { typealias Value = OrderJobs }

extension Application {
    var orderJobs: OrderJobs {
        get {
            guard let jobs = storage[OrderJobsKey.self] else { fatalError("order jobs not configured") }
            return jobs
        }
        set { storage[OrderJobsKey.self] = newValue }
    }
}
