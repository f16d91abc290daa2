import Fluent
import Foundation
import KefuCore
import Vapor

/// Messages about orders in the buyer's conversation: cards, "运费已修改，请刷新后付款",
/// payment confirmations and reminders, in the buyer's language (sent through the
/// ``Conversations`` service like every message).
struct OrderChat {
    let app: Application

    /// Where to talk to the buyer of `order`, inside `unit`'s transaction: the conversation
    /// named (of this buyer, and one `caller` can see), else the buyer's latest conversation
    /// `caller` can see, else (when `create`) a new one in an inbox of the caller's (the
    /// shop's first for Kefu itself and supervisors). Nil when the buyer has never been
    /// identified in the widget. An agent may not make Kefu write into a conversation of
    /// another inbox or of another buyer.
    func conversation(for order: Order, preferred: UUID?, visibleTo caller: Caller, create: Bool = true,
                      in unit: UnitOfWork) async throws -> Conversation? {
        let db = unit.db
        if let preferred {
            let named = try await caller.viewer.conversation(preferred, on: db)
            guard try await Self.belongs(named, to: order, on: db) else {
                throw DomainError.invalid("conversationId", "that conversation is not with the buyer of this order")
            }
            return named
        }
        guard let contactID = order.contactID else { return nil }
        if let latest = try await caller.viewer.conversations(on: db).filter(\.$contactID == contactID)
            .filter(\.$mergedIntoID == nil).sort(\.$updatedAt, .descending).first() {
            return latest
        }
        if case .staff(_, _, _, .some) = caller.viewer,
           try await Conversation.query(on: db).filter(\.$accountID == order.accountID).filter(\.$contactID == contactID).first() != nil {
            throw DomainError(.conflict, code: "buyer_in_other_inbox",
                              message: "the buyer chats with another inbox of the shop; ask a colleague there or a supervisor")
        }
        guard create else { return nil }
        var inboxes = Inbox.query(on: db).filter(\.$accountID == order.accountID).filter(\.$active == true)
        if case .staff(_, _, _, let mine?) = caller.viewer { inboxes = inboxes.filter(\.$id ~~ Array(mine)) }
        guard let inbox = try await inboxes.sort(\.$createdAt).first() else { return nil }
        return try await app.conversations.open(contactID: contactID, inboxID: inbox.id!, accountID: order.accountID, botActive: false,
                                                by: caller.actor, in: unit)
    }

    /// Whether `conversation` is with the buyer of `order` (the linked profile, or a profile
    /// identified as the order's buyer).
    static func belongs(_ conversation: Conversation, to order: Order, on db: any Database) async throws -> Bool {
        if let contactID = order.contactID { return conversation.contactID == contactID }
        return try await Contact.query(on: db).filter(\.$accountID == order.accountID).filter(\.$id == conversation.contactID)
            .filter(\.$externalID == order.buyerExternalID).first() != nil
    }

    /// The catalogue of the conversation's shopper.
    func catalog(for conversation: Conversation, on db: any Database) async throws -> (MessageCatalog, Locale) {
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let locale = contact?.uiLocale ?? .default
        return (app.kefu.catalog(locale), Locale(identifier: locale.rawValue))
    }

    /// The shop speaking (automatic messages): a bot sender named after the shop's service.
    func shopSender(_ catalog: MessageCatalog) -> SenderDTO {
        SenderDTO(id: nil, name: catalog.text("orders.chat.shopName"), agentNumber: nil)
    }

    static func money(_ minor: Int64, _ currency: String, _ locale: Locale) -> String {
        (try? Money(minor: minor, currency: currency))?.formatted(locale: locale) ?? "\(minor) \(currency)"
    }

    /// A message about an order (a card, a reminder, "运费已修改"), typed `type`.
    static func draft(_ text: String, type: MessageKind, card: CardDTO? = nil) -> MessageDraft {
        MessageDraft(text: text, payload: MessagePayload(type: type, articles: [], handover: false, card: card))
    }

    // MARK: cards

    /// Kefu's address as shops' pages reach it, for paths on Kefu in cards.
    var origin: String { OrdersDemo.origin(app.kefu.settings) }

    func orderCard(_ order: Order, catalog: MessageCatalog, locale: Locale) -> (CardDTO, String) {
        let lines = OrderJSON.lines(order.linesJSON)
        let title = lines.first?.title ?? order.number
        var subtitle = catalog.text("orders.chat.card.summary", ["order_no": order.number,
                                                               "count": String(lines.reduce(0) { $0 + $1.quantity })])
        if let carrier = order.carrier, let tracking = order.trackingNo {
            let latest = OrderJSON.tracking(order.trackingEventsJSON).first?.text ?? ""
            subtitle = catalog.text("orders.chat.card.tracking", ["carrier": carrier, "tracking_no": tracking, "latest": latest])
        }
        // Before payment the card opens the payment page; afterwards the order's page.
        let payable = order.status.isBeforePayment
        let card = CardDTO(kind: "order", externalId: order.externalID, title: title, subtitle: subtitle,
                           imageUrl: KefuURL.absolute(lines.first?.imageUrl, origin: origin),
                           url: KefuURL.absolute(payable ? (order.payLink ?? order.url) : order.url, origin: origin),
                           currency: order.currency, amount: order.total, status: order.status.rawValue)
        let text = catalog.text("orders.chat.card.order", ["order_no": order.number, "amount": Self.money(order.total, order.currency, locale)])
        return (card, text)
    }

    func productCard(_ product: Product, tier: PriceTier, catalog: MessageCatalog, locale: Locale) -> (CardDTO, String) {
        let price = ProductDTO.price(product, tier: tier)
        let card = CardDTO(kind: "product", externalId: product.externalID, title: product.title,
                           subtitle: product.category.isEmpty ? nil : product.category,
                           imageUrl: KefuURL.absolute(product.imageURL, origin: origin), url: KefuURL.absolute(product.url, origin: origin),
                           currency: product.currency, amount: price, status: nil)
        let text = catalog.text("orders.chat.card.product", ["title": product.title, "amount": Self.money(price, product.currency, locale)])
        return (card, text)
    }
}
