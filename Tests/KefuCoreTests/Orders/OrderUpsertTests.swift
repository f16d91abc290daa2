import Foundation
import KefuCore
import XCTest

final class OrderUpsertTests: XCTestCase {
    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func order(status: String = "unpaid", lines: [OrderUpsert.LineInput]? = nil, shippingFee: Int64 = 1000,
               discount: Int64 = 0) -> OrderUpsert {
        OrderUpsert(number: "20261122001", status: status, currency: "CNY",
                    lines: lines ?? [.init(sku: "SKU-1001", title: "真丝连衣裙", quantity: 1, unitPrice: 26900, productExternalId: "SKU-1001"),
                                     .init(sku: "SKU-2002", title: "丝巾", quantity: 2, unitPrice: 4950)],
                    shippingFee: shippingFee, discount: discount,
                    buyer: .init(externalId: "C1001", name: "王女士", phone: "138****1234", email: "Wang@Example.com", tier: "member"),
                    placedAt: t0, payLink: "https://pay.example.com/E1", url: "https://shop.example.com/o/E1")
    }

    func domainError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> DomainError? {
        do {
            try body()
            XCTFail("no error thrown", file: file, line: line)
            return nil
        } catch let error as DomainError {
            return error
        } catch {
            XCTFail("not a DomainError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// The error of validating `order()` after `change`.
    func error(_ change: (inout OrderUpsert) -> Void, file: StaticString = #filePath, line: UInt = #line) -> DomainError? {
        var input = order()
        change(&input)
        return domainError({ _ = try input.validated(externalId: "E1") }, file: file, line: line)
    }

    var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    func testDecodesTheContractBody() throws {
        // setup
        let json = #"""
        {"number":"20261122001","status":"shipped","currency":"CNY",
         "lines":[{"sku":"SKU-1001","title":"真丝连衣裙","quantity":1,"unitPrice":26900,"productExternalId":"SKU-1001","imageUrl":null}],
         "shippingFee":1000,"discount":0,
         "buyer":{"externalId":"C1001","name":"王女士","phone":null,"email":null,"tier":"vip"},
         "placedAt":"2026-11-22T02:00:00Z","paidAt":"2026-11-22T02:10:00Z","carrier":"顺丰速运","trackingNo":"SF1234567890",
         "trackingEvents":[{"at":"2026-11-22T08:00:00Z","text":"已揽收","location":"杭州"}],
         "payLink":null,"url":"https://shop.example.com/o/E1"}
        """#

        // act
        let decoded = try decoder.decode(OrderUpsert.self, from: Data(json.utf8))

        // check
        XCTAssertEqual(decoded.number, "20261122001")
        XCTAssertEqual(decoded.status, "shipped")
        XCTAssertEqual(decoded.lines, [.init(sku: "SKU-1001", title: "真丝连衣裙", quantity: 1, unitPrice: 26900, productExternalId: "SKU-1001")])
        XCTAssertEqual(decoded.shippingFee, 1000)
        XCTAssertEqual(decoded.buyer, .init(externalId: "C1001", name: "王女士", tier: "vip"))
        XCTAssertEqual(decoded.paidAt, ISO8601DateFormatter().date(from: "2026-11-22T02:10:00Z"))
        XCTAssertEqual(decoded.trackingEvents.first?.location, "杭州")
        XCTAssertEqual(decoded.carrier, "顺丰速运")
        XCTAssertNil(decoded.payLink)
    }

    func testMissingOptionalAndDefaultedKeysAreTolerated() throws {
        // setup
        let json = #"{"status":"unpaid","currency":"CNY","lines":[{"sku":"A","title":"A","quantity":1,"unitPrice":100}],"buyer":{"externalId":"C1"}}"#

        // act
        let decoded = try decoder.decode(OrderUpsert.self, from: Data(json.utf8))
        let valid = try decoded.validated(externalId: "E1")

        // check
        XCTAssertNil(decoded.number)
        XCTAssertEqual(decoded.shippingFee, 0)
        XCTAssertEqual(decoded.discount, 0)
        XCTAssertEqual(decoded.trackingEvents, [])
        XCTAssertNil(decoded.buyer.tier)
        XCTAssertNil(decoded.placedAt)
        XCTAssertEqual(valid.number, "E1")
        XCTAssertEqual(valid.buyer.tier, .regular)
        XCTAssertEqual(valid.total, try cny(100))
        XCTAssertThrowsError(try decoder.decode(OrderUpsert.self, from: Data(#"{"status":"unpaid","currency":"CNY","buyer":{"externalId":"C1"}}"#.utf8)))
    }

    func testEncodingRoundTrips() throws {
        // setup
        var original = order()
        original.trackingEvents = [.init(at: t0, text: "已揽收", location: nil)]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601

        // act
        let decoded = try decoder.decode(OrderUpsert.self, from: try encoder.encode(original))

        // check
        XCTAssertEqual(decoded, original)
    }

    func testValidatedHoldsTypedValues() throws {
        // setup
        var input = order(shippingFee: 1000, discount: 500)
        input.lines[0].sku = " SKU-1001 "
        input.lines[0].title = " 真丝连衣裙 "
        input.carrier = " 顺丰速运 "
        input.trackingNo = ""
        input.buyer.name = "  "

        // act
        let valid = try input.validated(externalId: "E1")

        // check
        XCTAssertEqual(valid.externalId, "E1")
        XCTAssertEqual(valid.number, "20261122001")
        XCTAssertEqual(valid.status, .unpaid)
        XCTAssertEqual(valid.currency, "CNY")
        XCTAssertEqual(valid.lines.map(\.line.sku), ["SKU-1001", "SKU-2002"])
        XCTAssertEqual(valid.lines[0].line.title, "真丝连衣裙")
        XCTAssertEqual(valid.lines[0].productExternalId, "SKU-1001")
        XCTAssertEqual(valid.amounts.lines, valid.lines.map(\.line))
        XCTAssertEqual(valid.amounts.shippingFee, try cny(1000))
        XCTAssertEqual(valid.amounts.discount, try cny(500))
        XCTAssertEqual(valid.subtotal, try cny(36800))
        XCTAssertEqual(valid.total, try cny(37300))
        XCTAssertEqual(valid.buyer, ValidBuyer(externalId: "C1001", name: nil, phone: "138****1234", email: "wang@example.com", tier: .member))
        XCTAssertEqual(valid.placedAt, t0)
        XCTAssertNil(valid.paidAt)
        XCTAssertEqual(valid.carrier, "顺丰速运")
        XCTAssertNil(valid.trackingNo)
        XCTAssertEqual(valid.payLink, "https://pay.example.com/E1")
    }

    func testNumberDefaultsToTheExternalID() throws {
        // setup, act, check
        XCTAssertEqual(try order().validated(externalId: "E1").number, "20261122001")
        var input = order()
        input.number = "  "
        XCTAssertEqual(try input.validated(externalId: "E1").number, "E1")
        input.number = nil
        XCTAssertEqual(try input.validated(externalId: "E1").number, "E1")
        XCTAssertEqual(error { $0.number = String(repeating: "9", count: 65) }?.field, "number")
    }

    func testStatusMustBeKnown() throws {
        // setup, act
        let unknown = error { $0.status = "lost" }

        // check
        XCTAssertEqual(unknown?.field, "status")
        XCTAssertEqual(unknown?.message, "status must be one of created, unpaid, paid, shipped, delivered, completed, cancelled, refund_requested, refunded, return_requested, returned; got 'lost'")
        XCTAssertEqual(try OrderStatus.parse(" Refund_Requested "), .refundRequested)
    }

    func testExternalIDsAreChecked() throws {
        // setup, act, check
        XCTAssertEqual(domainError { _ = try self.order().validated(externalId: "E 1") }?.field, "externalId")
        XCTAssertEqual(error { $0.buyer.externalId = "" }?.field, "buyer.externalId")
        XCTAssertEqual(error { $0.buyer.externalId = "客户1" }?.field, "buyer.externalId")
        XCTAssertEqual(error { $0.lines[1].productExternalId = "a/b" }?.field, "lines[1].productExternalId")
        var input = order()
        input.lines[1].productExternalId = ""
        XCTAssertNil(try input.validated(externalId: "E1").lines[1].productExternalId)
    }

    func testAmountsAreChecked() throws {
        // setup, act
        let negativeUnit = error { $0.lines[0].unitPrice = -1 }
        let negativeShipping = error { $0.shippingFee = -1 }
        let negativeDiscount = error { $0.discount = -1 }
        let noLines = error { $0.lines = [] }
        let tooMuchDiscount = error { $0.discount = 36800 + 1000 + 1 }
        let zeroQuantity = error { $0.lines[1].quantity = 0 }

        // check
        XCTAssertEqual(negativeUnit?.field, "lines[0].unitPrice")
        XCTAssertEqual(negativeUnit?.message, "lines[0].unitPrice must not be negative, got -0.01 CNY")
        XCTAssertEqual(negativeShipping?.field, "shippingFee")
        XCTAssertEqual(negativeShipping?.message, "shippingFee must not be negative, got -0.01 CNY")
        XCTAssertEqual(negativeDiscount?.field, "discount")
        XCTAssertEqual(noLines?.field, "lines")
        XCTAssertEqual(noLines?.message, "an order needs at least one line")
        XCTAssertEqual(tooMuchDiscount?.field, "discount")
        XCTAssertEqual(tooMuchDiscount?.message, "the discount 378.01 CNY is more than the order's 378.00 CNY (goods and shipping)")
        XCTAssertEqual(zeroQuantity?.field, "lines[1].quantity")
        XCTAssertEqual(try order(discount: 37800).validated(externalId: "E1").total, try cny(0))
        XCTAssertEqual(error { $0.currency = "RMB " }?.field, "currency")
        XCTAssertEqual(error { $0.lines[0].sku = " " }?.field, "lines[0].sku")
        XCTAssertEqual(error { $0.lines[0].title = String(repeating: "t", count: 201) }?.field, "lines[0].title")
        XCTAssertEqual(error { $0.lines = Array(repeating: .init(sku: "A", title: "A", quantity: 1, unitPrice: 1), count: 201) }?.field, "lines")
    }

    func testASkuAppearsOnceAnOrder() throws {
        // setup, act
        let twice = error { $0.lines[1].sku = "SKU-1001" }

        // check
        XCTAssertEqual(twice?.field, "lines[1].sku")
        XCTAssertEqual(twice?.message, "lines[1].sku 'SKU-1001' is also the sku of lines[0]; each line needs its own sku")
    }

    func testBuyerChecks() throws {
        // setup, act, check
        XCTAssertEqual(error { $0.buyer.tier = "gold" }?.field, "buyer.tier")
        XCTAssertEqual(error { $0.buyer.tier = "gold" }?.message, "buyer.tier must be one of regular, member, vip; got 'gold'")
        XCTAssertEqual(error { $0.buyer.email = "not-an-address" }?.field, "buyer.email")
        XCTAssertEqual(error { $0.buyer.name = String(repeating: "王", count: 101) }?.field, "buyer.name")
        XCTAssertEqual(error { $0.buyer.phone = String(repeating: "1", count: 33) }?.field, "buyer.phone")
        var input = order()
        input.buyer.tier = nil
        input.buyer.email = ""
        let valid = try input.validated(externalId: "E1")
        XCTAssertEqual(valid.buyer.tier, .regular)
        XCTAssertNil(valid.buyer.email)
        input.buyer.tier = "VIP"
        XCTAssertEqual(try input.validated(externalId: "E1").buyer.tier, .vip)
    }

    func testPaidAtAndStatus() throws {
        // setup
        let paid = t0.addingTimeInterval(600)

        // act
        let unpaidWithPaidAt = error { $0.paidAt = paid }
        let createdWithPaidAt = error { $0.status = "created"; $0.paidAt = paid }

        // check
        XCTAssertEqual(unpaidWithPaidAt?.field, "paidAt")
        XCTAssertEqual(unpaidWithPaidAt?.message, "paidAt given but status is unpaid")
        XCTAssertEqual(createdWithPaidAt?.message, "paidAt given but status is created")
        for status in ["paid", "shipped", "delivered", "completed", "refund_requested", "refunded", "return_requested", "returned"] {
            XCTAssertNil(try order(status: status).validated(externalId: "E1").paidAt, status)
            var input = order(status: status)
            input.paidAt = paid
            XCTAssertEqual(try input.validated(externalId: "E1").paidAt, paid, status)
        }
    }

    func testShippingChecks() throws {
        // setup, act, check
        XCTAssertEqual(error { $0.carrier = String(repeating: "c", count: 51) }?.field, "carrier")
        XCTAssertEqual(error { $0.trackingNo = String(repeating: "9", count: 65) }?.field, "trackingNo")
        XCTAssertEqual(error { $0.trackingEvents = Array(repeating: .init(at: self.t0, text: "x"), count: 101) }?.field, "trackingEvents")
        XCTAssertEqual(error { $0.trackingEvents = [.init(at: self.t0, text: "ok"), .init(at: self.t0, text: " ")] }?.field, "trackingEvents[1].text")
        XCTAssertEqual(error { $0.trackingEvents = [.init(at: self.t0, text: String(repeating: "x", count: 501))] }?.field, "trackingEvents[0].text")
        XCTAssertNoThrow(try {
            var input = self.order()
            input.trackingEvents = Array(repeating: .init(at: self.t0, text: String(repeating: "x", count: 500)), count: 100)
            _ = try input.validated(externalId: "E1")
        }())
    }

    func testTrackingEventsAreSortedNewestFirst() throws {
        // setup
        var input = order(status: "shipped")
        input.trackingEvents = [
            .init(at: t0, text: "已揽收", location: " 杭州 "),
            .init(at: t0.addingTimeInterval(7200), text: "已签收"),
            .init(at: t0.addingTimeInterval(3600), text: "运输中 A", location: ""),
            .init(at: t0.addingTimeInterval(3600), text: "运输中 B"),
        ]

        // act
        let events = try input.validated(externalId: "E1").trackingEvents

        // check
        XCTAssertEqual(events.map(\.text), ["已签收", "运输中 A", "运输中 B", "已揽收"])
        XCTAssertEqual(events.last?.location, "杭州")
        XCTAssertNil(events[1].location)
    }

    func testLinksMustBeHTTP() throws {
        // setup, act, check
        XCTAssertEqual(error { $0.payLink = "weixin://pay/E1" }?.field, "payLink")
        XCTAssertEqual(error { $0.url = "javascript:alert(1)" }?.field, "url")
        XCTAssertEqual(error { $0.lines[0].imageUrl = "data:image/png;base64,AAAA" }?.field, "lines[0].imageUrl")
        var input = order()
        input.payLink = " "
        XCTAssertNil(try input.validated(externalId: "E1").payLink)
    }

    func testUpsertOfAValidOrderValidatesToTheSame() throws {
        // setup
        var input = order(status: "shipped", discount: 300)
        input.paidAt = t0.addingTimeInterval(60)
        input.trackingEvents = [.init(at: t0, text: "已揽收"), .init(at: t0.addingTimeInterval(60), text: "运输中", location: "上海")]
        let valid = try input.validated(externalId: "E1")

        // act
        let again = try valid.upsert.validated(externalId: "E1")

        // check
        XCTAssertEqual(again, valid)
    }
}
