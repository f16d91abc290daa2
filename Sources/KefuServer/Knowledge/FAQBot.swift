import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The FAQ bot of a conversation whose inbox lets it answer first: it answers a shopper's
/// question with an article when confident, offers the top three when less sure, says so
/// when it has nothing (and keeps the question for the knowledge owners), and always offers
/// a human. Handing over ends the bot's turn; the transcript stays in the conversation.
enum FAQBot {
    static let policy = ConfidencePolicy()

    /// Whether a new or reopened conversation in `inbox` starts with the bot.
    static func startsWithBot(_ inbox: Inbox, at now: Date) -> Bool {
        inbox.botMode.botAnswers(hours: inbox.businessHours, at: now)
    }

    /// Answers a shopper's message in a bot conversation.
    static func respond(to question: String, conversationID: UUID, accountID: UUID, app: Application) async throws {
        let db = app.db
        guard let conversation = try await Conversation.query(on: db).filter(\.$accountID == accountID)
            .filter(\.$id == conversationID).first(), conversation.botActive else { return }
        let text = question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let locale = contact?.uiLocale ?? .default
        let catalog = app.kefu.catalog(locale)
        let index = try await app.knowledge.index(for: accountID, on: db)
        let found = index.search(String(text.prefix(ArticleRules.maxQuery)), limit: 5, locale: locale.rawValue)
        let byID = Dictionary(found.map { ($0.hit.id, $0.article) }, uniquingKeysWith: { a, _ in a })
        switch policy.decide(found.map(\.hit), question: text) {
        case .answer(let hit):
            guard let article = byID[hit.id] else { return }
            try await post(answer: article, snippet: hit.snippet, in: conversation, index: index, catalog: catalog, app: app)
        case .suggest(let hits):
            let articles = hits.compactMap { hit in byID[hit.id].map { ref($0, snippet: hit.snippet, helpSlug: index.helpSlug) } }
            let lines = articles.enumerated().map { "\($0.offset + 1). \($0.element.title)" }
            try await write(text: ([catalog.text("knowledge.bot.suggest")] + lines).joined(separator: "\n"),
                            payload: MessagePayload(type: .botSuggest, articles: articles, handover: true),
                            in: conversation, catalog: catalog, app: app)
        case .noAnswer:
            try await AskedQuestion(accountID: accountID, inboxID: conversation.inboxID, conversationID: conversationID,
                                    question: String(text.prefix(500)), locale: locale.rawValue, askedAt: app.kefu.clock.now()).create(on: db)
            try await write(text: catalog.text("knowledge.bot.none"), payload: MessagePayload(type: .botNone, articles: [], handover: true),
                            in: conversation, catalog: catalog, app: app)
        }
    }

    /// Answers with the article the shopper picked from the bot's suggestions.
    static func answer(articleID: UUID, conversation: Conversation, app: Application) async throws {
        guard conversation.botActive else {
            throw DomainError(.conflict, code: "bot_inactive", message: "an agent is handling this conversation; ask them directly")
        }
        let contact = try await ConversationOps.contact(of: conversation, on: app.db)
        let catalog = app.kefu.catalog(contact?.uiLocale ?? .default)
        let index = try await app.knowledge.index(for: conversation.accountID, on: app.db)
        guard let article = index.articles.values.first(where: { $0.id == articleID }) else { throw DomainError.notFound("article") }
        try await post(answer: article, snippet: String(article.answer.prefix(80)), in: conversation, index: index, catalog: catalog, app: app)
    }

    /// The shopper asks for a person: the bot says so and steps back, the team sees the
    /// conversation (with the bot transcript), routing looks for an agent, and the question
    /// the bot could not settle is kept.
    static func handover(_ conversation: Conversation, by caller: Caller, app: Application) async throws {
        guard conversation.botActive else { return }
        let db = app.db
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let locale = contact?.uiLocale ?? .default
        let catalog = app.kefu.catalog(locale)
        if try await lastBotPayload(conversation, on: db)?.type == .botSuggest,
           let question = try await Message.query(on: db).filter(\.$accountID == conversation.accountID)
            .filter(\.$conversationID == conversation.id!).filter(\.$senderType == .visitor).filter(\.$text != "")
            .sort(\.$seq, .descending).first() {
            // The bot only guessed: the question is worth an article of its own.
            try await AskedQuestion(accountID: conversation.accountID, inboxID: conversation.inboxID, conversationID: conversation.id,
                                    question: String(question.text.prefix(500)), locale: locale.rawValue, askedAt: app.kefu.clock.now()).create(on: db)
        }
        try await write(text: catalog.text("knowledge.bot.handover"), payload: MessagePayload(type: .botHandover, articles: [], handover: false),
                        in: conversation, catalog: catalog, app: app)
        try await app.conversations.handOver(conversation.id!, reason: .shopperAsked, timelineText: catalog.text("knowledge.bot.handoverEvent"), by: caller)
    }

    // MARK: writing

    private static func post(answer article: IndexedArticle, snippet: String, in conversation: Conversation, index: ShopIndex,
                             catalog: MessageCatalog, app: Application) async throws {
        try await write(text: article.title + "\n" + article.answer,
                        payload: MessagePayload(type: .botAnswer, articles: [ref(article, snippet: snippet, helpSlug: index.helpSlug)],
                                                handover: true),
                        in: conversation, catalog: catalog, app: app)
        // A bot answer is a view of the article.
        try await (app.db as! any SQLDatabase).raw("""
            UPDATE kb_articles SET views = views + 1 WHERE account_id = \(bind: conversation.accountID) AND id = \(bind: article.id)
            """).run()
    }

    private static func lastBotPayload(_ conversation: Conversation, on db: any Database) async throws -> MessagePayload? {
        let last = try await Message.query(on: db).filter(\.$accountID == conversation.accountID)
            .filter(\.$conversationID == conversation.id!).filter(\.$senderType == .bot).sort(\.$seq, .descending).first()
        return MessagePayload.decode(last?.payload)
    }

    private static func ref(_ article: IndexedArticle, snippet: String, helpSlug: String) -> MessagePayload.ArticleRef {
        .init(id: article.id, slug: article.slug, title: article.title, snippet: snippet, url: KnowledgeStore.articlePath(helpSlug, article.slug))
    }

    private static func write(text: String, payload: MessagePayload, in conversation: Conversation, catalog: MessageCatalog,
                              app: Application) async throws {
        let bot = Caller.bot(conversation.accountID, sender: SenderDTO(id: nil, name: catalog.text("knowledge.bot.name"), agentNumber: nil))
        try await app.conversations.send(MessageDraft(text: text, payload: payload), in: conversation.id!, by: bot)
    }
}
