import Fluent
import Foundation
import KefuCore
import Vapor

struct OrderUpsertBody: StrictContent {
    static let allowedFields: Set<String> = ["number", "status", "currency", "lines", "shippingFee", "discount", "buyer", "placedAt",
                                             "paidAt", "carrier", "trackingNo", "trackingEvents", "payLink", "url"]
    var upsert: OrderUpsert
    init(from decoder: any Decoder) throws { upsert = try OrderUpsert(from: decoder) }
}

struct ProductUpsertBody: StrictContent {
    static let allowedFields: Set<String> = ["title", "keywords", "category", "currency", "marketPrice", "memberPrice", "vipPrice",
                                             "stock", "imageUrl", "url", "status"]
    var upsert: ProductUpsert
    init(from decoder: any Decoder) throws { upsert = try ProductUpsert(from: decoder) }
}

struct CardRequest: StrictContent {
    static let allowedFields: Set<String> = ["kind", "externalId"]
    var kind: String
    var externalId: String
}

struct RemindRequest: StrictContent {
    static let allowedFields: Set<String> = ["conversationId"]
    var conversationId: UUID?
}

struct ContactOrdersDTO: Content {
    var tier: String
    var externalId: String?
    var orders: [OrderDTO]
}

struct ProductsDTO: Content { var products: [ProductDTO] }
struct PriceChangesDTO: Content { var changes: [PriceChangeDTO] }
struct ReminderResultDTO: Content { var reminder: ReminderDTO }

/// Orders and products: the platform's upserts, the order panel beside the chat, cards,
/// price changes and manual reminders.
struct OrdersController {
    static let importLimit: ByteCount = "16mb"

    // MARK: platform

    func putOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let externalId = try Self.externalID(req)
        let body = try req.decodeStrict(OrderUpsertBody.self)
        let result = try await OrderStore(app: req.application).upsert(order: externalId, body.upsert, accountID: principal.accountID,
                                                                       by: principal.actor)
        return try await OrderViews(db: req.db).dto(result.order).encodeResponse(status: result.created ? .created : .ok, for: req)
    }

    func getOrder(_ req: Request) async throws -> OrderDTO {
        let principal = try req.requirePrincipal()
        let dto = try await OrderViews(db: req.db).dto(try await Self.order(req, principal))
        return try await OrderViews.visible(dto, to: try await Viewer.staff(principal, on: req.db), on: req.db)
    }

    func putProduct(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let externalId = try Self.externalID(req)
        let body = try req.decodeStrict(ProductUpsertBody.self)
        let (product, created) = try await OrderStore(app: req.application).upsert(product: externalId, body.upsert, accountID: principal.accountID)
        return try await ProductDTO(product).encodeResponse(status: created ? .created : .ok, for: req)
    }

    // MARK: workbench

    /// The customer's orders beside the chat, newest first, and their price tier.
    func contactOrders(_ req: Request) async throws -> ContactOrdersDTO {
        let (principal, contact) = try await ContactsController.find(req)
        let id = contact.id!
        var query = Order.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let external = contact.externalID {
            query = query.group(.or) { $0.filter(\.$contactID == id).filter(\.$buyerExternalID == external) }
        } else {
            query = query.filter(\.$contactID == id)
        }
        let orders = try await query.sort(\.$placedAt, .descending).limit(50).all()
        return ContactOrdersDTO(tier: contact.tier ?? orders.first?.buyerTier ?? PriceTier.regular.rawValue, externalId: contact.externalID,
                                orders: try await OrderViews(db: req.db).dtos(orders))
    }

    /// Product search for cards: title, keywords, category or id (Chinese-aware folding).
    func products(_ req: Request) async throws -> ProductsDTO {
        let principal = try req.requirePrincipal()
        let limit = try Paging.limit(req, default: 20, max: 100)
        var tier = PriceTier.regular
        if let raw = req.query[String.self, at: "contact"] {
            let contact = try await Viewer.staff(principal, on: req.db).contact(UUID(uuidString: raw), on: req.db)
            tier = PriceTier(rawValue: contact.tier ?? "") ?? .regular
        }
        var query = Product.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespacesAndNewlines), !q.isEmpty {
            guard q.count <= 100 else { throw DomainError.invalid("q", "q is longer than 100 characters") }
            for term in TextNormalizer().normalize(q).split(separator: " ").prefix(5) {
                query = query.filter(\.$searchText ~~ String(term))
            }
        }
        let products = try await query.sort(\.$updatedAt, .descending).limit(limit).all()
        return ProductsDTO(products: products.map { ProductDTO($0, tier: tier) })
    }

    /// Sends a product or order card into the conversation, as the agent (a reply like any other).
    func sendCard(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try req.requireSessionUser()
        let input = try req.decodeStrict(CardRequest.self)
        let caller = try await Caller.member(principal, on: req.db)
        let conversations = req.application.conversations
        let conversation = try await conversations.find(try ConversationsController.id(req), as: caller)
        let chat = OrderChat(app: req.application)
        let (catalog, locale) = try await chat.catalog(for: conversation, on: req.db)
        let card: CardDTO
        let text: String
        switch input.kind {
        case "order":
            guard let order = try await Order.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$externalID == input.externalId).first() else { throw DomainError.notFound("order") }
            (card, text) = chat.orderCard(order, catalog: catalog, locale: locale)
        case "product":
            guard let product = try await Product.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$externalID == input.externalId).first() else { throw DomainError.notFound("product") }
            let contact = try await ConversationOps.contact(of: conversation, on: req.db)
            (card, text) = chat.productCard(product, tier: PriceTier(rawValue: contact?.tier ?? "") ?? .regular, catalog: catalog, locale: locale)
        default:
            throw DomainError.invalid("kind", "kind must be order or product, got '\(input.kind)'")
        }
        let stored = try await conversations.send(OrderChat.draft(text, type: input.kind == "order" ? .orderCard : .productCard, card: card), in: conversation.id!, by: caller)
        return try await stored.message.encodeResponse(status: .created, for: req)
    }

    func requestPriceChange(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let order = try await Self.order(req, principal)
        let input = try req.decodeStrict(PriceChangeRequest.self)
        var result = try await PriceChanges(app: req.application).request(input, order: order.id!, by: principal, ip: req.clientIP)
        result.order = try await OrderViews.visible(result.order, to: try await Viewer.staff(principal, on: req.db), on: req.db)
        return try await result.encodeResponse(status: result.status == .pending ? .accepted : .ok, for: req)
    }

    func listPriceChanges(_ req: Request) async throws -> PriceChangesDTO {
        let principal = try req.requirePrincipal()
        var query = PriceChange.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let raw = req.query[String.self, at: "status"] {
            query = query.filter(\.$status == (try PriceChangeStatus.parse(raw)))
        }
        let limit = try Paging.limit(req, default: 100, max: 500)
        let changes = try await query.sort(\.$createdAt, .descending).limit(limit).all()
        return PriceChangesDTO(changes: try await OrderViews(db: req.db).changeDTOs(changes, orders: [:]))
    }

    func approve(_ req: Request) async throws -> PriceChangeResultDTO { try await decide(req, approve: true) }
    func reject(_ req: Request) async throws -> PriceChangeResultDTO { try await decide(req, approve: false) }

    private func decide(_ req: Request, approve: Bool) async throws -> PriceChangeResultDTO {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("price change") }
        let note = req.body.data == nil ? nil : try req.decodeStrict(PriceDecisionRequest.self).note
        return try await PriceChanges(app: req.application).decide(id, approve: approve, note: note, by: principal, ip: req.clientIP)
    }

    func remind(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let order = try await Self.order(req, principal)
        let input = req.body.data == nil ? RemindRequest(conversationId: nil) : try req.decodeStrict(RemindRequest.self)
        let (reminder, stored) = try await Reminders(app: req.application).manual(order.id!, conversationID: input.conversationId,
                                                                                 by: principal, ip: req.clientIP)
        return try await ReminderResultDTO(reminder: ReminderDTO(reminder, order: stored)).encodeResponse(status: .created, for: req)
    }

    // MARK: parts

    static func externalID(_ req: Request) throws -> String {
        guard let raw = req.parameters.get("externalId") else { throw DomainError.notFound("order") }
        return try ExternalID.validate(raw.removingPercentEncoding ?? raw, field: "externalId")
    }

    static func order(_ req: Request, _ principal: Principal) async throws -> Order {
        let externalId = try externalID(req)
        guard let order = try await Order.query(on: req.db).filter(\.$accountID == principal.accountID)
            .filter(\.$externalID == externalId).first() else { throw DomainError.notFound("order") }
        return order
    }
}
