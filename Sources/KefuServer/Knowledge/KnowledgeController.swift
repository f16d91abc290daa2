import Fluent
import Foundation
import KefuCore
import Vapor

/// Articles, settings, import/export, search and unanswered questions for the team.
/// Members read and search; supervisors and above edit (the routes say who).
struct KnowledgeController {
    static let importLimit: ByteCount = "16mb"

    // MARK: articles

    func list(_ req: Request) async throws -> ArticleListDTO {
        let principal = try req.requirePrincipal()
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        var query = Article.query(on: req.db).filter(\.$accountID == principal.accountID)
        if !Self.canEdit(principal) { query = query.filter(\.$status == .published) }
        if let raw = req.query[String.self, at: "status"], !raw.isEmpty {
            guard let status = ArticleStatus(rawValue: raw) else { throw DomainError.invalid("status", "status must be draft or published; got '\(raw)'") }
            query = query.filter(\.$status == status)
        }
        if let raw = req.query[String.self, at: "locale"], !raw.isEmpty {
            query = query.filter(\.$locale == (try ArticleRules.locale(raw)))
        }
        let all = try await query.all()
        var items = all
        if let raw = req.query[String.self, at: "category"], !raw.isEmpty {
            let category = try ArticleRules.category(raw)
            items = items.filter { $0.category == category || $0.category.hasPrefix(category + "/") }
        }
        if let raw = req.query[String.self, at: "q"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            let q = try ArticleRules.query(raw)
            // Drafts are searched too: an engine over this list, not the shop's published index.
            let engine = SearchEngine(documents: items.map { $0.searchDocument(maxViews: 0, maxHelpful: 0) },
                                      synonyms: Synonyms.parse(settings.synonyms))
            let order = engine.search(q, limit: items.count).enumerated().reduce(into: [String: Int]()) { $0[$1.element.id] = $1.offset }
            items = items.filter { order[$0.slug] != nil }.sorted { order[$0.slug]! < order[$1.slug]! }
        } else {
            items.sort { ($0.views + 3 * $0.helpful, $1.updatedAt) > ($1.views + 3 * $1.helpful, $0.updatedAt) }
        }
        let total = items.count
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 200, 1), 1000)
        let offset = max(req.query[Int.self, at: "offset"] ?? 0, 0)
        let page = items.dropFirst(offset).prefix(limit)
        return ArticleListDTO(items: page.map { KnowledgeStore.dto($0, helpSlug: settings.helpSlug, withHTML: false) },
                              total: total, categories: KnowledgeStore.categories(all))
    }

    func get(_ req: Request) async throws -> ArticleDTO {
        let principal = try req.requirePrincipal()
        let article = try await KnowledgeStore.find(req.parameters.get("id", as: UUID.self), accountID: principal.accountID, on: req.db)
        guard article.status == .published || Self.canEdit(principal) else { throw DomainError.notFound("article") }
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        return KnowledgeStore.dto(article, helpSlug: settings.helpSlug, withHTML: true)
    }

    /// Drafts are the editors' (supervisors and above); agents see published articles only.
    static func canEdit(_ principal: Principal) -> Bool { principal.role >= .supervisor }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(ArticleInput.self)
        let article = Article(accountID: principal.accountID, slug: "", now: req.now)
        try await KnowledgeStore.apply(input, to: article, creating: true, now: req.now, on: req.db)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await article.create(on: tx)
            try await KnowledgeStore.bump(accountID: principal.accountID, now: req.now, on: tx)
            try await AuditLog.record("article.create", target: "article", id: article.id!.uuidString,
                                      details: ["slug": article.slug, "title": article.title], by: principal, ip: ip, at: req.now, on: tx)
        }
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        return try await KnowledgeStore.dto(article, helpSlug: settings.helpSlug, withHTML: true).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> ArticleDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(ArticleInput.self)
        let article = try await KnowledgeStore.find(req.parameters.get("id", as: UUID.self), accountID: principal.accountID, on: req.db)
        let changed = try await KnowledgeStore.apply(input, to: article, creating: false, now: req.now, on: req.db)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await article.save(on: tx)
            try await KnowledgeStore.bump(accountID: principal.accountID, now: req.now, on: tx)
            try await AuditLog.record("article.update", target: "article", id: article.id!.uuidString,
                                      details: ["slug": article.slug, "fields": changed.joined(separator: ",")], by: principal, ip: ip, at: req.now, on: tx)
        }
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        return KnowledgeStore.dto(article, helpSlug: settings.helpSlug, withHTML: true)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let principal = try req.requirePrincipal()
        let article = try await KnowledgeStore.find(req.parameters.get("id", as: UUID.self), accountID: principal.accountID, on: req.db)
        let ip = req.clientIP
        let slug = article.slug
        try await req.db.transaction { tx in
            try await article.delete(on: tx)
            // Other articles stop pointing at it.
            for other in try await Article.query(on: tx).filter(\.$accountID == principal.accountID).all() where other.related.contains(slug) {
                other.related = other.related.filter { $0 != slug }
                try await other.save(on: tx)
            }
            try await KnowledgeStore.bump(accountID: principal.accountID, now: req.now, on: tx)
            try await AuditLog.record("article.delete", target: "article", id: article.id!.uuidString,
                                      details: ["slug": slug, "title": article.title], by: principal, ip: ip, at: req.now, on: tx)
        }
        return .noContent
    }

    func preview(_ req: Request) async throws -> PreviewDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(PreviewRequest.self)
        guard input.body.count <= ArticleRules.maxBody else {
            throw DomainError.invalid("body", "body is \(input.body.count) characters long; at most \(ArticleRules.maxBody) are allowed")
        }
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        return PreviewDTO(html: KnowledgeStore.html(input.body, helpSlug: settings.helpSlug))
    }

    // MARK: import and export

    func export(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let format = try KnowledgeTransfer.Format.parse(req.query[String.self, at: "format"] ?? "json")
        let (data, contentType) = try await KnowledgeTransfer.export(accountID: principal.accountID, format: format, now: req.now, on: req.db)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kefu-faq.\(format.rawValue)\"")
        return response
    }

    func importFile(_ req: Request) async throws -> ImportResultDTO {
        let principal = try req.requirePrincipal()
        let format = try KnowledgeTransfer.Format.parse(req.query[String.self, at: "format"])
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw DomainError(.invalid, code: "missing_body", message: "send the file's content as the request body")
        }
        let file = try KnowledgeTransfer.decode(Data(buffer.readableBytesView), format: format)
        let result = try await KnowledgeTransfer.importFile(file, accountID: principal.accountID, now: req.now, on: req.db)
        try await AuditLog.record("article.import", target: "knowledge", id: nil,
                                  details: ["format": format.rawValue, "created": String(result.created), "updated": String(result.updated)],
                                  by: principal, ip: req.clientIP, at: req.now, on: req.db)
        return result
    }

    // MARK: settings

    func getSettings(_ req: Request) async throws -> KnowledgeSettingsDTO {
        let principal = try req.requirePrincipal()
        return KnowledgeStore.settingsDTO(try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db))
    }

    func putSettings(_ req: Request) async throws -> KnowledgeSettingsDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(KnowledgeSettingsInput.self)
        let settings = try await KnowledgeStore.settings(accountID: principal.accountID, now: req.now, on: req.db)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            let changes = try await KnowledgeStore.update(settings, with: input, now: req.now, on: tx)
            try await AuditLog.record("knowledge.settings", target: "knowledge", id: nil, details: changes, by: principal, ip: ip, at: req.now, on: tx)
        }
        return KnowledgeStore.settingsDTO(settings)
    }

    // MARK: search

    func search(_ req: Request) async throws -> KnowledgeSearchDTO {
        let principal = try req.requirePrincipal()
        let q = try ArticleRules.query(req.query[String.self, at: "q"])
        let locale = try req.query[String.self, at: "locale"].map { raw throws(DomainError) in try ArticleRules.locale(raw) }
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 10, 1), 50)
        let index = try await req.application.knowledge.index(for: principal.accountID, on: req.db)
        let found = index.search(q, limit: limit, locale: locale)
        return KnowledgeSearchDTO(decision: ConfidencePolicy().decide(found.map(\.hit), question: q).name,
                                  items: found.map { Self.hitDTO($0.hit, $0.article, helpSlug: index.helpSlug, withAnswer: true) })
    }

    /// Articles for the shopper's last question in a conversation.
    func suggestions(_ req: Request) async throws -> SuggestionsDTO {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        let conversation = try await viewer.conversation(req.parameters.get("id", as: UUID.self), on: req.db)
        let last = try await Message.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$conversationID == conversation.id!).filter(\.$senderType == .visitor).filter(\.$text != "")
            .sort(\.$seq, .descending).first()
        guard let question = last?.text else { return SuggestionsDTO(question: nil, items: []) }
        let index = try await req.application.knowledge.index(for: principal.accountID, on: req.db)
        let contact = try await ConversationOps.contact(of: conversation, on: req.db)
        let found = index.search(String(question.prefix(ArticleRules.maxQuery)), limit: 5, locale: contact?.locale)
        return SuggestionsDTO(question: question,
                              items: found.map { Self.hitDTO($0.hit, $0.article, helpSlug: index.helpSlug, withAnswer: true) })
    }

    static func hitDTO(_ hit: SearchHit, _ article: IndexedArticle, helpSlug: String, withAnswer: Bool) -> SearchHitDTO {
        SearchHitDTO(id: article.id, slug: article.slug, title: article.title, snippet: hit.snippet,
                     score: (hit.score * 1000).rounded() / 1000, coverage: (hit.coverage * 1000).rounded() / 1000,
                     url: KnowledgeStore.articlePath(helpSlug, article.slug), answer: withAnswer ? article.answer : nil)
    }

    // MARK: unanswered questions

    func unanswered(_ req: Request) async throws -> UnansweredListDTO {
        let principal = try req.requirePrincipal()
        let days = min(max(req.query[Int.self, at: "days"] ?? 30, 1), 365)
        let since = req.now.addingTimeInterval(-Double(days) * 86_400)
        let rows = try await AskedQuestion.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$dismissedAt == nil).filter(\.$askedAt >= since).sort(\.$askedAt, .descending).limit(5000).all()
        let groups = QuestionGrouper.group(rows.map { KefuCore.UnansweredQuestion(id: $0.id!.uuidString, text: $0.question, askedAt: $0.askedAt) })
        return UnansweredListDTO(groups: groups.prefix(200).map {
            UnansweredGroupDTO(key: $0.key, representative: $0.representative, count: $0.count, examples: $0.examples,
                               lastAskedAt: $0.lastAskedAt, ids: $0.ids.compactMap(UUID.init(uuidString:)))
        }, total: rows.count)
    }

    func dismiss(_ req: Request) async throws -> DismissResultDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(DismissRequest.self)
        guard !input.ids.isEmpty, input.ids.count <= 5000 else { throw DomainError.invalid("ids", "ids must hold 1 to 5000 question ids") }
        let rows = try await AskedQuestion.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$id ~~ input.ids).filter(\.$dismissedAt == nil).all()
        let now = req.now
        try await req.db.transaction { tx in
            for row in rows {
                row.dismissedAt = now
                try await row.save(on: tx)
            }
        }
        return DismissResultDTO(dismissed: rows.count)
    }
}
