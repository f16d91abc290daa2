import Fluent
import FluentPostgresDriver
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import PostgresKit
import Vapor

/// Starts and stops the background parts of live chat with the server: the
/// cluster bus (PostgreSQL), the job that wakes snoozed conversations, and the routing sweep.
final class ChatLifecycle: LifecycleHandler, Sendable {
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])

    func didBootAsync(_ app: Application) async throws {
        if case .postgres(let url) = app.kefu.settings.database {
            let config = try SQLPostgresConfiguration(url: url)
            let chat = app.chat
            let bus = ClusterBus(configuration: config.coreConfiguration, eventLoopGroup: app.eventLoopGroup,
                                 logger: app.logger) { event in await chat.receive(event) }
            chat.attach(bus: bus)
            bus.start()
        }
        let waker = Task { [app] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                if Task.isCancelled { break }
                await Self.wakeSnoozed(app)
            }
        }
        let routing = app.routing
        let sweeper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                if Task.isCancelled { break }
                await routing.sweep()
            }
        }
        tasks.withLockedValue { $0.append(contentsOf: [waker, sweeper]) }
    }

    func shutdownAsync(_ app: Application) async {
        let running = tasks.withLockedValue { tasks in
            tasks.forEach { $0.cancel() }
            return tasks
        }
        for task in running { await task.value }
        await app.routing.stop()
        await app.chat.drain()
        app.chat.bus?.shutdown()
    }

    /// Reopens snoozed conversations whose time has come.
    static func wakeSnoozed(_ app: Application) async {
        do {
            let due = try await Conversation.query(on: app.db).filter(\.$status == .snoozed)
                .filter(\.$snoozedUntil <= Date()).limit(500).all()
            for conversation in due {
                conversation.status = .open
                conversation.snoozedUntil = nil
                conversation.updatedAt = Date()
                try await conversation.save(on: app.db)
                app.chat.conversationChanged(conversation, contact: try await ConversationOps.contact(of: conversation, on: app.db))
            }
        } catch {
            app.logger.warning("waking snoozed conversations failed", metadata: ["error": "\(error)", "component": "snooze"])
        }
    }
}
