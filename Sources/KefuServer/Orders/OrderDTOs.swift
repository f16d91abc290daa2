import Foundation
import KefuCore
import Vapor

/// An order line as stored (JSON in `orders.lines`) and sent.
struct OrderLineDTO: Content, Equatable {
    var sku: String
    var title: String
    var quantity: Int
    var unitPrice: Int64
    var amount: Int64
    var imageUrl: String?
    var productExternalId: String?
}

struct TrackingEventDTO: Content, Equatable {
    var at: Date
    var text: String
    var location: String?
}

struct ProductDTO: Content {
    var id: UUID
    var externalId: String
    var title: String
    var keywords: [String]
    var category: String
    var currency: String
    var marketPrice: Int64
    var memberPrice: Int64?
    var vipPrice: Int64?
    /// The price for the customer's tier when the request named a contact, else the market price.
    var price: Int64
    var stock: Int
    var imageUrl: String?
    var url: String?
    var status: ProductStatus
    var updatedAt: Date

    init(_ p: Product, tier: PriceTier = .regular) {
        id = p.id!; externalId = p.externalID; title = p.title
        keywords = p.keywords.split(separator: "|").map(String.init)
        category = p.category; currency = p.currency
        marketPrice = p.marketPrice; memberPrice = p.memberPrice; vipPrice = p.vipPrice
        price = Self.price(p, tier: tier)
        stock = p.stock; imageUrl = p.imageURL; url = p.url; status = p.status; updatedAt = p.updatedAt
    }

    static func price(_ p: Product, tier: PriceTier) -> Int64 {
        tier.pick(market: p.marketPrice, member: p.memberPrice, vip: p.vipPrice)
    }
}

struct OrderDTO: Content {
    struct Buyer: Content { var externalId: String; var name: String?; var tier: String }
    struct Reminders: Content { var sent: Int; var lastAt: Date? }

    var id: UUID
    var externalId: String
    var number: String
    var status: OrderStatus
    var beforePayment: Bool
    var currency: String
    var lines: [OrderLineDTO]
    var subtotal: Int64
    var shippingFee: Int64
    var discount: Int64
    var total: Int64
    var buyer: Buyer
    var contactId: UUID?
    var payLink: String?
    var url: String?
    var placedAt: Date
    var paidAt: Date?
    var carrier: String?
    var trackingNo: String?
    var trackingEvents: [TrackingEventDTO]
    var reminders: Reminders
    var pendingChange: PriceChangeDTO?
    var updatedAt: Date

    init(_ o: Order, reminders: [Reminder] = [], pendingChange: PriceChangeDTO? = nil) {
        id = o.id!; externalId = o.externalID; number = o.number; status = o.status
        beforePayment = o.status.isBeforePayment
        currency = o.currency; lines = OrderJSON.lines(o.linesJSON)
        subtotal = o.subtotal; shippingFee = o.shippingFee; discount = o.discount; total = o.total
        buyer = Buyer(externalId: o.buyerExternalID, name: o.buyerName, tier: o.buyerTier)
        contactId = o.contactID; payLink = o.payLink; url = o.url; placedAt = o.placedAt; paidAt = o.paidAt
        carrier = o.carrier; trackingNo = o.trackingNo; trackingEvents = OrderJSON.tracking(o.trackingEventsJSON)
        self.reminders = Reminders(sent: reminders.count, lastAt: reminders.map(\.sentAt).max())
        self.pendingChange = pendingChange
        updatedAt = o.updatedAt
    }
}

struct PriceChangeDTO: Content {
    var id: UUID
    var orderExternalId: String
    var orderNumber: String
    var target: String
    var sku: String?
    var currency: String
    var originalAmount: Int64
    var newAmount: Int64
    var discountPercent: Int
    var reason: String
    var status: PriceChangeStatus
    var requestedBy: SenderDTO?
    var decidedBy: SenderDTO?
    var decidedAt: Date?
    var note: String?
    var createdAt: Date

    init(_ c: PriceChange, order: Order, people: [UUID: SenderDTO]) {
        id = c.id!; orderExternalId = order.externalID; orderNumber = order.number; target = c.target; sku = c.sku
        currency = c.currency; originalAmount = c.originalAmount; newAmount = c.newAmount; discountPercent = c.discountPercent
        reason = c.reason; status = c.status
        requestedBy = c.requestedBy.flatMap { people[$0] }; decidedBy = c.decidedBy.flatMap { people[$0] }
        decidedAt = c.decidedAt; note = c.note; createdAt = c.createdAt
    }
}

struct ReminderDTO: Content {
    var id: UUID
    var orderExternalId: String
    var kind: ReminderKind
    var ruleId: UUID?
    var agentId: UUID?
    var sentAt: Date
    var paidAt: Date?
    var text: String

    init(_ r: Reminder, order: Order) {
        id = r.id!; orderExternalId = order.externalID; kind = r.kind; ruleId = r.ruleID; agentId = r.agentID
        sentAt = r.sentAt; paidAt = r.paidAt; text = r.text
    }
}

/// The card a product or order message carries (`payload.card`); the widget renders it.
struct CardDTO: Content, Equatable {
    var kind: String
    var externalId: String
    var title: String
    var subtitle: String?
    var imageUrl: String?
    var url: String?
    var currency: String
    var amount: Int64
    var status: String?
}

/// JSON columns of orders, read leniently (a row is never unreadable).
enum OrderJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "[]"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(type, from: Data(json.utf8))
    }

    static func lines(_ json: String) -> [OrderLineDTO] { decode([OrderLineDTO].self, json) ?? [] }
    static func tracking(_ json: String) -> [TrackingEventDTO] { decode([TrackingEventDTO].self, json) ?? [] }
}
