import Fluent
import Foundation
import KefuCore
import Vapor

/// Builds the whole application from settings. The executable and the tests
/// both call `configure`; nothing else sets the application up.
public enum KefuApplication {
    /// What a test or a benchmark pins: the clock, the ids, and whether background jobs run
    /// by themselves (``JobRunner/Mode``).
    public struct Runtime: Sendable {
        public var clock: any WallClock
        public var ids: any IDSource
        public var automaticJobs: Bool

        public init(clock: any WallClock = SystemClock(), ids: any IDSource = RandomIDs(), automaticJobs: Bool = true) {
            self.clock = clock
            self.ids = ids
            self.automaticJobs = automaticJobs
        }
    }

    public static func configure(_ app: Application, settings: KefuSettings, runtime: Runtime = Runtime()) async throws {
        let directory = try ResourceLoader.locate(configured: settings.resourcesDirectory)
        app.kefu = KefuContext(settings: settings, catalogs: try ResourceLoader.catalogs(in: directory),
                               resourcesDirectory: directory, openAPIDocument: try ResourceLoader.openAPIDocument(in: directory),
                               clock: runtime.clock, ids: runtime.ids)
        MetricsRegistry.install()
        if let level = Logger.Level(rawValue: settings.logLevel) { app.logger.logLevel = level }

        app.http.server.configuration.hostname = settings.host
        app.http.server.configuration.port = settings.port
        app.http.server.configuration.reportMetrics = true
        app.http.server.configuration.shutdownTimeout = .seconds(5)
        app.routes.defaultMaxBodySize = ByteCount(value: settings.maxBodyBytes)

        app.middleware = Middlewares()
        app.middleware.use(WidgetCORSMiddleware())
        if !settings.corsOrigins.isEmpty {
            app.middleware.use(CORSMiddleware(configuration: .init(
                allowedOrigin: .any(settings.corsOrigins), allowedMethods: [.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS],
                allowedHeaders: [.accept, .authorization, .contentType, .origin, "X-CSRF-Token"], allowCredentials: true)))
        }
        app.middleware.use(KefuErrorMiddleware())
        app.middleware.use(SecurityHeadersMiddleware())
        app.middleware.use(StaticFilesMiddleware(publicDirectory: directory + "/Public/"))
        app.middleware.use(OriginCheckMiddleware(allowed: Set(settings.corsOrigins)))
        app.middleware.use(AuthenticationMiddleware())

        try DatabaseSetup.register(app, settings: settings)
        app.migrations.add(KefuMigrations.all)
        do {
            try await DatabaseSetup.prepare(app, settings: settings)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(variable: "KEFU_DATABASE_URL", message: "names a database Kefu cannot open or migrate: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))")
        }
        let store: any MessageStore
        switch settings.database {
        case .sqlite(let path): store = try SQLiteMessageStore(path: path, pragmas: DatabaseSetup.sqlitePragmas(settings))
        case .postgres: store = PostgresMessageStore(db: app.db)
        }
        let conversationDirectory = ConversationDirectory()
        app.conversationDirectory = conversationDirectory
        app.messageSearchHead = MessageSearchHead()
        app.chat = ChatService(db: app.db, store: store, directory: conversationDirectory, logger: app.logger, clock: runtime.clock, ids: runtime.ids)
        app.knowledge = KnowledgeIndex(clock: runtime.clock)
        app.routing = RoutingService(app: app)
        app.inboxes = InboxDirectory()
        app.storage[SLAPolicyCacheKey.self] = SLAPolicyCache()
        app.storage[AutomationCatalogCacheKey.self] = AutomationCatalogCache()
        app.events = EventBus()
        listeners(app.events)
        try await EventRunner.ensureCursors(app)
        let runner = JobRunner(mode: runtime.automaticJobs ? .automatic : .manual)
        jobs(runner)
        app.jobs = runner
        // Shut down in reverse: the jobs stop (and are waited for) before the sockets drain.
        app.lifecycle.use(ChatLifecycle())
        app.lifecycle.use(runner)
        try routes(app)
        app.kefu.registerDatabaseMetrics()

        app.asyncCommands.use(SetupCommand(), as: "setup")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(ImportCommand(), as: "import")
    }
}

/// The `kefu` executable's entry: read settings, build the app, run the command.
public enum KefuMain {
    /// The commands and what they do, for `kefu --help`.
    static let commands: [(name: String, summary: String)] = [
        ("serve", "start Kefu (the default) on KEFU_HOST:KEFU_PORT"),
        ("setup", "create a shop and its owner: --shop NAME --email E --password P"),
        ("demo", "create the demo shop with its team, FAQ, orders, tickets and forms"),
        ("import", "import orders or products from a platform CSV: import orders|products FILE.csv [--shop NAME]"),
        ("migrate", "bring the database up to date (also done at every start)"),
        ("routes", "list every route"),
    ]

    static var usage: String {
        let width = commands.map(\.name.count).max() ?? 0
        return "usage: kefu [command] [options]\n\ncommands:\n"
            + commands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n")
            + "\n\nSettings are KEFU_* environment variables (docs/operations.md); Kefu keeps its data in ./kefu-data by default.\n"
    }

    /// Help and unknown commands are answered before anything is opened: they create no data
    /// folder and run no migration.
    static func preflight(_ arguments: [String]) -> Int32? {
        let args = Array(arguments.dropFirst())
        if args.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "help" }) {
            FileHandle.standardOutput.write(Data(usage.utf8))
            return 0
        }
        if let command = args.first(where: { !$0.hasPrefix("-") }), !commands.contains(where: { $0.name == command }) {
            FileHandle.standardError.write(Data("kefu: unknown command '\(logBounded(command, limit: 60))'\n\n\(usage)".utf8))
            return 2
        }
        return nil
    }

    public static func run(arguments: [String]) async -> Int32 {
        if let code = preflight(arguments) { return code }
        let settings: KefuSettings
        do {
            settings = try KefuSettings.from(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data((error.line + "\n").utf8))
            return 2
        }
        let app: Application
        do {
            var env = try Environment.detect(arguments: arguments)
            try RedactingLogHandler.bootstrap(from: &env)
            app = try await Application.make(env)
        } catch {
            FileHandle.standardError.write(Data("kefu: \(error)\n".utf8))
            return 2
        }
        var code: Int32 = 0
        // Commands other than `serve` print their own progress; keep routine logs quiet
        // unless a level was asked for.
        let command = arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
        var effective = settings
        if command != "serve", ProcessInfo.processInfo.environment["KEFU_LOG_LEVEL"] == nil { effective.logLevel = "error" }
        do {
            try await KefuApplication.configure(app, settings: effective)
            try await app.execute()
            // Stopped (SIGTERM/SIGINT): refuse new sockets, close open ones with "going away"
            // and let their sessions finish, stop the HTTP server, and only then close the
            // database (Vapor's own shutdown order of server and database is not fixed).
            await app.chat.drain()
            await app.server.shutdown()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.line + "\n").utf8))
            code = 2
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("kefu: \(error.message)\n".utf8))
            code = 1
        } catch {
            FileHandle.standardError.write(Data("kefu: \(error)\n".utf8))
            code = 1
        }
        try? await app.asyncShutdown()
        return code
    }
}
