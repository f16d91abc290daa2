import Fluent
import Foundation
import KefuCore
import Vapor

struct QuickPhraseDTO: Content {
    var id: UUID
    var scope: PhraseScope
    var ownerId: UUID?
    var category: String
    var shortcut: String
    var text: String
    var usageCount: Int
    var lastUsedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ p: QuickPhrase) {
        id = p.id!; scope = p.ownerID == nil ? .team : .personal; ownerId = p.ownerID; category = p.category; shortcut = p.shortcut
        text = p.text; usageCount = p.usageCount; lastUsedAt = p.lastUsedAt; createdAt = p.createdAt; updatedAt = p.updatedAt
    }
}

struct QuickPhraseListDTO: Content {
    var items: [QuickPhraseDTO]
    var categories: [String]
}

struct QuickPhraseInput: StrictContent {
    static let allowedFields: Set<String> = ["scope", "category", "shortcut", "text"]
    var scope: String?
    var category: String?
    var shortcut: String?
    var text: String?
}

struct UsePhraseRequest: StrictContent {
    static let allowedFields: Set<String> = ["conversationId"]
    var conversationId: UUID?
}

struct UsedPhraseDTO: Content {
    var text: String
    var usageCount: Int
}

struct ProposalsDTO: Content {
    struct Proposal: Content {
        var text: String
        var count: Int
    }
    var items: [Proposal]
}

/// Quick phrases (快捷短语): each member's own and the team's. Members manage their own;
/// supervisors and above manage the team's.
struct QuickPhrasesController {
    static let maxPerOwner = 1000

    func list(_ req: Request) async throws -> QuickPhraseListDTO {
        let (principal, userID) = try req.requireSessionUser()
        let all = try await visible(principal.accountID, userID, on: req.db)
        var candidates = all.map { PhraseCandidate(id: $0.id!.uuidString, shortcut: $0.shortcut, text: $0.text, category: $0.category,
                                                    usageCount: $0.usageCount, lastUsedAt: $0.lastUsedAt) }
        if let category = req.query[String.self, at: "category"], !category.isEmpty {
            candidates = candidates.filter { $0.category == category }
        }
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard q.count <= 100 else { throw DomainError.invalid("q", "q is longer than 100 characters") }
        let ranked = QuickPhraseRanking.rank(candidates, query: q, limit: min(max(req.query[Int.self, at: "limit"] ?? 500, 1), 1000))
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!.uuidString, $0) })
        return QuickPhraseListDTO(items: ranked.compactMap { byID[$0.id] }.map(QuickPhraseDTO.init),
                                  categories: Array(Set(all.map(\.category).filter { !$0.isEmpty })).sorted())
    }

    func create(_ req: Request) async throws -> Response {
        let (principal, userID) = try req.requireSessionUser()
        let input = try req.decodeStrict(QuickPhraseInput.self)
        let scope = try Self.checkScope(input.scope, principal: principal) ?? .personal
        let team = scope == .team
        let owned = try await QuickPhrase.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$ownerID == (team ? nil : userID)).count()
        guard owned < Self.maxPerOwner else { throw DomainError.conflict(nil, "at most \(Self.maxPerOwner) phrases per member and for the team") }
        let phrase = QuickPhrase(accountID: principal.accountID, ownerID: team ? nil : userID, now: req.now)
        try await apply(input, to: phrase, creating: true, now: req.now, on: req.db)
        try await phrase.create(on: req.db)
        return try await QuickPhraseDTO(phrase).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> QuickPhraseDTO {
        let (principal, userID) = try req.requireSessionUser()
        let phrase = try await editable(req, principal, userID)
        let input = try req.decodeStrict(QuickPhraseInput.self)
        if let scope = try Self.checkScope(input.scope, principal: principal) {
            phrase.ownerID = scope == .team ? nil : userID
        }
        try await apply(input, to: phrase, creating: false, now: req.now, on: req.db)
        try await phrase.save(on: req.db)
        return QuickPhraseDTO(phrase)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let (principal, userID) = try req.requireSessionUser()
        try await editable(req, principal, userID).delete(on: req.db)
        return .noContent
    }

    /// The phrase with its variables filled for a conversation; counts the use.
    func use(_ req: Request) async throws -> UsedPhraseDTO {
        let (principal, userID) = try req.requireSessionUser()
        let input = try req.decodeStrict(UsePhraseRequest.self)
        guard let id = req.parameters.get("id", as: UUID.self),
              let phrase = try await QuickPhrase.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == id).first(),
              phrase.ownerID == nil || phrase.ownerID == userID else {
            throw DomainError.notFound("quick phrase")
        }
        var values: [String: String] = [:]
        if let agent = try await User.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
            values["agent_number"] = String(agent.agentNumber)
            values["agent_name"] = agent.displayName
        }
        if let account = try await Account.query(on: req.db).filter(\.$id == principal.accountID).first() { values["shop_name"] = account.name }
        if let conversationID = input.conversationId {
            let viewer = try await Viewer.staff(principal, on: req.db)
            let conversation = try await viewer.conversation(conversationID, on: req.db)
            let contact = try await ConversationOps.contact(of: conversation, on: req.db)
            if let name = contact?.name { values["customer_name"] = name }
            if let inbox = try await ConversationOps.inbox(conversation.inboxID, accountID: principal.accountID, on: req.db) {
                values["inbox_name"] = inbox.name
            }
        }
        phrase.usageCount += 1
        phrase.lastUsedAt = req.now
        try await phrase.save(on: req.db)
        return UsedPhraseDTO(text: ReplyTemplate.render(phrase.text, values), usageCount: phrase.usageCount)
    }

    /// Replies this member typed at least three times in 30 days that are not phrases yet.
    func proposals(_ req: Request) async throws -> ProposalsDTO {
        let (principal, userID) = try req.requireSessionUser()
        let since = req.now.addingTimeInterval(-30 * 86_400)
        let replies = try await Message.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$senderType == .agent)
            .filter(\.$senderID == userID).filter(\.$isPrivate == false).filter(\.$createdAt >= since)
            .sort(\.$createdAt, .ascending).limit(5000).all(\.$text)
        let existing = try await visible(principal.accountID, userID, on: req.db).map(\.text)
        return ProposalsDTO(items: PhraseProposer.propose(replies, existing: existing).map { .init(text: $0.text, count: $0.count) })
    }

    // MARK: CSV

    static let csvHeader = ["scope", "category", "shortcut", "text"]

    func export(_ req: Request) async throws -> Response {
        let (principal, userID) = try req.requireSessionUser()
        let phrases = try await visible(principal.accountID, userID, on: req.db)
            .sorted { ($0.ownerID == nil ? 1 : 0, $0.category, $0.shortcut) < ($1.ownerID == nil ? 1 : 0, $1.category, $1.shortcut) }
        let rows = [Self.csvHeader] + phrases.map { [$0.ownerID == nil ? "team" : "personal", $0.category, $0.shortcut, $0.text] }
        let response = Response(status: .ok, body: .init(string: "\u{FEFF}" + CSV.format(rows)))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kefu-quick-phrases.csv\"")
        return response
    }

    /// CSV with the header scope,category,shortcut,text: created, or updated when a phrase with
    /// the same scope and shortcut (or, without shortcut, the same text) exists. All or nothing.
    func importCSV(_ req: Request) async throws -> ImportResultDTO {
        let (principal, userID) = try req.requireSessionUser()
        guard let buffer = req.body.data, buffer.readableBytes > 0,
              let text = String(data: Data(buffer.readableBytesView), encoding: .utf8) else {
            throw DomainError(.invalid, code: "missing_body", message: "send the CSV file (UTF-8) as the request body")
        }
        let records = try CSV.records(text)
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw DomainError(.invalid, code: "import_invalid", message: "the file is empty")
        }
        guard let textColumn = header.firstIndex(of: "text") else {
            throw DomainError(.invalid, code: "import_invalid", message: "line 1: the header needs a text column (scope,category,shortcut,text)")
        }
        let columns = CSVColumns(scope: header.firstIndex(of: "scope"), category: header.firstIndex(of: "category"),
                                 shortcut: header.firstIndex(of: "shortcut"), text: textColumn)
        let existing = try await visible(principal.accountID, userID, on: req.db)
        var prepared: [(QuickPhrase, Bool)] = []
        for record in records.dropFirst() where !record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let row = try Self.row(record, columns, existing: existing, principal: principal, userID: userID, now: req.now)
            prepared.append(row)
            guard prepared.count <= Self.maxPerOwner else {
                throw DomainError(.tooLarge, code: "too_many_phrases", message: "at most \(Self.maxPerOwner) phrases per import")
            }
        }
        let items = prepared
        try await req.db.transaction { tx in
            for (phrase, creating) in items {
                if creating { try await phrase.create(on: tx) } else { try await phrase.save(on: tx) }
            }
        }
        let created = items.filter(\.1).count
        return ImportResultDTO(created: created, updated: items.count - created)
    }

    struct CSVColumns {
        var scope: Int?
        var category: Int?
        var shortcut: Int?
        var text: Int
    }

    static func cell(_ record: CSVRecord, _ index: Int?) -> String {
        guard let index, index < record.fields.count else { return "" }
        return CSV.unprotect(record.fields[index])
    }

    /// One CSV line as a phrase to create (true) or update; errors name the line.
    static func row(_ record: CSVRecord, _ columns: CSVColumns, existing: [QuickPhrase], principal: Principal,
                    userID: UUID, now: Date) throws(DomainError) -> (QuickPhrase, Bool) {
        do {
            let rawScope = cell(record, columns.scope).lowercased()
            let scope = try checkScope(rawScope.isEmpty ? nil : rawScope, principal: principal) ?? .personal
            let owner: UUID? = scope == .team ? nil : userID
            let input = QuickPhraseInput(scope: scope.rawValue, category: cell(record, columns.category),
                                         shortcut: cell(record, columns.shortcut), text: cell(record, columns.text))
            let key = try shortcut(input.shortcut ?? "")
            let match = existing.first { $0.ownerID == owner && (key.isEmpty ? $0.text == input.text : $0.shortcut == key) }
            let phrase = match ?? QuickPhrase(accountID: principal.accountID, ownerID: owner, now: now)
            try validate(input, into: phrase, creating: match == nil, now: now)
            return (phrase, match == nil)
        } catch {
            throw DomainError(.invalid, code: "import_invalid", message: "line \(record.line): \(error.message)", field: error.field)
        }
    }

    // MARK: helpers

    private func visible(_ accountID: UUID, _ userID: UUID, on db: any Database) async throws -> [QuickPhrase] {
        try await QuickPhrase.query(on: db).filter(\.$accountID == accountID)
            .group(.or) { $0.filter(\.$ownerID == userID).filter(\.$ownerID == nil) }.all()
    }

    private func editable(_ req: Request, _ principal: Principal, _ userID: UUID) async throws -> QuickPhrase {
        guard let id = req.parameters.get("id", as: UUID.self),
              let phrase = try await QuickPhrase.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == id).first(),
              phrase.ownerID == nil || phrase.ownerID == userID else {
            throw DomainError.notFound("quick phrase")
        }
        if phrase.ownerID == nil, principal.role < .supervisor {
            throw DomainError.forbidden("team phrases are changed by supervisors, admins and owners")
        }
        return phrase
    }

    /// The scope asked for, if any, when the caller may use it (team phrases: supervisors and up).
    @discardableResult
    static func checkScope(_ raw: String?, principal: Principal) throws(DomainError) -> PhraseScope? {
        guard let raw else { return nil }
        let scope = try PhraseScope.parse(raw)
        if scope == .team, principal.role < .supervisor {
            throw DomainError(.forbidden, code: "forbidden", message: "team phrases are added by supervisors, admins and owners", field: "scope")
        }
        return scope
    }

    static func shortcut(_ raw: String) throws(DomainError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "/", with: "")
        guard value.count <= 20, value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }) else {
            throw .invalid("shortcut", "shortcut may hold a-z, 0-9, _ and - (at most 20); got '\(raw)'")
        }
        return value
    }

    static func validate(_ input: QuickPhraseInput, into phrase: QuickPhrase, creating: Bool, now: Date) throws(DomainError) {
        if creating, input.text == nil { throw .invalid("text", "text is required") }
        if let raw = input.text {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .invalid("text", "text must not be empty") }
            guard text.count <= 2000 else { throw .invalid("text", "text is longer than 2000 characters") }
            phrase.text = text
        }
        if let raw = input.category {
            let category = raw.trimmingCharacters(in: .whitespaces)
            guard category.count <= 40 else { throw .invalid("category", "category is longer than 40 characters") }
            phrase.category = category
        }
        if let raw = input.shortcut { phrase.shortcut = try shortcut(raw) }
        phrase.updatedAt = now
    }

    private func apply(_ input: QuickPhraseInput, to phrase: QuickPhrase, creating: Bool, now: Date, on db: any Database) async throws {
        try Self.validate(input, into: phrase, creating: creating, now: now)
        if !phrase.shortcut.isEmpty {
            var query = QuickPhrase.query(on: db).filter(\.$accountID == phrase.accountID).filter(\.$shortcut == phrase.shortcut)
                .filter(\.$ownerID == phrase.ownerID)
            if let id = phrase.id { query = query.filter(\.$id != id) }
            if try await query.first() != nil { throw DomainError.conflict("shortcut", "the shortcut /\(phrase.shortcut) is already used") }
        }
    }
}
