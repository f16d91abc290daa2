import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest

/// Ids that arrive in a body (or a socket frame) are resolved with the caller's visibility:
/// an agent of another inbox, or another shop, cannot make Kefu write into a conversation
/// they cannot see, nor tell a buyer about another buyer's order; each refusal changes nothing.
final class BodyIdsTests: XCTestCase {
    func testConversationsNamedInBodiesAreTheCallersOwnToName() async throws {
        // setup: inbox A's conversation with buyer B-1 (order M-1); agent B works in inbox B only
        let w = try await MatrixWorld.make(for: self)
        let app = w.app
        let port = try await TestApp.listen(app, for: self)
        w.visitor.contact.externalID = "B-1"
        try await w.visitor.contact.save(on: app.db)
        let order = OrderUpsert(status: "unpaid", currency: "CNY", lines: [.init(sku: "S-1", title: "T恤", quantity: 1, unitPrice: 7900)],
                                shippingFee: 1000, buyer: .init(externalId: "B-1", name: "王女士"))
        _ = try await OrderStore(app: app).upsert(order: "M-1", order, accountID: w.accountID, by: .system)
        // The same customer also wrote to inbox B; another customer wrote to inbox A.
        let caller = Caller.visitor(accountID: w.accountID, contactID: w.visitor.contact.id!, inboxID: w.inboxB.id!, name: nil)
        let inInboxB = try await app.conversations.open(contactID: w.visitor.contact.id!, inboxID: w.inboxB.id!, accountID: w.accountID,
                                                        botActive: false, by: caller.actor)
        try await app.conversations.send(MessageDraft(text: "售后问题", clientMessageID: UUID()), in: inInboxB.id!, by: caller)
        let stranger = try await TestVisitor.create(app, shop: w.shop1, messages: ["别的顾客"])
        stranger.contact.externalID = "B-2"
        try await stranger.contact.save(on: app.db)
        var second = order
        second.buyer = .init(externalId: "B-2", name: "陈先生")
        _ = try await OrderStore(app: app).upsert(order: "M-2", second, accountID: w.accountID, by: .system)
        let phrase = QuickPhrase(accountID: w.accountID, ownerID: nil, now: Date())
        phrase.text = "亲，{customer_name}"
        try await phrase.create(on: app.db)
        let agentB = try await w.credentials(.agentB)
        let agent1 = try await w.credentials(.agent1)
        let admin2 = try await w.credentials(.admin2)
        let before = try await counts(app)

        // act & check: each refused, with the field or object named
        let inboxA = w.conversationID
        let refusals: [(Credentials, HTTPMethod, String, String, UInt, String?)] = [
            (agentB, .POST, "/api/v1/orders/M-1/price-changes", #"{"target":"shipping","newAmount":900,"reason":"x","conversationId":"\#(inboxA)"}"#, 404, nil),
            (agentB, .POST, "/api/v1/orders/M-1/remind", #"{"conversationId":"\#(inboxA)"}"#, 404, nil),
            (agentB, .POST, "/api/v1/conversations/\(inInboxB.id!)/merge", #"{"sourceConversationId":"\#(inboxA)"}"#, 404, nil),
            (agentB, .POST, "/api/v1/quick-phrases/\(phrase.id!)/use", #"{"conversationId":"\#(inboxA)"}"#, 404, nil),
            // Another buyer's conversation, though visible, is not where this order's buyer hears of it.
            (agent1, .POST, "/api/v1/orders/M-1/price-changes",
             #"{"target":"shipping","newAmount":900,"reason":"x","conversationId":"\#(stranger.conversation.id!)"}"#, 400, "conversationId"),
            (agent1, .POST, "/api/v1/orders/M-1/remind", #"{"conversationId":"\#(stranger.conversation.id!)"}"#, 400, "conversationId"),
            // Another shop's conversation in a body.
            (admin2, .POST, "/api/v1/conversations/\(inInboxB.id!)/merge", #"{"sourceConversationId":"\#(inboxA)"}"#, 404, nil),
        ]
        for (who, method, path, body, status, field) in refusals {
            let response = try await app.send(method, path, as: who, json: body)
            XCTAssertEqual(response.status.code, status, "\(path) \(body): \(response.body.string)")
            if let field { XCTAssertEqual(response.errorField, field, response.body.string) }
        }
        // Over the socket: a message into inbox A's conversation from agent B is not found.
        let socket = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: agentB, on: app)
        _ = try await socket.next("hello")
        socket.sendMessage("我来回复", conversationID: w.visitor.conversation.id!)
        let error = try await socket.next("error")
        XCTAssertEqual(error["code"]?.string, "not_found")
        // Without a named conversation the agent may not write into another inbox's either
        // (the buyer of M-2 chats with inbox A only).
        let nowhere = try await app.send(.POST, "/api/v1/orders/M-2/remind", as: agentB, json: "{}")
        XCTAssertEqual(nowhere.errorCode, "buyer_in_other_inbox", nowhere.body.string)

        // nothing changed
        let after = try await counts(app)
        XCTAssertEqual(after, before)
    }

    struct Counts: Equatable {
        var messages: Int
        var priceChanges: Int
        var reminders: Int
        var conversations: Int
        var merged: Int
        var phraseUses: Int
    }

    func counts(_ app: Application) async throws -> Counts {
        Counts(messages: try await Message.query(on: app.db).count(), priceChanges: try await PriceChange.query(on: app.db).count(),
               reminders: try await Reminder.query(on: app.db).count(), conversations: try await Conversation.query(on: app.db).count(),
               merged: try await Conversation.query(on: app.db).filter(\.$mergedIntoID != nil).count(),
               phraseUses: try await QuickPhrase.query(on: app.db).all().map(\.usageCount).reduce(0, +))
    }
}
