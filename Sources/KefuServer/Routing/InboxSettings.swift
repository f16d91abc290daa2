import Fluent
import Foundation
import KefuCore
import Vapor

/// An inbox's automatic replies: one template per language for each occasion. An empty
/// template (or no entry for any language) turns that reply off.
struct AutoReplies: Codable, Equatable, Sendable {
    var greeting: [String: String] = [:]
    var queuedGreeting: [String: String] = [:]
    var awayReply: [String: String] = [:]
    var closedReply: [String: String] = [:]

    /// Kefu's standard texts in the four languages (new inboxes start with these).
    static func standard(_ catalogs: [UILocale: MessageCatalog]) -> AutoReplies {
        func map(_ key: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: catalogs.map { ($0.key.rawValue, $0.value.text(key)) })
        }
        return AutoReplies(greeting: map("routing.auto.greeting"), queuedGreeting: map("routing.auto.queued"), awayReply: map("routing.auto.away"),
                           closedReply: map("routing.auto.closed"))
    }

    /// The template for a shopper's language: its own text, else (left empty) the 简体中文
    /// one; nil (the reply is off) when that is empty too.
    static func template(_ map: [String: String], locale: String) -> String? {
        let filled = map.filter { !$0.value.unicodeScalars.allSatisfy(\.properties.isWhitespace) || $0.key == UILocale.default.rawValue }
        return ReplyTemplate.localized(filled, locale: locale, fallback: nil)
    }

    static func decode(_ json: String?) -> AutoReplies {
        guard let json else { return AutoReplies() }
        return (try? JSONDecoder().decode(AutoReplies.self, from: Data(json.utf8))) ?? AutoReplies()
    }

    func validated() throws(DomainError) -> AutoReplies {
        for (field, map) in [("greeting", greeting), ("queuedGreeting", queuedGreeting), ("awayReply", awayReply), ("closedReply", closedReply)] {
            for (locale, text) in map {
                _ = try ArticleRules.locale(locale)
                if text.count > 1000 { throw DomainError.invalid(field, "\(field) (\(locale)) is longer than 1000 characters") }
            }
        }
        return self
    }
}

struct StatusLineDTO: Content, Equatable {
    var text: String
    var startsAt: Date?
    var endsAt: Date?
}

struct InboxSettingsDTO: Content {
    var routing: RoutingStrategy
    var capacity: Int
    var preferLastAgent: Bool
    var answerTimeoutSeconds: Int
    var autoAwayMinutes: Int
    var greeting: [String: String]
    var queuedGreeting: [String: String]
    var awayReply: [String: String]
    var closedReply: [String: String]
    var statusLine: StatusLineDTO?
}

struct InboxSettingsInput: StrictContent {
    static let allowedFields: Set<String> = ["routing", "capacity", "preferLastAgent", "answerTimeoutSeconds", "autoAwayMinutes",
                                             "greeting", "queuedGreeting", "awayReply", "closedReply", "statusLine"]
    var routing: String?
    var capacity: Int?
    var preferLastAgent: Bool?
    var answerTimeoutSeconds: Int?
    var autoAwayMinutes: Int?
    var greeting: [String: String]?
    var queuedGreeting: [String: String]?
    var awayReply: [String: String]?
    var closedReply: [String: String]?
    var statusLine: StatusLineDTO?
    var clearsStatusLine = false

    enum CodingKeys: String, CodingKey {
        case routing, capacity, preferLastAgent, answerTimeoutSeconds, autoAwayMinutes, greeting, queuedGreeting, awayReply, closedReply, statusLine
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        routing = try c.decodeIfPresent(String.self, forKey: .routing)
        capacity = try c.decodeIfPresent(Int.self, forKey: .capacity)
        preferLastAgent = try c.decodeIfPresent(Bool.self, forKey: .preferLastAgent)
        answerTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .answerTimeoutSeconds)
        autoAwayMinutes = try c.decodeIfPresent(Int.self, forKey: .autoAwayMinutes)
        greeting = try c.decodeIfPresent([String: String].self, forKey: .greeting)
        queuedGreeting = try c.decodeIfPresent([String: String].self, forKey: .queuedGreeting)
        awayReply = try c.decodeIfPresent([String: String].self, forKey: .awayReply)
        closedReply = try c.decodeIfPresent([String: String].self, forKey: .closedReply)
        statusLine = try c.decodeIfPresent(StatusLineDTO.self, forKey: .statusLine)
        clearsStatusLine = c.contains(.statusLine) && statusLine == nil
    }
}

extension Inbox {
    var autoReplies: AutoReplies { AutoReplies.decode(autoRepliesJSON) }

    /// The status line if it is showing at `now`.
    func activeStatusLine(at now: Date) -> String? {
        guard let text = statusLine, !text.isEmpty else { return nil }
        if let start = statusLineStartsAt, now < start { return nil }
        if let end = statusLineEndsAt, now >= end { return nil }
        return text
    }

    var settingsDTO: InboxSettingsDTO {
        let replies = autoReplies
        return InboxSettingsDTO(
            routing: routing, capacity: capacity, preferLastAgent: preferLastAgent, answerTimeoutSeconds: answerTimeoutSeconds,
            autoAwayMinutes: autoAwayMinutes, greeting: replies.greeting, queuedGreeting: replies.queuedGreeting,
            awayReply: replies.awayReply, closedReply: replies.closedReply,
            statusLine: statusLine.map { StatusLineDTO(text: $0, startsAt: statusLineStartsAt, endsAt: statusLineEndsAt) })
    }

    /// Applies validated settings; returns the changed field names.
    func apply(_ input: InboxSettingsInput) throws(DomainError) -> [String] {
        var changed: [String] = []
        if let raw = input.routing { routing = try RoutingStrategy.parse(raw); changed.append("routing") }
        if let n = input.capacity {
            guard (1...50).contains(n) else { throw DomainError.invalid("capacity", "capacity must be between 1 and 50, got \(n)") }
            capacity = n; changed.append("capacity")
        }
        if let b = input.preferLastAgent { preferLastAgent = b; changed.append("preferLastAgent") }
        if let n = input.answerTimeoutSeconds {
            guard n == 0 || (15...3600).contains(n) else {
                throw DomainError.invalid("answerTimeoutSeconds", "answerTimeoutSeconds must be 0 (off) or between 15 and 3600, got \(n)")
            }
            answerTimeoutSeconds = n; changed.append("answerTimeoutSeconds")
        }
        if let n = input.autoAwayMinutes {
            guard (0...240).contains(n) else { throw DomainError.invalid("autoAwayMinutes", "autoAwayMinutes must be between 0 and 240, got \(n)") }
            autoAwayMinutes = n; changed.append("autoAwayMinutes")
        }
        var replies = autoReplies
        if let map = input.greeting { replies.greeting = map; changed.append("greeting") }
        if let map = input.queuedGreeting { replies.queuedGreeting = map; changed.append("queuedGreeting") }
        if let map = input.awayReply { replies.awayReply = map; changed.append("awayReply") }
        if let map = input.closedReply { replies.closedReply = map; changed.append("closedReply") }
        autoRepliesJSON = FrameCoder.encode(try replies.validated())
        if let line = input.statusLine {
            let text = line.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count <= 200 else { throw DomainError.invalid("statusLine", "statusLine.text is longer than 200 characters") }
            if let start = line.startsAt, let end = line.endsAt, end <= start {
                throw DomainError.invalid("statusLine", "statusLine.endsAt must be after startsAt")
            }
            statusLine = text.isEmpty ? nil : text
            statusLineStartsAt = line.startsAt
            statusLineEndsAt = line.endsAt
            changed.append("statusLine")
        } else if input.clearsStatusLine {
            statusLine = nil; statusLineStartsAt = nil; statusLineEndsAt = nil
            changed.append("statusLine")
        }
        return changed
    }
}

/// `GET/PUT /api/v1/inboxes/{id}/settings`.
struct InboxSettingsController {
    func get(_ req: Request) async throws -> InboxSettingsDTO {
        let principal = try req.requirePrincipal()
        return try await InboxesController.find(req, principal).settingsDTO
    }

    func put(_ req: Request) async throws -> InboxSettingsDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(InboxSettingsInput.self)
        let inbox = try await InboxesController.find(req, principal)
        let changed = try inbox.apply(input)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await inbox.save(on: tx)
            try await AuditLog.record("inbox.settings", target: "inbox", id: inbox.id!.uuidString,
                                      details: ["fields": changed.joined(separator: ",")], by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.inboxes.changed(inbox.id!, accountID: inbox.accountID)
        return inbox.settingsDTO
    }
}
