import Foundation

/// A string a client chose, cut for a log line: at most `limit` characters and its full length.
func logBounded(_ value: String, limit: Int = 200) -> String {
    value.count <= limit ? value : String(value.prefix(limit)) + "…(\(value.utf8.count) bytes)"
}
