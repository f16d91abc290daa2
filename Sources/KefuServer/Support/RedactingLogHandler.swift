import KefuCore
import Logging
import Vapor

/// Wraps the console log handler: every message and metadata value passes ``LogRedaction``
/// first, whatever the level and whoever logs (Kefu, Vapor's request decoder at `trace`,
/// Fluent's queries at `debug`).
struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        inner.log(level: level, message: Logger.Message(stringLiteral: LogRedaction.redact(message.description)),
                  metadata: metadata.map { Self.redact(.dictionary($0)) }.flatMap { if case .dictionary(let d) = $0 { d } else { nil } }, source: source, file: file, function: function, line: line)
    }

    static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let s): .string(LogRedaction.redact(s))
        case .stringConvertible(let c): .string(LogRedaction.redact(c.description))
        case .array(let items): .array(items.map(redact))
        case .dictionary(let d): .dictionary(Dictionary(uniqueKeysWithValues: d.map { key, value in
            (key, LogRedaction.isSecretKey(key) ? .string(LogRedaction.mask) : redact(value))
        }))
        }
    }

    /// The console logger of `kefu`, redacting.
    static func bootstrap(from env: inout Environment) throws {
        try LoggingSystem.bootstrap(from: &env) { level in
            let console = Terminal()
            return { label in RedactingLogHandler(inner: ConsoleLogger(label: label, console: console, level: level)) }
        }
    }
}
