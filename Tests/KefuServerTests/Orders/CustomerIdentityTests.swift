import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// The shop's page names its signed-in customer to the widget with an HMAC of the id: a valid
/// one links the chat to the customer's orders, a wrong one is refused.
final class CustomerIdentityTests: XCTestCase {
    private func session(_ f: OrdersFixture, id: String, hash: String, token: String? = nil) async throws -> XCTHTTPResponse {
        let tokenField = token.map { #","visitorToken":"\#($0)""# } ?? ""
        return try await f.app.send(.POST, "/api/v1/widget/sessions", json: #"""
            {"inboxKey":"\#(f.shop.inbox.widgetKey)","customer":{"id":"\#(id)","name":"陈先生","hash":"\#(hash)"}\#(tokenField)}
            """#)
    }

    func testASignedCustomerIsLinkedToTheirOrdersOnEveryBrowser() async throws {
        let f = try await OrdersFixture.make(for: self)
        let json = OrdersFixture.orderJSON().replacingOccurrences(of: #""externalId":"C1001","name":"王女士","tier":"vip""#,
                                                                  with: #""externalId":"C2002","name":"陈先生","tier":"member""#)
        try await f.putOrder("E7", json)
        let secret = try await OrderSettingsStore.load(f.shop.account.id!, now: Date(), on: f.app.db).identitySecret
        let hash = CustomerIdentity.hash("C2002", secret: secret)

        let first = try await session(f, id: "C2002", hash: hash)
        XCTAssertEqual(first.status, .ok, first.body.string)
        let one = try first.content.decode(WidgetSessionDTO.self)
        // (A supervisor: the customer has not written yet, so no agent's inbox shows them.)
        let panel = try await f.app.send(.GET, "/api/v1/contacts/\(one.contactId)/orders", as: f.admin)
        let orders = try panel.content.decode(ContactOrdersDTO.self)
        XCTAssertEqual(orders.orders.map(\.externalId), ["E7"])
        XCTAssertEqual(orders.tier, "member")
        let stored = try await Order.query(on: f.app.db).filter(\.$externalID == "E7").first()
        XCTAssertEqual(stored?.contactID, one.contactId, "the order now points at the chat profile")

        // Another browser (no visitor token) continues as the same customer, with a token of its own.
        let second = try await session(f, id: "C2002", hash: hash.uppercased())
        let two = try second.content.decode(WidgetSessionDTO.self)
        XCTAssertEqual(two.contactId, one.contactId)
        XCTAssertNotEqual(two.visitorToken, one.visitorToken)
    }

    func testAWrongSignatureIsRefusedAndLinksNothing() async throws {
        let f = try await OrdersFixture.make(for: self)
        let secret = try await OrderSettingsStore.load(f.shop.account.id!, now: Date(), on: f.app.db).identitySecret
        for (id, hash, field) in [("C2002", CustomerIdentity.hash("C2003", secret: secret), "customer.hash"),
                                  ("C2002", "not-a-signature", "customer.hash"),
                                  ("bad id", CustomerIdentity.hash("bad id", secret: secret), "customer.id")] {
            let response = try await session(f, id: id, hash: hash)
            XCTAssertEqual(response.status, .badRequest, response.body.string)
            XCTAssertEqual(response.errorField, field, response.body.string)
        }
        let linked = try await Contact.query(on: f.app.db).filter(\.$externalID == "C2002").count()
        XCTAssertEqual(linked, 0)
    }
}
