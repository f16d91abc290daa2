import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// A background job: run every `interval` seconds and whenever kicked. `run` answers
/// whether more work is waiting (then it runs again at once, up to ``JobRunner/maxRounds``).
struct Job: Sendable {
    var name: String
    var interval: TimeInterval
    var run: @Sendable (Application, Date) async throws -> Bool
}

/// The one runner of Kefu's background work (routing sweep, durable events, reminders,
/// webhooks, snoozes …; the list is Application/jobs.swift). In `.automatic` mode each job
/// loops on its own task from boot to shutdown, never overlapping itself. In `.manual` mode
/// (tests) nothing runs by itself: a test calls ``run(_:)`` when it wants a pass, with the
/// application's clock set where it wants it. Shutdown cancels the loops and waits for them.
final class JobRunner: LifecycleHandler, Sendable {
    enum Mode: Sendable { case automatic, manual }
    static let maxRounds = 50

    let mode: Mode
    private struct State {
        var jobs: [String: Job] = [:]
        var order: [String] = []
        var wakes: [String: AsyncStream<Void>.Continuation] = [:]
        var tasks: [Task<Void, Never>] = []
        var stopped = false
        /// A pass asked for at a moment (``wake(_:at:now:)``): the earliest one per job.
        var alarms: [String: (at: Date, task: Task<Void, Never>)] = [:]
    }
    private let state = NIOLockedValueBox(State())
    /// One pass of a job at a time, also for manual runs.
    private let running = NIOLockedValueBox<[String: Task<Bool, Never>]>([:])

    init(mode: Mode) {
        self.mode = mode
    }

    func register(_ job: Job) {
        state.withLockedValue { s in
            precondition(s.jobs[job.name] == nil, "two jobs named \(job.name)")
            s.jobs[job.name] = job
            s.order.append(job.name)
        }
    }

    var names: [String] { state.withLockedValue { $0.order } }

    /// Asks for a pass of `name` now (coalesced with one already asked for). Nothing in manual mode.
    func kick(_ name: String) {
        _ = state.withLockedValue { $0.wakes[name] }?.yield()
    }

    /// Asks for a pass of `name` at the moment `at` (the application's clock reads `now`): for
    /// work due at an exact time (SLA warnings and breaches), between the job's regular passes.
    /// Only the earliest alarm of a job is kept. Nothing in manual mode.
    func wake(_ name: String, at: Date, now: Date) {
        guard mode == .automatic else { return }
        let delay = max(0, at.timeIntervalSince(now))
        state.withLockedValue { s in
            guard !s.stopped, let wake = s.wakes[name] else { return }
            if let alarm = s.alarms[name], alarm.at <= at { return }
            s.alarms[name]?.task.cancel()
            let task = Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                guard !Task.isCancelled else { return }
                self?.state.withLockedValue { s in if s.alarms[name]?.at == at { s.alarms[name] = nil } }
                wake.yield()
            }
            s.alarms[name] = (at, task)
        }
    }

    /// One pass of `name` (after the one running, if any); true when more work is waiting.
    @discardableResult
    func run(_ name: String, app: Application) async -> Bool {
        guard let job = state.withLockedValue({ $0.jobs[name] }) else {
            preconditionFailure("no job named \(name)")
        }
        let previous = running.withLockedValue { $0[name] }
        let task = Task<Bool, Never> {
            _ = await previous?.value
            do {
                return try await job.run(app, app.kefu.clock.now())
            } catch {
                app.logger.warning("job failed", metadata: ["job": "\(name)", "error": "\(String(reflecting: error))", "component": "jobs"])
                return false
            }
        }
        running.withLockedValue { $0[name] = task }
        let more = await task.value
        running.withLockedValue { if $0[name] == task { $0[name] = nil } }
        return more
    }

    /// Runs `name` until it reports no more work (tests: drain the outbox, send every due job).
    func runUntilIdle(_ name: String, app: Application) async {
        for _ in 0..<Self.maxRounds where await run(name, app: app) {}
    }

    // MARK: lifecycle

    func didBootAsync(_ app: Application) async throws {
        guard mode == .automatic else { return }
        for name in names {
            guard let job = state.withLockedValue({ $0.jobs[name] }) else { continue }
            let (stream, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            let task = Task { [weak self] in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let nanos = UInt64(job.interval * 1_000_000_000)
                        while !Task.isCancelled {
                            try? await Task.sleep(nanoseconds: nanos)
                            wake.yield()
                        }
                    }
                    group.addTask {
                        for await _ in stream {
                            guard let self, !Task.isCancelled else { break }
                            for _ in 0..<Self.maxRounds {
                                guard await self.run(name, app: app), !Task.isCancelled else { break }
                            }
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
            state.withLockedValue { s in
                s.wakes[name] = wake
                s.tasks.append(task)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        let (tasks, wakes) = state.withLockedValue { s in
            s.stopped = true
            s.alarms.values.forEach { $0.task.cancel() }
            defer { s.tasks = []; s.wakes = [:]; s.alarms = [:] }
            return (s.tasks, Array(s.wakes.values))
        }
        wakes.forEach { $0.finish() }
        tasks.forEach { $0.cancel() }
        for task in tasks { await task.value }
        for task in running.withLockedValue({ Array($0.values) }) { _ = await task.value }
    }
}

private struct JobRunnerKey: StorageKey { typealias Value = JobRunner }

extension Application {
    var jobs: JobRunner {
        get { configured(JobRunnerKey.self) }
        set { storage[JobRunnerKey.self] = newValue }
    }
}
