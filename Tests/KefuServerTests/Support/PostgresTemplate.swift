import Foundation
import KefuCore
@testable import KefuServer
import Logging
import NIOPosix
import PostgresKit
import Vapor
import XCTest

/// Fresh PostgreSQL databases for tests without migrating each one: the first test of the
/// run migrates a template database once; every test then gets its database dropped and
/// created anew from the template (`CREATE DATABASE … TEMPLATE`, a file copy).
actor PostgresTemplate {
    static let shared = PostgresTemplate()
    private var ready: Set<String> = []

    /// Recreates the database `url` names from its migrated template.
    func reset(_ url: String) async throws {
        guard let parts = URLComponents(string: url), let name = parts.path.split(separator: "/").last.map(String.init) else {
            throw DomainError.invalid("KEFU_TEST_DATABASE_URL", "is not a PostgreSQL URL with a database name")
        }
        let template = name + "_template"
        if !ready.contains(template) {
            try await run(["DROP DATABASE IF EXISTS \"\(template)\" WITH (FORCE)", "CREATE DATABASE \"\(template)\""], url: url)
            try await migrate(Self.url(url, database: template))
            ready.insert(template)
        }
        try await run(["DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", "CREATE DATABASE \"\(name)\" TEMPLATE \"\(template)\""], url: url)
    }

    private func migrate(_ url: String) async throws {
        let app = try await Application.make(.testing)
        do {
            var settings = try KefuSettings.from(environment: [:])
            settings.database = .postgres(url: url)
            settings.postgresPoolSize = 1
            settings.logLevel = "warning"
            try await KefuApplication.configure(app, settings: settings, runtime: .init(automaticJobs: false))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Runs statements on the server's maintenance database (`postgres`).
    private func run(_ statements: [String], url: String) async throws {
        let config = try SQLPostgresConfiguration(url: Self.url(url, database: "postgres")).coreConfiguration
        let logger = Logger(label: "kefu.tests.postgres")
        let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: config,
                                                              id: 99, logger: logger)
        do {
            for statement in statements { _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    static func url(_ url: String, database: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + database
        return parts.string ?? url
    }
}

extension TestApp {
    static func resetPostgres(_ settings: KefuSettings) async throws {
        guard case .postgres(let url) = settings.database else { return }
        try await PostgresTemplate.shared.reset(url)
    }

    /// A second Kefu instance on the same database as `settings` (no reset), with its own
    /// blocking pool as a second process would have, shut down when `testCase` ends.
    static func secondInstance(_ settings: KefuSettings, for testCase: XCTestCase, clock: (any WallClock)? = nil) async throws -> Application {
        let app = try await Application.make(.testing)
        app.threadPool = NIOThreadPool(numberOfThreads: 2)
        try await KefuApplication.configure(app, settings: settings, runtime: .init(clock: clock ?? SystemClock(), automaticJobs: false))
        testCase.addTeardownBlock {
            await app.chat.drain()
            try await app.asyncShutdown()
        }
        try await app.asyncBoot()
        return app
    }
}

extension Application {
    /// One pass of a background job (tests run jobs by hand).
    @discardableResult
    func runJob(_ name: String) async -> Bool { await jobs.run(name, app: self) }

    /// Hands every event written so far to the durable listeners.
    func drainEvents() async { await jobs.runUntilIdle(EventRunner.jobName, app: self) }
}
