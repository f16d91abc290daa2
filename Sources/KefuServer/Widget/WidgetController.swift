import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

struct WidgetSessionRequest: StrictContent {
    static let allowedFields: Set<String> = ["inboxKey", "visitorToken", "locale", "page", "customer"]
    /// The shop's signed-in customer, signed by the shop (see ``CustomerIdentity``).
    struct Customer: Codable {
        var id: String
        var name: String?
        var hash: String
    }
    struct Page: Codable {
        var url: String?
        var title: String?
        var referrer: String?
    }
    var inboxKey: String
    var visitorToken: String?
    var locale: String?
    var page: Page?
    var customer: Customer?
}

struct WidgetSessionDTO: Content {
    struct InboxInfo: Content {
        var name: String
    }
    struct BotInfo: Content {
        /// A new message would be answered by the FAQ bot.
        var active: Bool
        var mode: BotMode
    }
    struct HotQuestion: Content {
        var id: UUID
        var title: String
    }
    struct HelpInfo: Content {
        /// The shop's help centre (absolute); nil while it has no published article.
        var url: String?
        var hot: [HotQuestion]
    }
    var visitorToken: String
    var contactId: UUID
    var inbox: InboxInfo
    var conversationId: UUID?
    var locale: String
    var bot: BotInfo
    var help: HelpInfo
    /// The inbox's notice (promotion, holiday) while it is showing.
    var statusLine: String?
    /// Within business hours now (always true without hours).
    var open: Bool
    /// When it opens next, while closed.
    var nextOpen: Date?
    /// The shop's forms offered here (在线报修, 意见反馈), opened in a new tab.
    var forms: [WidgetFormDTO]
}

/// The shopper's side over HTTP: start or resume a visitor session, read history,
/// upload images. Authenticated by the visitor token, never by cookies.
struct WidgetController {
    let sessionLimiter: NIOLockedValueBox<SlidingWindowLimiter>
    let uploadQuota = Uploads.Quota()

    init() {
        sessionLimiter = .init(SlidingWindowLimiter(limit: 30, windowSeconds: 60))
    }

    func createSession(_ req: Request) async throws -> WidgetSessionDTO {
        let input = try req.decodeStrict(WidgetSessionRequest.self)
        let ip = req.clientIP ?? "unknown"
        if case .refused(let retry) = sessionLimiter.withLockedValue({ $0.hit(ip, now: req.now.timeIntervalSince1970) }) {
            throw DomainError(.rateLimited, code: "rate_limited", message: "too many new chat sessions; try again in \(retry) seconds", retryAfter: retry)
        }
        guard let inbox = try await Inbox.query(on: req.db).filter(\.$widgetKey == input.inboxKey).filter(\.$active == true).first() else {
            throw DomainError.notFound("inbox")
        }
        var token = input.visitorToken
        var contact: Contact?
        if let given = token, given.count <= 200,
           let stored = try await VisitorToken.query(on: req.db).filter(\.$tokenHash == TokenHash.sha256(given))
            .filter(\.$inboxID == inbox.id!).first() {
            contact = try await Contact.query(on: req.db).filter(\.$accountID == inbox.accountID).filter(\.$id == stored.contactID).first()
            stored.lastUsedAt = req.now
            try await stored.save(on: req.db)
        }
        let locale = UILocale.negotiate(explicit: input.locale, acceptLanguage: req.headers.first(name: .acceptLanguage))
        let page = input.page
        var fresh = contact == nil
        var visitor = contact ?? Contact(accountID: inbox.accountID)
        var tokenForKnownCustomer = false
        if let customer = input.customer {
            let externalID = try ExternalID.validate(customer.id, field: "customer.id")
            let secret = try await OrderSettingsStore.load(inbox.accountID, now: req.now, on: req.db).identitySecret
            guard CustomerIdentity.verify(id: externalID, hash: customer.hash, secret: secret) else {
                throw DomainError.invalid("customer.hash", "customer.hash is not the shop's signature of customer.id")
            }
            if let known = try await Contact.query(on: req.db).filter(\.$accountID == inbox.accountID)
                .filter(\.$externalID == externalID).first() {
                // The customer chatted before (another browser or device): continue as them.
                if known.id != visitor.id { tokenForKnownCustomer = true }
                visitor = known
                fresh = false
            } else {
                visitor.externalID = externalID
            }
            if visitor.name == nil { visitor.name = Self.clip(customer.name?.trimmingCharacters(in: .whitespacesAndNewlines), 100) }
        }
        visitor.currentPage = Self.clip(page?.url, 1000)
        visitor.pageTitle = Self.clip(page?.title, 300)
        if fresh || page?.referrer?.isEmpty == false { visitor.referrer = Self.clip(page?.referrer, 1000) }
        visitor.userAgent = Self.clip(req.headers.first(name: .userAgent), 300)
        visitor.locale = locale.rawValue
        visitor.ip = req.clientIP
        visitor.lastSeenAt = req.now
        if fresh {
            let secret = SecureToken.make(bytes: 32, prefix: "v_")
            token = secret
            let visitor = visitor
            try await req.db.transaction { tx in
                try await visitor.create(on: tx)
                try await VisitorToken(accountID: inbox.accountID, inboxID: inbox.id!, contactID: visitor.id!,
                                       tokenHash: TokenHash.sha256(secret)).create(on: tx)
            }
        } else {
            try await visitor.save(on: req.db)
        }
        if tokenForKnownCustomer {
            let secret = SecureToken.make(bytes: 32, prefix: "v_")
            token = secret
            try await VisitorToken(accountID: inbox.accountID, inboxID: inbox.id!, contactID: visitor.id!,
                                   tokenHash: TokenHash.sha256(secret)).create(on: req.db)
        }
        req.application.conversationDirectory.forgetLocale(of: visitor.id!)
        if input.customer != nil { try await OrderStore.linkOrders(contact: visitor, on: req.db) }
        let latest = try await Conversation.query(on: req.db).filter(\.$accountID == inbox.accountID)
            .filter(\.$contactID == visitor.id!).filter(\.$inboxID == inbox.id!).filter(\.$mergedIntoID == nil)
            .sort(\.$createdAt, .descending).first()
        let (bot, help) = try await WidgetBotController.sessionInfo(inbox: inbox, conversation: latest, locale: locale, req: req)
        let now = req.now
        let open = inbox.businessHours?.isOpen(at: now) ?? true
        return WidgetSessionDTO(visitorToken: token!, contactId: visitor.id!, inbox: .init(name: inbox.name),
                                conversationId: latest?.id, locale: locale.rawValue, bot: bot, help: help,
                                statusLine: inbox.activeStatusLine(at: now), open: open,
                                nextOpen: open ? nil : inbox.businessHours?.nextOpening(after: now),
                                forms: try await req.application.forms.forWidget(inbox).map {
                                    WidgetFormDTO(key: $0.key, name: $0.name, kind: $0.kind, url: DemoShopController.origin(req) + $0.publicPath)
                                })
    }

    func messages(_ req: Request) async throws -> PageDTO<MessageDTO> {
        let visitor = try await Self.visitor(req)
        let conversation = try await visitor.viewer.conversation(req.query[UUID.self, at: "conversationId"], on: req.db)
        let limit = try ConversationsController.limit(req)
        let before = try ConversationsController.beforeSeq(req)
        let items = try await MessageRows.load(conversationID: conversation.id!, accountID: visitor.viewer.accountID, beforeSeq: before,
                                               limit: limit, includePrivate: false, on: req.db)
        return PageDTO(items: items, hasMore: (items.first?.seq ?? 1) > 1)
    }

    func upload(_ req: Request) async throws -> Response {
        let visitor = try await Self.visitor(req)
        try uploadQuota.take(visitor: visitor.contactID, shop: visitor.viewer.accountID, now: req.now)
        return try await UploadsController.store(req, accountID: visitor.viewer.accountID, uploaderType: "visitor", uploaderID: visitor.contactID)
    }

    /// The visitor behind `?token=`.
    static func visitor(_ req: Request) async throws -> (viewer: Viewer, contactID: UUID, inboxID: UUID) {
        guard let token = req.query[String.self, at: "token"], !token.isEmpty, token.count <= 200,
              let stored = try await VisitorToken.query(on: req.db).filter(\.$tokenHash == TokenHash.sha256(token)).first() else {
            throw DomainError(.unauthorized, code: "invalid_token", message: "unknown visitor token; start a new session")
        }
        return (.visitor(accountID: stored.accountID, contactID: stored.contactID, inboxID: stored.inboxID), stored.contactID, stored.inboxID)
    }

    /// The visitor behind `?token=` as a caller of the conversations service.
    static func caller(_ req: Request) async throws -> Caller {
        let visitor = try await visitor(req)
        let name = try await Contact.query(on: req.db).filter(\.$accountID == visitor.viewer.accountID).filter(\.$id == visitor.contactID)
            .first()?.name
        return .visitor(accountID: visitor.viewer.accountID, contactID: visitor.contactID, inboxID: visitor.inboxID, name: name)
    }

    static func clip(_ value: String?, _ limit: Int) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return String(value.prefix(limit))
    }
}

/// The widget's endpoints are called from shops' pages on other origins, with no
/// cookies: any origin may call them, credentials are never allowed.
/// The public catalogue is open the same way, so the widget speaks the shop's language.
struct WidgetCORSMiddleware: AsyncMiddleware {
    static let prefix = "/api/v1/widget/"
    static let catalogue = "/api/v1/i18n"
    static let helpSearch = "/api/v1/help/search"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard path.hasPrefix(Self.prefix) || path == Self.catalogue || path == Self.helpSearch else { return try await next.respond(to: request) }
        if request.method == .OPTIONS {
            let response = Response(status: .noContent)
            Self.decorate(response)
            response.headers.replaceOrAdd(name: .accessControlAllowMethods, value: "GET, POST, OPTIONS")
            response.headers.replaceOrAdd(name: .accessControlAllowHeaders, value: "Content-Type")
            response.headers.replaceOrAdd(name: .accessControlMaxAge, value: "600")
            return response
        }
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            response = KefuErrorMiddleware.response(for: error, request: request)
        }
        Self.decorate(response)
        return response
    }

    static func decorate(_ response: Response) {
        response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Retry-After")
    }
}
