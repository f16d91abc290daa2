import CKefuSQLite
import Foundation
import KefuCore

/// One SQLite connection of Kefu's own, opened with SQLite's C API and used from one thread at
/// a time (its owner's queue): statements are prepared once and kept, values are bound and read
/// without Fluent, SQLKit or a thread hop per statement. The message writer runs its batches on it.
final class SQLiteLink {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var message: String
        var description: String { "SQLite error \(code): \(message)" }
    }

    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, pragmas: [String]) throws {
        var handle: OpaquePointer?
        let flags = KEFU_SQLITE_OPEN_READWRITE | KEFU_SQLITE_OPEN_CREATE | KEFU_SQLITE_OPEN_NOMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        db = handle
        guard code == KEFU_SQLITE_OK else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(handle)
            db = nil
            throw Failure(code: code, message: message)
        }
        kefu_sqlite_enable_qpsg(handle)
        for pragma in pragmas { try execute(pragma) }
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(db)
    }

    /// Runs SQL without results (BEGIN, COMMIT, pragmas).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite_nio_sqlite3_exec(db, sql, nil, nil, &error)
        guard code == KEFU_SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite_nio_sqlite3_free(error)   // SQLite's allocation: never free()
            throw Failure(code: code, message: message)
        }
    }

    /// Resets every kept statement: one left on a row would hold a read transaction (and its
    /// snapshot) open past the batch, and the next `BEGIN IMMEDIATE` would fail with
    /// SQLITE_BUSY_SNAPSHOT once another connection had committed.
    func resetAll() {
        for statement in statements.values { sqlite_nio_sqlite3_reset(statement) }
    }

    var lastError: String { db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "closed" }
    var changes: Int { Int(sqlite_nio_sqlite3_changes(db)) }

    /// The prepared statement for `sql` (prepared on first use, then reused), reset and with
    /// `binds` bound, ready to step.
    func statement(_ sql: String, _ binds: [Value]) throws -> Statement {
        let handle: OpaquePointer
        if let cached = statements[sql] {
            handle = cached
            sqlite_nio_sqlite3_reset(handle)
            sqlite_nio_sqlite3_clear_bindings(handle)
        } else {
            var prepared: OpaquePointer?
            let code = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(KEFU_SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard code == KEFU_SQLITE_OK, let prepared else { throw Failure(code: code, message: lastError) }
            statements[sql] = prepared
            handle = prepared
        }
        for (index, value) in binds.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite_nio_sqlite3_bind_null(handle, position)
            case .integer(let v): code = sqlite_nio_sqlite3_bind_int64(handle, position, v)
            case .real(let v): code = sqlite_nio_sqlite3_bind_double(handle, position, v)
            case .text(let v):
                var text = v
                code = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { kefu_sqlite_bind_text(handle, position, $0.baseAddress, Int32($0.count)) }
                }
            }
            guard code == KEFU_SQLITE_OK else { throw Failure(code: code, message: lastError) }
        }
        return Statement(handle: handle, link: self)
    }

    /// A statement run for its effect.
    func run(_ sql: String, _ binds: [Value]) throws {
        let statement = try statement(sql, binds)
        while try statement.step() {}
    }

    /// A value to bind, in the types Fluent's SQLite driver stores: UUIDs and strings as text,
    /// dates as seconds since 1970 (real), booleans as 0 / 1.
    enum Value {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)

        static func uuid(_ id: UUID?) -> Value { id.map { .text($0.uuidString) } ?? .null }
        static func date(_ date: Date?) -> Value { date.map { .real($0.timeIntervalSince1970) } ?? .null }
        static func bool(_ value: Bool) -> Value { .integer(value ? 1 : 0) }
        static func string(_ value: String?) -> Value { value.map { .text($0) } ?? .null }
        static func int(_ value: Int) -> Value { .integer(Int64(value)) }
    }

    /// A prepared statement being stepped.
    struct Statement {
        let handle: OpaquePointer
        let link: SQLiteLink

        /// True while a row is ready.
        func step() throws -> Bool {
            switch sqlite_nio_sqlite3_step(handle) {
            case KEFU_SQLITE_ROW: return true
            case KEFU_SQLITE_DONE: return false
            case let code: throw Failure(code: code, message: link.lastError)
            }
        }

        func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(handle, column) == KEFU_SQLITE_NULL }
        func int(_ column: Int32) -> Int { Int(sqlite_nio_sqlite3_column_int64(handle, column)) }
        func bool(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_int64(handle, column) != 0 }
        func double(_ column: Int32) -> Double { sqlite_nio_sqlite3_column_double(handle, column) }

        func string(_ column: Int32) -> String? {
            guard let text = sqlite_nio_sqlite3_column_text(handle, column) else { return nil }
            let count = Int(sqlite_nio_sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }

        func uuid(_ column: Int32) -> UUID? { string(column).flatMap(UUID.init(uuidString:)) }

        /// A date as Fluent stores it (seconds since 1970), rounded to microseconds like the driver.
        func date(_ column: Int32) -> Date? {
            guard !isNull(column) else { return nil }
            let value = double(column) - Date.timeIntervalBetween1970AndReferenceDate
            return Date(timeIntervalSinceReferenceDate: (value * 1e6).rounded() / 1e6)
        }
    }
}
