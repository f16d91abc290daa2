import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// The platform's API: idempotent upserts of orders and products, refusals that change
/// nothing, the link to the buyer's chat profile, CSV import.
final class OrderAPITests: XCTestCase {
    func testAnOrderIsCreatedThenTheSameUpdateChangesNothing() async throws {
        let f = try await OrdersFixture.make(for: self)
        let first = try await f.putOrder("E1", OrdersFixture.orderJSON())
        XCTAssertEqual(first.status, .created, first.body.string)
        let dto = try first.content.decode(OrderDTO.self)
        XCTAssertEqual(dto.subtotal, 18900 + 2 * 2590)
        XCTAssertEqual(dto.total, 18900 + 2 * 2590 + 1000)
        XCTAssertEqual(dto.contactId, f.buyer.contact.id, "the buyer's chat profile is linked by the platform's customer id")
        XCTAssertTrue(dto.beforePayment)
        let stamp = try await f.order("E1").updatedAt

        let again = try await f.putOrder("E1", OrdersFixture.orderJSON())
        XCTAssertEqual(again.status, .ok)
        let stored = try await f.order("E1")
        XCTAssertEqual(stored.updatedAt, stamp, "the same update again writes nothing")
        let count = try await Order.query(on: f.app.db).filter(\.$accountID == f.shop.account.id!).count()
        XCTAssertEqual(count, 1)
        let contact = try await Contact.find(f.buyer.contact.id, on: f.app.db)
        XCTAssertEqual(contact?.tier, "vip", "the buyer's price tier reaches the chat profile")
    }

    func testBadInputIsRefusedWithTheFieldAndNothingChanges() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E2", OrdersFixture.orderJSON())
        let before = try await f.order("E2").snapshot
        let cases: [(String, HTTPStatus, String?)] = [
            (OrdersFixture.orderJSON(status: "teleported"), .badRequest, "status"),
            (OrdersFixture.orderJSON(unitPrice: -5), .badRequest, "lines[0].unitPrice"),
            (OrdersFixture.orderJSON(shipping: -1), .badRequest, "shippingFee"),
            (OrdersFixture.orderJSON(extra: #","colour":"red""#), .badRequest, "colour"),
            (#"{"status":"unpaid"}"#, .badRequest, nil),
            ("not json", .badRequest, nil),
        ]
        for (json, status, field) in cases {
            let response = try await f.putOrder("E2", json)
            XCTAssertEqual(response.status, status, json)
            if let field { XCTAssertEqual(response.errorField, field, response.body.string) }
        }
        // Forward along the lifecycle, then a move back that is not allowed.
        let jump = try await f.putOrder("E2", OrdersFixture.orderJSON(status: "shipped"))
        XCTAssertEqual(jump.errorCode, "transition_not_allowed", "unpaid cannot skip payment")
        try await f.putOrder("E2", OrdersFixture.orderJSON(status: "paid"))
        let shipped = try await f.putOrder("E2", OrdersFixture.orderJSON(status: "shipped", extra: #","paidAt":"2026-11-22T10:05:00+08:00","carrier":"顺丰速运","trackingNo":"SF1""#))
        XCTAssertEqual(shipped.status, .ok, shipped.body.string)
        let snapshot = try await f.order("E2").snapshot
        XCTAssertNotEqual(snapshot, before)
        let back = try await f.putOrder("E2", OrdersFixture.orderJSON(status: "unpaid"))
        XCTAssertEqual(back.status, .conflict)
        XCTAssertEqual(back.errorCode, "transition_not_allowed")
        XCTAssertTrue(back.body.string.contains("allowed next"), back.body.string)
        let cheaper = try await f.putOrder("E2", OrdersFixture.orderJSON(status: "shipped", shipping: 0))
        XCTAssertEqual(cheaper.errorCode, "amounts_locked", "money cannot change after payment")
        let after = try await f.order("E2").snapshot
        XCTAssertEqual(after, snapshot, "refused updates change nothing")
        let bad = try await f.app.send(.PUT, "/api/v1/orders/bad%20id", as: f.platform, json: OrdersFixture.orderJSON())
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.errorField, "externalId")
    }

    func testOnlyAdminsAndPlatformTokensWriteOrders() async throws {
        let f = try await OrdersFixture.make(for: self)
        let (agentToken, _) = try await Credentials.token(accountID: f.shop.account.id!, role: .agent, on: f.app.db)
        let response = try await f.app.send(.PUT, "/api/v1/orders/E3", as: agentToken, json: OrdersFixture.orderJSON())
        XCTAssertEqual(response.status, .forbidden)
        let other = try await TestShop.create(f.app, name: "Other Shop")
        try await f.putOrder("E3", OrdersFixture.orderJSON())
        let otherAdmin = try await Credentials.session(for: other.admin, on: f.app.db)
        let read = try await f.app.send(.GET, "/api/v1/orders/E3", as: otherAdmin)
        XCTAssertEqual(read.status, .notFound, "another shop never sees this shop's orders")
    }

    func testProductsAreSearchedInChineseWithTheCustomersTierPrice() async throws {
        let f = try await OrdersFixture.make(for: self)
        let created = try await f.app.send(.PUT, "/api/v1/products/DRESS-FR", as: f.platform, json: #"""
            {"title":"法式碎花收腰連衣裙","keywords":["裙子","碎花"],"category":"女装","currency":"CNY",
             "marketPrice":18900,"memberPrice":17900,"vipPrice":16900,"stock":12,"imageUrl":"https://img.example/d.png","status":"on_sale"}
            """#)
        XCTAssertEqual(created.status, .created, created.body.string)
        let refused = try await f.app.send(.PUT, "/api/v1/products/MUG", as: f.platform, json: #"""
            {"title":"马克杯","currency":"CNY","marketPrice":-1}
            """#)
        XCTAssertEqual(refused.status, .badRequest)
        XCTAssertEqual(refused.errorField, "marketPrice")
        try await f.putOrder("E4", OrdersFixture.orderJSON())
        // Simplified query, traditional title; the contact is VIP.
        let found = try await f.app.send(.GET, "/api/v1/products?q=连衣裙&contact=\(f.buyer.contact.id!.uuidString)", as: f.agent)
        let products = try found.content.decode(ProductsDTO.self).products
        XCTAssertEqual(products.map(\.externalId), ["DRESS-FR"])
        XCTAssertEqual(products.first?.price, 16900)
        let none = try await f.app.send(.GET, "/api/v1/products?q=马克杯", as: f.agent)
        XCTAssertEqual(try none.content.decode(ProductsDTO.self).products.count, 0)
    }

    func testTheOrderPanelListsTheCustomersOrdersNewestFirst() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("OLD", OrdersFixture.orderJSON(status: "completed", placedAt: "2026-10-01T10:00:00+08:00",
                                                            extra: #","paidAt":"2026-10-01T10:01:00+08:00""#))
        try await f.putOrder("NEW", OrdersFixture.orderJSON())
        let response = try await f.app.send(.GET, "/api/v1/contacts/\(f.buyer.contact.id!.uuidString)/orders", as: f.agent)
        let panel = try response.content.decode(ContactOrdersDTO.self)
        XCTAssertEqual(panel.orders.map(\.externalId), ["NEW", "OLD"])
        XCTAssertEqual(panel.tier, "vip")
    }

    func testAgentsHearThatTheCustomersOrderChanged() async throws {
        let f = try await OrdersFixture.make(for: self)
        let port = try await TestApp.listen(f.app, for: self)
        let socket = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: f.agent, on: f.app)
        _ = try await socket.next("hello")
        try await f.putOrder("E6", OrdersFixture.orderJSON())
        let frame = try await socket.next("order.updated")
        XCTAssertEqual(frame["externalId"]?.string, "E6")
        XCTAssertEqual(frame["status"]?.string, "unpaid")
        XCTAssertEqual(frame["contactId"]?.string?.lowercased(), f.buyer.contact.id!.uuidString.lowercased())
    }

    func testPaymentIsConfirmedInTheChat() async throws {
        let f = try await OrdersFixture.make(for: self)
        try await f.putOrder("E5", OrdersFixture.orderJSON())
        let paid = try await f.putOrder("E5", OrdersFixture.orderJSON(status: "paid"))
        XCTAssertEqual(paid.status, .ok, paid.body.string)
        XCTAssertNotNil(try paid.content.decode(OrderDTO.self).paidAt, "paidAt defaults to the moment the platform said so")
        let confirmations = try await f.messages(type: "order.paid")
        XCTAssertEqual(confirmations.map(\.text), ["您的付款已成功，我们会及时为您发货"])
    }

    func testCSVImportIsAllOrNothingAndNamesTheLine() async throws {
        let f = try await OrdersFixture.make(for: self)
        let header = "external_id,status,currency,buyer_id,buyer_name,shipping_fee,sku,title,quantity,unit_price\n"
        let good = header + "C-1,unpaid,CNY,C1001,王女士,10,SKU-1,T恤,1,79.00\nC-1,,,,,,SKU-2,袜子,2,24.90\nC-2,paid,CNY,C1002,陈先生,0,SKU-1,T恤,1,79\n"
        let imported = try await f.app.send(.POST, "/api/v1/orders/import", as: f.platform, body: good)
        XCTAssertEqual(imported.status, .ok, imported.body.string)
        let result = try imported.content.decode(OrderImport.Result.self)
        XCTAssertEqual([result.records, result.created], [2, 2])
        let order = try await f.order("C-1")
        XCTAssertEqual(order.total, 7900 + 2 * 2490 + 1000)

        let bad = header + "C-3,unpaid,CNY,C1001,王女士,0,SKU-1,T恤,1,79\nC-4,unpaid,CNY,C1001,王女士,0,SKU-1,T恤,1,-3\n"
        let refused = try await f.app.send(.POST, "/api/v1/orders/import", as: f.platform, body: bad)
        XCTAssertEqual(refused.status, .badRequest)
        XCTAssertTrue(refused.body.string.contains("line 3"), refused.body.string)
        let c3 = try await Order.query(on: f.app.db).filter(\.$externalID == "C-3").count()
        XCTAssertEqual(c3, 0, "nothing of a refused file is stored")
    }
}
