import Foundation

/// A configuration value that is missing or wrong. Start-up stops with `line`.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var variable: String
    public var message: String
    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }
    /// The one line printed when start-up stops.
    public var line: String { "kefu: configuration error: \(variable) \(message)" }
    public var description: String { line }
}

/// Every setting of a Kefu process, read once at start from `KEFU_*` variables
/// (and flags, which the executable turns into the same keys).
public struct KefuSettings: Equatable, Sendable {
    public enum SQLiteSynchronous: String, Sendable, Equatable {
        case normal = "NORMAL"
        case full = "FULL"
    }

    public var database: DatabaseLocation
    public var host: String
    public var port: Int
    public var sqliteSynchronous: SQLiteSynchronous
    /// Milliseconds an SQLite connection waits for a lock before failing.
    public var sqliteBusyTimeoutMilliseconds: Int
    /// The URL users reach Kefu at; `https` makes cookies `Secure`.
    public var publicURL: String?
    /// Cookies carry `Secure` (set when Kefu is served over TLS).
    public var secureCookies: Bool
    /// Origins allowed to call the API from a browser (CORS); empty means none.
    public var corsOrigins: [String]
    /// Largest accepted request body in bytes.
    public var maxBodyBytes: Int
    public var loginLimitPerIP: RateLimit
    public var loginLimitPerAccount: RateLimit
    /// Hours a sign-in session lasts without use.
    public var sessionIdleHours: Int
    public var logLevel: String
    /// Folder holding `Public/` and `Resources/`; detected when not set.
    public var resourcesDirectory: String?
    /// PostgreSQL connections per event loop.
    public var postgresPoolSize: Int
    /// bcrypt cost factor for stored passwords (each step doubles the work).
    public var bcryptCost: Int = 12
    /// Whether webhooks may go to loopback, private and link-local addresses (off: refused,
    /// except the built-in demo platform on Kefu's own address).
    public var webhooksAllowPrivate: Bool = false
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` name the client (none by default).
    public var trustedProxies = TrustedProxies()
    /// A bearer token `GET /metrics` requires; nil: open to whoever reaches the port.
    public var metricsToken: String?

    public struct RateLimit: Equatable, Sendable, CustomStringConvertible {
        public var limit: Int
        public var windowSeconds: Int
        public init(limit: Int, windowSeconds: Int) {
            self.limit = limit
            self.windowSeconds = windowSeconds
        }
        public var description: String { "\(limit)/\(windowSeconds)s" }
    }

    public static let defaultDatabasePath = "./kefu-data/kefu.sqlite"

    /// Reads the settings from an environment. Unknown `KEFU_*` names are an error
    /// too, so a typo never silently falls back to a default.
    public static func from(environment env: [String: String]) throws(ConfigurationError) -> KefuSettings {
        let known: Set<String> = [
            "KEFU_DATABASE_URL", "KEFU_HOST", "KEFU_PORT", "KEFU_SQLITE_SYNCHRONOUS", "KEFU_SQLITE_BUSY_TIMEOUT_MS",
            "KEFU_PUBLIC_URL", "KEFU_SECURE_COOKIES", "KEFU_CORS_ORIGINS", "KEFU_MAX_BODY_BYTES",
            "KEFU_LOGIN_LIMIT_IP", "KEFU_LOGIN_LIMIT_ACCOUNT", "KEFU_SESSION_IDLE_HOURS", "KEFU_LOG_LEVEL",
            "KEFU_RESOURCES_DIR", "KEFU_POSTGRES_POOL_SIZE", "KEFU_BCRYPT_COST", "KEFU_TEST_DATABASE_URL",
            "KEFU_WEBHOOKS_ALLOW_PRIVATE", "KEFU_TRUSTED_PROXIES", "KEFU_METRICS_TOKEN",
        ]
        if let unknown = env.keys.filter({ $0.hasPrefix("KEFU_") && !known.contains($0) }).sorted().first {
            throw ConfigurationError(variable: unknown, message: "is not a Kefu setting (known: \(known.sorted().joined(separator: ", ")))")
        }

        var settings = KefuSettings(
            database: .sqlite(path: defaultDatabasePath), host: "127.0.0.1", port: 8080,
            sqliteSynchronous: .normal, sqliteBusyTimeoutMilliseconds: 5000, publicURL: nil, secureCookies: false,
            corsOrigins: [], maxBodyBytes: 1 << 20,
            loginLimitPerIP: .init(limit: 20, windowSeconds: 300),
            loginLimitPerAccount: .init(limit: 5, windowSeconds: 900),
            sessionIdleHours: 24 * 7, logLevel: "info", resourcesDirectory: nil, postgresPoolSize: 8
        )
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let raw = value(name) else { return nil }
            guard let n = Int(raw), range.contains(n) else {
                throw ConfigurationError(variable: name, message: "must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
            }
            return n
        }
        func rateLimit(_ name: String) throws(ConfigurationError) -> RateLimit? {
            guard let raw = value(name) else { return nil }
            let parts = raw.split(separator: "/")
            guard parts.count == 2, let n = Int(parts[0]), let s = Int(parts[1]), n > 0, s > 0 else {
                throw ConfigurationError(variable: name, message: "must look like ATTEMPTS/SECONDS, e.g. 5/900, got '\(raw)'")
            }
            return RateLimit(limit: n, windowSeconds: s)
        }

        if let raw = value("KEFU_DATABASE_URL") { settings.database = try DatabaseLocation.parse(raw) }
        if let host = value("KEFU_HOST") { settings.host = host }
        if let port = try integer("KEFU_PORT", in: 1...65535) { settings.port = port }
        if let raw = value("KEFU_SQLITE_SYNCHRONOUS") {
            guard let mode = SQLiteSynchronous(rawValue: raw.uppercased()) else {
                throw ConfigurationError(variable: "KEFU_SQLITE_SYNCHRONOUS", message: "must be 'normal' or 'full', got '\(raw)'")
            }
            settings.sqliteSynchronous = mode
        }
        if let ms = try integer("KEFU_SQLITE_BUSY_TIMEOUT_MS", in: 1...600_000) { settings.sqliteBusyTimeoutMilliseconds = ms }
        if let url = value("KEFU_PUBLIC_URL") {
            let lower = url.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw ConfigurationError(variable: "KEFU_PUBLIC_URL", message: "must start with http:// or https://, got '\(url)'")
            }
            settings.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            settings.secureCookies = lower.hasPrefix("https://")
        }
        if let raw = value("KEFU_SECURE_COOKIES") {
            switch raw.lowercased() {
            case "1", "true", "yes", "on": settings.secureCookies = true
            case "0", "false", "no", "off": settings.secureCookies = false
            default: throw ConfigurationError(variable: "KEFU_SECURE_COOKIES", message: "must be true or false, got '\(raw)'")
            }
        }
        if let raw = value("KEFU_CORS_ORIGINS") {
            let origins = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = origins.first(where: { !($0.hasPrefix("http://") || $0.hasPrefix("https://")) || $0.hasSuffix("/") }) {
                throw ConfigurationError(variable: "KEFU_CORS_ORIGINS", message: "must list origins like https://shop.example.com (no path), got '\(bad)'")
            }
            settings.corsOrigins = origins
        }
        if let bytes = try integer("KEFU_MAX_BODY_BYTES", in: 1024...(512 << 20)) { settings.maxBodyBytes = bytes }
        if let limit = try rateLimit("KEFU_LOGIN_LIMIT_IP") { settings.loginLimitPerIP = limit }
        if let limit = try rateLimit("KEFU_LOGIN_LIMIT_ACCOUNT") { settings.loginLimitPerAccount = limit }
        if let hours = try integer("KEFU_SESSION_IDLE_HOURS", in: 1...(24 * 365)) { settings.sessionIdleHours = hours }
        if let level = value("KEFU_LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level.lowercased()) else {
                throw ConfigurationError(variable: "KEFU_LOG_LEVEL", message: "must be one of \(levels.joined(separator: ", ")), got '\(level)'")
            }
            settings.logLevel = level.lowercased()
        }
        if let dir = value("KEFU_RESOURCES_DIR") { settings.resourcesDirectory = dir }
        if let size = try integer("KEFU_POSTGRES_POOL_SIZE", in: 1...256) { settings.postgresPoolSize = size }
        if let cost = try integer("KEFU_BCRYPT_COST", in: 4...16) { settings.bcryptCost = cost }
        if let raw = value("KEFU_WEBHOOKS_ALLOW_PRIVATE") {
            switch raw.lowercased() {
            case "1", "true", "yes", "on": settings.webhooksAllowPrivate = true
            case "0", "false", "no", "off": settings.webhooksAllowPrivate = false
            default: throw ConfigurationError(variable: "KEFU_WEBHOOKS_ALLOW_PRIVATE", message: "must be true or false, got '\(raw)'")
            }
        }
        if let raw = value("KEFU_TRUSTED_PROXIES") { settings.trustedProxies = try TrustedProxies.parse(raw) }
        if let token = value("KEFU_METRICS_TOKEN") {
            guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ConfigurationError(variable: "KEFU_METRICS_TOKEN", message: "must be at least 16 printable ASCII characters without spaces")
            }
            settings.metricsToken = token
        }
        return settings
    }
}
