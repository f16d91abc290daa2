import Fluent
import FluentPostgresDriver
import Foundation
import KefuCore
import PostgresKit
import Vapor

/// Starts and stops the cluster bus (PostgreSQL) with the server, and drains the sockets at
/// shutdown. Timed work is in the job runner (Application/jobs.swift).
final class ChatLifecycle: LifecycleHandler, Sendable {
    func didBootAsync(_ app: Application) async throws {
        if case .postgres(let url) = app.kefu.settings.database {
            let config = try SQLPostgresConfiguration(url: url)
            let chat = app.chat, inboxes = app.inboxes
            let bus = ClusterBus(configuration: config.coreConfiguration, eventLoopGroup: app.eventLoopGroup,
                                 logger: app.logger) { event in
                if event.kind == .inbox, let id = event.inboxID { inboxes.forget(id) } else { await chat.receive(event) }
            }
            chat.attach(bus: bus)
            inboxes.announceChanges { id, accountID in
                bus.notify(BusEvent(kind: .inbox, origin: bus.instanceID, accountID: accountID, inboxID: id))
            }
            bus.start()
        }
    }

    func shutdownAsync(_ app: Application) async {
        await app.chat.drain()
        app.chat.bus?.shutdown()
    }
}
