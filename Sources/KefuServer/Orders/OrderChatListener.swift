import Fluent
import Foundation
import KefuCore
import Vapor

/// What the shop tells a buyer in the chat about their order's news (durable: exactly once,
/// even across a restart): "您的付款已成功…" when an order is paid (not for imported
/// orders, and only to a buyer who has chatted), and "运费已修改为…，请刷新后付款" when a price
/// or the shipping fee changed — from the agent who changed it, or from the shop when a
/// supervisor approved it later — in the conversation the change named.
struct OrderChatListener: DurableListener {
    let name = "orders.chat"
    let kinds: Set<EventKind> = [.orderPaid, .priceChanged]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        let app = unit.app
        let chat = OrderChat(app: app)
        switch event.fact {
        case .orderPaid(let f) where !f.imported:
            guard let order = try await Order.find(f.order.id, on: unit.db),
                  let conversation = try await chat.conversation(for: order, preferred: nil, visibleTo: .system(event.accountID),
                                                                 create: false, in: unit) else { return }
            let (catalog, _) = try await chat.catalog(for: conversation, on: unit.db)
            try await send(OrderChat.draft(catalog.text("orders.chat.paid"), type: .orderPaid), in: conversation,
                           by: .bot(event.accountID, sender: chat.shopSender(catalog)), unit: unit)
        case .priceChanged(let f):
            guard let order = try await Order.find(f.order.id, on: unit.db),
                  let conversation = try await chat.conversation(for: order, preferred: f.conversationID, visibleTo: .system(event.accountID),
                                                                 in: unit) else { return }
            let (catalog, locale) = try await chat.catalog(for: conversation, on: unit.db)
            var values = ["order_no": order.number, "amount": OrderChat.money(f.newAmount, f.order.currency, locale),
                          "total": OrderChat.money(order.total, order.currency, locale)]
            let key: String
            if f.target == PriceChanges.Target.shipping.rawValue {
                key = "orders.chat.shippingChanged"
            } else {
                key = "orders.chat.priceChanged"
                values["title"] = OrderJSON.lines(order.linesJSON).first { $0.sku == f.sku }?.title ?? f.sku ?? ""
            }
            var caller = Caller.bot(event.accountID, sender: chat.shopSender(catalog))
            if f.approvedBy == nil, let userID = f.changedBy,
               let user = try await User.query(on: unit.db).filter(\.$accountID == event.accountID).filter(\.$id == userID).first() {
                caller = Caller(viewer: caller.viewer, actor: .agent(userID: userID), sender: ConversationOps.sender(of: user), senderType: .agent)
            }
            try await send(OrderChat.draft(catalog.text(key, values), type: .orderPriceChanged), in: conversation, by: caller, unit: unit)
        default:
            return
        }
    }

    /// An order notice: never an answer by a person (first response, the answer clock).
    private func send(_ draft: MessageDraft, in conversation: Conversation, by caller: Caller, unit: UnitOfWork) async throws {
        try await unit.insert(NewMessage(
            accountID: conversation.accountID, conversationID: conversation.id!, senderType: caller.senderType, sender: caller.sender,
            clientMessageID: nil, text: draft.text, isPrivate: false, attachments: [], event: nil, payload: draft.payload, createdAt: nil,
            actor: caller.actor, role: .automatic))
    }
}
