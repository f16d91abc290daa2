import Fluent
import Foundation
import KefuCore
import Vapor

/// CSV import of orders and products, all or nothing: every row is validated first (the
/// first error names its line), then all are written in one transaction; a lifecycle move
/// an existing order does not allow rolls the whole file back. `progress` is called every
/// 100 records (the CLI draws a bar with it).
enum OrderImport {
    enum Kind: String { case orders, products }

    struct Result: Content {
        var kind: String
        var records: Int
        var created: Int
        var updated: Int
        var unchanged: Int
    }

    static func run(_ kind: Kind, csv: String, accountID: UUID, timeZone: TimeZone, by actor: EventActor, app: Application,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Result {
        switch kind {
        case .products:
            let rows = try ProductCSV.parse(csv)
            let valid = try rows.map { row throws(DomainError) in try located(row.line) { () throws(DomainError) in try row.upsert.validated(externalId: row.externalId) } }
            return try await write(kind, count: valid.count, app: app, progress: progress) { index, unit in
                let (_, created, changed) = try await OrderStore.apply(valid[index], accountID: accountID, now: unit.now, on: unit.db)
                return created ? .created : changed ? .updated : .unchanged
            } lineOf: { rows[$0].line }
        case .orders:
            let rows = try OrderCSV.parse(csv, timeZone: timeZone)
            let valid = try rows.map { row throws(DomainError) in try located(row.line) { () throws(DomainError) in try row.upsert.validated(externalId: row.externalId) } }
            return try await write(kind, count: valid.count, app: app, progress: progress) { index, unit in
                let result = try await OrderStore.apply(valid[index], accountID: accountID, by: actor, imported: true, in: unit)
                return result.created ? .created : result.changed ? .updated : .unchanged
            } lineOf: { rows[$0].line }
        }
    }

    enum Outcome { case created, updated, unchanged }

    private static func write(_ kind: Kind, count: Int, app: Application, progress: @escaping @Sendable (Int, Int) -> Void,
                              _ apply: @escaping @Sendable (Int, UnitOfWork) async throws -> Outcome,
                              lineOf: @escaping @Sendable (Int) -> Int) async throws -> Result {
        guard count <= 100_000 else { throw DomainError.invalid("file", "a file holds at most 100000 records, this one \(count)") }
        return try await app.write { unit in
            var result = Result(kind: kind.rawValue, records: count, created: 0, updated: 0, unchanged: 0)
            for index in 0..<count {
                let outcome: Outcome
                do {
                    outcome = try await apply(index, unit)
                } catch let error as DomainError {
                    throw DomainError(error.kind, code: error.code, message: "line \(lineOf(index)): \(error.message)", field: error.field)
                }
                switch outcome {
                case .created: result.created += 1
                case .updated: result.updated += 1
                case .unchanged: result.unchanged += 1
                }
                if (index + 1) % 100 == 0 || index + 1 == count { progress(index + 1, count) }
            }
            return result
        }
    }

    private static func located<T>(_ line: Int, _ body: () throws(DomainError) -> T) throws(DomainError) -> T {
        do {
            return try body()
        } catch {
            throw DomainError(error.kind, code: error.code, message: "line \(line): \(error.message)", field: error.field)
        }
    }
}

/// `POST /api/v1/orders/import` and `/api/v1/products/import` (text/csv body; `timeZone`
/// for order times without an offset).
struct OrderImportController {
    func importOrders(_ req: Request) async throws -> OrderImport.Result { try await run(.orders, req) }
    func importProducts(_ req: Request) async throws -> OrderImport.Result { try await run(.products, req) }

    private func run(_ kind: OrderImport.Kind, _ req: Request) async throws -> OrderImport.Result {
        let principal = try req.requirePrincipal()
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw DomainError(.invalid, code: "missing_body", message: "send the CSV file as the request body")
        }
        guard let text = String(bytes: buffer.readableBytesView, encoding: .utf8) else {
            throw DomainError.invalid("file", "the file is not UTF-8 text")
        }
        let zoneName = req.query[String.self, at: "timeZone"] ?? "Asia/Shanghai"
        guard let zone = TimeZone(identifier: zoneName) else { throw DomainError.invalid("timeZone", "unknown time zone '\(zoneName)'") }
        let result = try await OrderImport.run(kind, csv: text, accountID: principal.accountID, timeZone: zone, by: principal.actor,
                                               app: req.application)
        try await AuditLog.record("\(kind == .orders ? "order" : "product").import", target: kind.rawValue, id: nil,
                                  details: ["records": String(result.records), "created": String(result.created), "updated": String(result.updated)],
                                  by: principal, ip: req.clientIP, at: req.now, on: req.db)
        return result
    }
}
