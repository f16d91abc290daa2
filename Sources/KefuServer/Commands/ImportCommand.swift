import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// `kefu import orders|products FILE [--shop NAME_OR_ID] [--time-zone ZONE]`: the CSV import
/// of the API from the command line, with a progress bar. All or nothing, like the API.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "orders or products")
        var kind: String
        @Argument(name: "file", help: "The CSV file (UTF-8, header row first)")
        var file: String
        @Option(name: "shop", help: "The shop's name or account id (needed when there are several shops)")
        var shop: String?
        @Option(name: "time-zone", help: "Time zone of order times written without an offset (default Asia/Shanghai)")
        var timeZone: String?
        init() {}
    }

    var help: String { "Import orders or products from a CSV file (see docs/api.md for the columns)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let kind = OrderImport.Kind(rawValue: signature.kind) else {
            throw DomainError.invalid("kind", "say what the file holds: kefu import orders FILE or kefu import products FILE")
        }
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            throw DomainError.invalid("file", "cannot read \(signature.file)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DomainError.invalid("file", "\(signature.file) is not UTF-8 text") }
        let zoneName = signature.timeZone ?? "Asia/Shanghai"
        guard let zone = TimeZone(identifier: zoneName) else { throw DomainError.invalid("time-zone", "unknown time zone '\(zoneName)'") }
        let app = context.application
        let account = try await Self.shop(signature.shop, on: app.db)
        let console = context.console
        let progress = ImportProgress(kind: kind.rawValue, console: console)
        let result = try await OrderImport.run(kind, csv: text, accountID: account.id!, timeZone: zone, by: .system, app: app) { done, total in
            progress.update(done, total)
        }
        try await AuditLog.recordSystem("\(kind == .orders ? "order" : "product").import", accountID: account.id!, target: kind.rawValue, id: nil,
                                        details: ["records": String(result.records), "created": String(result.created),
                                                  "updated": String(result.updated), "file": signature.file], at: app.kefu.clock.now(), on: app.db)
        console.print("Imported \(result.records) \(kind.rawValue) into \"\(account.name)\": \(result.created) new, "
                      + "\(result.updated) updated, \(result.unchanged) unchanged.")
    }

    static func shop(_ given: String?, on db: any Database) async throws -> Account {
        if let given {
            if let id = UUID(uuidString: given), let account = try await Account.find(id, on: db) { return account }
            let named = try await Account.query(on: db).filter(\.$name == given).all()
            guard named.count == 1 else {
                throw DomainError.invalid("shop", named.isEmpty ? "no shop is called '\(given)'" : "several shops are called '\(given)'; give the account id")
            }
            return named[0]
        }
        let all = try await Account.query(on: db).limit(2).all()
        guard all.count == 1 else {
            throw DomainError.invalid("shop", all.isEmpty ? "there is no shop yet: run kefu setup or kefu demo first"
                                                         : "there are several shops: name one with --shop")
        }
        return all[0]
    }
}

/// A progress bar on a terminal ("orders [██████░░░░] 600/1000"), a line every 10 % otherwise.
final class ImportProgress: Sendable {
    private let kind: String
    private let console: any Console
    private let lastTenth = NIOLockedValueBox(-1)
    private let terminal = isatty(STDOUT_FILENO) == 1

    init(kind: String, console: any Console) {
        self.kind = kind
        self.console = console
    }

    func update(_ done: Int, _ total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        if terminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
            console.output("\r\(kind) [\(bar)] \(done)/\(total)".consoleText(), newLine: done == total)
            return
        }
        let tenth = Int(fraction * 10)
        let report = lastTenth.withLockedValue { last in
            defer { last = max(last, tenth) }
            return tenth > last
        }
        if report { console.print("\(kind): \(done)/\(total) (\(tenth * 10) %)") }
    }
}
