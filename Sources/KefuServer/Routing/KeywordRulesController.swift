import Fluent
import Foundation
import KefuCore
import Vapor

struct KeywordRuleDTO: Content {
    var id: UUID
    var inboxId: UUID
    var keywords: [String]
    var match: KeywordMatch
    var locale: String?
    var reply: String
    var priority: Int
    var cooldownSeconds: Int
    var active: Bool
    var createdAt: Date

    init(_ r: KeywordRule) {
        id = r.id!; inboxId = r.inboxID; keywords = r.keywords; match = KeywordMatch(rawValue: r.match) ?? .contains
        locale = r.locale; reply = r.reply; priority = r.priority; cooldownSeconds = r.cooldownSeconds; active = r.active; createdAt = r.createdAt
    }
}

struct KeywordRuleInput: StrictContent {
    static let allowedFields: Set<String> = ["keywords", "match", "locale", "reply", "priority", "cooldownSeconds", "active"]
    var keywords: [String]?
    var match: String?
    var locale: String??
    var reply: String?
    var priority: Int?
    var cooldownSeconds: Int?
    var active: Bool?

    enum CodingKeys: String, CodingKey { case keywords, match, locale, reply, priority, cooldownSeconds, active }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords)
        match = try c.decodeIfPresent(String.self, forKey: .match)
        if c.contains(.locale) { locale = .some(try c.decodeIfPresent(String.self, forKey: .locale)) }
        reply = try c.decodeIfPresent(String.self, forKey: .reply)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        cooldownSeconds = try c.decodeIfPresent(Int.self, forKey: .cooldownSeconds)
        active = try c.decodeIfPresent(Bool.self, forKey: .active)
    }

    func apply(to rule: KeywordRule, creating: Bool, now: Date) throws(DomainError) {
        if creating {
            if keywords == nil { throw .invalid("keywords", "keywords are required") }
            if reply == nil { throw .invalid("reply", "reply is required") }
        }
        if let raw = keywords {
            let list = try ArticleRules.list(raw, field: "keywords")
            guard !list.isEmpty, list.count <= 20 else { throw .invalid("keywords", "give 1 to 20 keywords") }
            guard list.allSatisfy({ $0.count <= 50 }) else { throw .invalid("keywords", "a keyword is longer than 50 characters") }
            rule.keywords = list
        }
        if let raw = match { rule.match = try KeywordMatch.parse(raw).rawValue }
        if let raw = locale { rule.locale = try raw.map { value throws(DomainError) in try ArticleRules.locale(value) } }
        if let raw = reply {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .invalid("reply", "reply must not be empty") }
            guard text.count <= 2000 else { throw .invalid("reply", "reply is longer than 2000 characters") }
            rule.reply = text
        }
        if let n = priority {
            guard (-1000...1000).contains(n) else { throw .invalid("priority", "priority must be between -1000 and 1000") }
            rule.priority = n
        }
        if let n = cooldownSeconds {
            guard (0...86_400).contains(n) else { throw .invalid("cooldownSeconds", "cooldownSeconds must be between 0 and 86400") }
            rule.cooldownSeconds = n
        }
        if let b = active { rule.active = b }
        rule.updatedAt = now
    }
}

struct KeywordTestRequest: StrictContent {
    static let allowedFields: Set<String> = ["text", "locale"]
    var text: String
    var locale: String?
}

struct KeywordTestDTO: Content {
    var matched: KeywordRuleDTO?
}

/// Keyword auto-replies of an inbox (`/api/v1/inboxes/{id}/keyword-rules`); editors change them.
struct KeywordRulesController {
    func list(_ req: Request) async throws -> ItemsDTO<KeywordRuleDTO> {
        let principal = try req.requirePrincipal()
        let inbox = try await InboxesController.find(req, principal)
        let rules = try await KeywordRule.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$inboxID == inbox.id!)
            .sort(\.$priority, .descending).sort(\.$createdAt).all()
        return ItemsDTO(items: rules.map(KeywordRuleDTO.init))
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let inbox = try await InboxesController.find(req, principal)
        let input = try req.decodeStrict(KeywordRuleInput.self)
        let count = try await KeywordRule.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$inboxID == inbox.id!).count()
        guard count < 200 else { throw DomainError.conflict(nil, "an inbox can have at most 200 keyword rules") }
        let rule = KeywordRule(accountID: principal.accountID, inboxID: inbox.id!, now: req.now)
        try input.apply(to: rule, creating: true, now: req.now)
        try await save(rule, action: "keyword_rule.create", principal, req)
        return try await KeywordRuleDTO(rule).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> KeywordRuleDTO {
        let principal = try req.requirePrincipal()
        let rule = try await find(req, principal)
        try req.decodeStrict(KeywordRuleInput.self).apply(to: rule, creating: false, now: req.now)
        try await save(rule, action: "keyword_rule.update", principal, req)
        return KeywordRuleDTO(rule)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let principal = try req.requirePrincipal()
        let rule = try await find(req, principal)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await rule.delete(on: tx)
            try await AuditLog.record("keyword_rule.delete", target: "keyword_rule", id: rule.id!.uuidString,
                                      details: ["keywords": rule.keywords.joined(separator: ",")], by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.inboxes.changed(rule.inboxID, accountID: rule.accountID)
        return .noContent
    }

    /// Which rule would answer `text` (the editor's "try it").
    func test(_ req: Request) async throws -> KeywordTestDTO {
        let principal = try req.requirePrincipal()
        let inbox = try await InboxesController.find(req, principal)
        let input = try req.decodeStrict(KeywordTestRequest.self)
        guard input.text.count <= ChatLimits.maxTextCharacters else { throw DomainError.invalid("text", "text is too long") }
        let locale = try input.locale.map { raw throws(DomainError) in try ArticleRules.locale(raw) }
        let rules = try await KeywordRule.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$inboxID == inbox.id!)
            .filter(\.$active == true).all()
        let spec = KeywordMatcher(rules: rules.map(\.spec)).match(input.text, locale: locale, now: req.now)
        return KeywordTestDTO(matched: spec.flatMap { s in rules.first { $0.id?.uuidString == s.id } }.map(KeywordRuleDTO.init))
    }

    private func find(_ req: Request, _ principal: Principal) async throws -> KeywordRule {
        let inbox = try await InboxesController.find(req, principal)
        guard let id = req.parameters.get("ruleID", as: UUID.self),
              let rule = try await KeywordRule.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$inboxID == inbox.id!).filter(\.$id == id).first() else {
            throw DomainError.notFound("keyword rule")
        }
        return rule
    }

    private func save(_ rule: KeywordRule, action: String, _ principal: Principal, _ req: Request) async throws {
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await rule.save(on: tx)
            try await AuditLog.record(action, target: "keyword_rule", id: rule.id!.uuidString,
                                      details: ["keywords": rule.keywords.joined(separator: ",")], by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.inboxes.changed(rule.inboxID, accountID: rule.accountID)
    }
}
