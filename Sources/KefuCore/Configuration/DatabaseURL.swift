/// Where Kefu keeps its data: an SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Parses `sqlite:///absolute/path`, `sqlite://relative/path`, `sqlite:path`,
    /// `postgres://user:pass@host:port/db` and `postgresql://...`.
    public static func parse(_ raw: String) throws(ConfigurationError) -> DatabaseLocation {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            let rest = value.drop(while: { $0 != ":" }).dropFirst(3)
            guard rest.contains("/") || rest.contains("@") || !rest.isEmpty else {
                throw ConfigurationError(variable: "KEFU_DATABASE_URL", message: "a PostgreSQL URL needs a host, e.g. postgres://kefu:secret@127.0.0.1:5432/kefu")
            }
            return .postgres(url: value)
        }
        if lower.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw ConfigurationError(variable: "KEFU_DATABASE_URL", message: "an SQLite URL needs a file path, e.g. sqlite:///var/lib/kefu/kefu.sqlite")
            }
            return .sqlite(path: path)
        }
        throw ConfigurationError(variable: "KEFU_DATABASE_URL", message: "must start with sqlite:// or postgres://, got '\(raw)'")
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}

import Foundation
