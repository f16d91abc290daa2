import Fluent
import Foundation
import KefuCore
import Vapor

/// Messages about orders in the buyer's conversation: cards, "运费已修改，请刷新后付款",
/// payment confirmations and reminders, in the buyer's language.
struct OrderChat {
    let app: Application

    /// Where to talk to the buyer of `order`: the conversation named (of the same shop), else
    /// the buyer's latest conversation, else (when `create`) a new one in the shop's first inbox;
    /// nil when the buyer has never chatted (no contact linked).
    func conversation(for order: Order, preferred: UUID?, create: Bool = true, on db: any Database) async throws -> Conversation? {
        if let preferred {
            guard let named = try await Conversation.query(on: db).filter(\.$accountID == order.accountID)
                .filter(\.$id == preferred).first() else { throw DomainError.notFound("conversation") }
            return named
        }
        guard let contactID = order.contactID else { return nil }
        if let latest = try await Conversation.query(on: db).filter(\.$accountID == order.accountID).filter(\.$contactID == contactID)
            .filter(\.$mergedIntoID == nil).sort(\.$updatedAt, .descending).first() {
            return latest
        }
        guard create, let inbox = try await Inbox.query(on: db).filter(\.$accountID == order.accountID).filter(\.$active == true)
            .sort(\.$createdAt).first() else { return nil }
        let conversation = Conversation(accountID: order.accountID, inboxID: inbox.id!, contactID: contactID, now: Date())
        try await conversation.create(on: db)
        return conversation
    }

    /// The catalogue of the conversation's shopper.
    func catalog(for conversation: Conversation, on db: any Database) async throws -> (MessageCatalog, Locale) {
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let locale = contact?.uiLocale ?? .default
        return (app.kefu.catalog(locale), Locale(identifier: locale.rawValue))
    }

    /// The shop speaking (automatic messages): a bot sender named after the shop's service.
    func shopSender(_ catalog: MessageCatalog) -> SenderDTO {
        SenderDTO(id: nil, name: catalog.text("orderchat.shopName"), agentNumber: nil)
    }

    static func money(_ minor: Int64, _ currency: String, _ locale: Locale) -> String {
        (try? Money(minor: minor, currency: currency))?.formatted(locale: locale) ?? "\(minor) \(currency)"
    }

    /// A message for the writer (group commit, published after commit).
    func message(_ text: String, type: String, card: CardDTO? = nil, sender: SenderDTO, senderType: SenderType,
                 in conversation: Conversation) -> NewMessage {
        NewMessage(accountID: conversation.accountID, conversationID: conversation.id!, senderType: senderType, sender: sender,
                   clientMessageID: nil, text: String(text.prefix(ChatLimits.maxTextCharacters)), isPrivate: false, attachments: [],
                   event: nil, payload: MessagePayload(type: type, articles: [], handover: false, card: card), createdAt: nil)
    }

    func send(_ message: NewMessage) async throws -> StoredMessage {
        try await app.chat.writer.write(message)
    }

    /// Tells the agents' order panels (on every instance) that the customer's order changed.
    static func announce(_ order: Order, app: Application) {
        guard let contactID = order.contactID else { return }
        app.chat.relay(HubEvent(accountID: order.accountID, conversationID: nil, inboxID: nil, contactID: contactID, toVisitor: false,
                                toAgents: true, frame: FrameCoder.encode(ServerFrame.OrderUpdated(contactId: contactID, externalId: order.externalID,
                                                                                               status: order.status)),
                                except: nil))
    }

    // MARK: cards

    func orderCard(_ order: Order, catalog: MessageCatalog, locale: Locale) -> (CardDTO, String) {
        let lines = OrderJSON.lines(order.linesJSON)
        let title = lines.first?.title ?? order.number
        var subtitle = catalog.text("orderchat.card.summary", ["order_no": order.number,
                                                               "count": String(lines.reduce(0) { $0 + $1.quantity })])
        if let carrier = order.carrier, let tracking = order.trackingNo {
            let latest = OrderJSON.tracking(order.trackingEventsJSON).first?.text ?? ""
            subtitle = catalog.text("orderchat.card.tracking", ["carrier": carrier, "tracking_no": tracking, "latest": latest])
        }
        // Before payment the card opens the payment page; afterwards the order's page.
        let payable = OrderStatus(rawValue: order.status)?.isBeforePayment ?? false
        let card = CardDTO(kind: "order", externalId: order.externalID, title: title, subtitle: subtitle,
                           imageUrl: lines.first?.imageUrl, url: payable ? (order.payLink ?? order.url) : order.url,
                           currency: order.currency, amount: order.total, status: order.status)
        let text = catalog.text("orderchat.card.order", ["order_no": order.number, "amount": Self.money(order.total, order.currency, locale)])
        return (card, text)
    }

    func productCard(_ product: Product, tier: PriceTier, catalog: MessageCatalog, locale: Locale) -> (CardDTO, String) {
        let price = ProductDTO.price(product, tier: tier)
        let card = CardDTO(kind: "product", externalId: product.externalID, title: product.title,
                           subtitle: product.category.isEmpty ? nil : product.category, imageUrl: product.imageURL, url: product.url,
                           currency: product.currency, amount: price, status: nil)
        let text = catalog.text("orderchat.card.product", ["title": product.title, "amount": Self.money(price, product.currency, locale)])
        return (card, text)
    }
}
