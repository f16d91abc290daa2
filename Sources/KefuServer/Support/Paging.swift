import KefuCore
import Vapor

/// The `limit` query parameter of list endpoints: an integer in 1...max, a clear 400 otherwise.
enum Paging {
    static func limit(_ req: Request, default value: Int, max: Int) throws -> Int {
        try limit(req.query[String.self, at: "limit"], default: value, max: max)
    }

    static func limit(_ raw: String?, default value: Int, max: Int) throws(DomainError) -> Int {
        guard let raw else { return value }
        guard let n = Int(raw), (1...max).contains(n) else {
            throw DomainError.invalid("limit", "limit must be an integer from 1 to \(max), got '\(raw)'")
        }
        return n
    }
}
