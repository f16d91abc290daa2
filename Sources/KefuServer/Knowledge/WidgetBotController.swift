import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

struct HandoverRequest: StrictContent {
    static let allowedFields: Set<String> = ["conversationId"]
    var conversationId: UUID
}

struct HandoverDTO: Content {
    var conversationId: UUID
    var botActive: Bool
}

struct BotAnswerRequest: StrictContent {
    static let allowedFields: Set<String> = ["conversationId", "articleId"]
    var conversationId: UUID
    var articleId: UUID
}

/// The widget's side of the FAQ bot (visitor token) and the public help search (inbox key).
struct WidgetBotController {
    let searchLimiter: NIOLockedValueBox<SlidingWindowLimiter>

    init() {
        searchLimiter = .init(SlidingWindowLimiter(limit: 120, windowSeconds: 60))
    }

    func handover(_ req: Request) async throws -> HandoverDTO {
        let caller = try await WidgetController.caller(req)
        let input = try req.decodeStrict(HandoverRequest.self)
        let conversation = try await req.application.conversations.find(input.conversationId, as: caller)
        try await FAQBot.handover(conversation, by: caller, app: req.application)
        let now = try await req.application.conversations.find(input.conversationId, as: caller)
        return HandoverDTO(conversationId: now.id!, botActive: now.botActive)
    }

    func answer(_ req: Request) async throws -> HTTPStatus {
        let visitor = try await WidgetController.visitor(req)
        let input = try req.decodeStrict(BotAnswerRequest.self)
        let conversation = try await visitor.viewer.conversation(input.conversationId, on: req.db)
        try await FAQBot.answer(articleID: input.articleId, conversation: conversation, app: req.application)
        return .noContent
    }

    /// `GET /api/v1/help/search?q=&locale=&inbox=KEY`: published articles of the inbox's shop.
    func search(_ req: Request) async throws -> PublicSearchDTO {
        let ip = req.clientIP ?? "unknown"
        if case .refused(let retry) = searchLimiter.withLockedValue({ $0.hit(ip, now: req.application.kefu.clock.now().timeIntervalSince1970) }) {
            throw DomainError(.rateLimited, code: "rate_limited", message: "too many searches; try again in \(retry) seconds", retryAfter: retry)
        }
        guard let key = req.query[String.self, at: "inbox"], !key.isEmpty else {
            throw DomainError.invalid("inbox", "inbox (the inbox's widget key) is required")
        }
        let q = try ArticleRules.query(req.query[String.self, at: "q"])
        let locale = try req.query[String.self, at: "locale"].map { raw throws(DomainError) in try ArticleRules.locale(raw) }
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 10, 1), 20)
        guard key.count <= 100, let inbox = try await Inbox.query(on: req.db).filter(\.$widgetKey == key).filter(\.$active == true).first() else {
            throw DomainError(.notFound, code: "unknown_inbox", message: "no active inbox has the key '\(key.prefix(100))'", field: "inbox")
        }
        let index = try await req.application.knowledge.index(for: inbox.accountID, on: req.db)
        let origin = DemoShopController.origin(req)
        return PublicSearchDTO(items: index.search(q, limit: limit, locale: locale).map {
            var dto = KnowledgeController.hitDTO($0.hit, $0.article, helpSlug: index.helpSlug, withAnswer: false)
            dto.url = origin + dto.url
            return dto
        })
    }

    /// What the widget needs to know about the bot and the help centre when a session starts.
    static func sessionInfo(inbox: Inbox, conversation: Conversation?, locale: UILocale, req: Request)
        async throws -> (bot: WidgetSessionDTO.BotInfo, help: WidgetSessionDTO.HelpInfo) {
        let now = req.application.kefu.clock.now()
        let active = conversation.map { $0.botActive || ($0.status == .resolved && FAQBot.startsWithBot(inbox, at: now)) }
            ?? FAQBot.startsWithBot(inbox, at: now)
        let index = try await req.application.knowledge.index(for: inbox.accountID, on: req.db)
        let hot = index.hot(limit: 5, locale: locale.rawValue).map { WidgetSessionDTO.HotQuestion(id: $0.id, title: $0.title) }
        let url = index.articles.isEmpty ? nil : DemoShopController.origin(req) + KnowledgeStore.helpPath(index.helpSlug)
        return (.init(active: active, mode: inbox.botMode), .init(url: url, hot: hot))
    }
}
