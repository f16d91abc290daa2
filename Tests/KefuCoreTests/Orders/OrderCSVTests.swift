import Foundation
import KefuCore
import XCTest

final class OrderCSVTests: XCTestCase {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

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

    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DomainError? {
        domainError({ _ = try OrderCSV.parse(text, timeZone: self.shanghai) }, file: file, line: line)
    }

    func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    let minimal = "external_id,status,currency,buyer_id,sku,title,quantity,unit_price\n"

    func testRowsOfOneOrderAreGroupedInFirstSeenOrder() throws {
        // setup
        let text = """
        external_id,number,status,currency,buyer_id,buyer_name,buyer_tier,placed_at,paid_at,shipping_fee,discount,sku,title,quantity,unit_price,carrier,tracking_no,pay_link
        E2,,unpaid,CNY,C2,李先生,,2026-11-22 10:00,,0,,TEA-01,龙井,1,88,,,https://pay.example.com/E2
        E1,20261122001,shipped,CNY,C1,王女士,VIP,2026-11-22T09:00:00+08:00,2026-11-22 09:05,8,3.5,SKU-1001,真丝连衣裙,1,269,顺丰速运,SF1234567890,
        E2,,,,,,,,,,,TEA-02,碧螺春,2,45.50,,,
        E1,20261122001,shipped,CNY,C1,王女士,vip,2026-11-22T01:00:00Z,,8.00,3.50,SKU-2002,丝巾,2,49.5,顺丰速运,SF1234567890,
        """

        // act
        let orders = try OrderCSV.parse(text, timeZone: shanghai)

        // check
        XCTAssertEqual(orders.map(\.externalId), ["E2", "E1"])
        XCTAssertEqual(orders.map(\.line), [2, 3])
        let e2 = orders[0].upsert
        XCTAssertEqual(e2, OrderUpsert(number: nil, status: "unpaid", currency: "CNY",
                                       lines: [.init(sku: "TEA-01", title: "龙井", quantity: 1, unitPrice: 8800),
                                               .init(sku: "TEA-02", title: "碧螺春", quantity: 2, unitPrice: 4550)],
                                       shippingFee: 0, discount: 0,
                                       buyer: .init(externalId: "C2", name: "李先生", tier: nil),
                                       placedAt: date("2026-11-22T02:00:00Z"), payLink: "https://pay.example.com/E2"))
        let e1 = orders[1].upsert
        XCTAssertEqual(e1.number, "20261122001")
        XCTAssertEqual(e1.lines.map(\.sku), ["SKU-1001", "SKU-2002"])
        XCTAssertEqual(e1.lines.map(\.unitPrice), [26900, 4950])
        XCTAssertEqual(e1.shippingFee, 800)
        XCTAssertEqual(e1.discount, 350)
        XCTAssertEqual(e1.buyer.tier, "VIP")
        XCTAssertEqual(e1.placedAt, date("2026-11-22T01:00:00Z"))
        XCTAssertEqual(e1.paidAt, date("2026-11-22T01:05:00Z"))
        XCTAssertEqual(e1.carrier, "顺丰速运")
        XCTAssertEqual(e1.trackingNo, "SF1234567890")
        XCTAssertEqual(try e1.validated(externalId: "E1").total.minor, 26900 + 2 * 4950 + 800 - 350)
    }

    func testALaterRowMustNotContradictTheFirst() throws {
        // setup
        let text = minimal + "E1,unpaid,CNY,C1,A,a,1,1\nE2,unpaid,CNY,C2,A,a,1,1\nE1,paid,CNY,C1,B,b,1,1\n"

        // act
        let error = parseError(text)

        // check
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertEqual(error?.field, "status")
        XCTAssertEqual(error?.message, "line 4: status 'paid' differs from 'unpaid' on line 2, the first row of order E1; an order column must be empty or the same on every row of the order")
    }

    func testContradictionsAreFoundInEveryOrderColumn() throws {
        // setup
        let columns = "external_id,number,status,currency,buyer_id,buyer_name,buyer_tier,placed_at,paid_at,shipping_fee,discount,sku,title,quantity,unit_price,carrier,tracking_no,pay_link\n"
        let first = "E1,N1,paid,CNY,C1,王,member,2026-11-22 10:00,2026-11-22 10:05,8,1,A,a,1,10,顺丰,SF1,https://pay.example.com/1\n"
        let changes: [(Int, String, String)] = [
            (1, "N2", "number"), (3, "USD", "currency"), (4, "C9", "buyer_id"), (5, "李", "buyer_name"), (6, "vip", "buyer_tier"),
            (7, "2026-11-22 10:01", "placed_at"), (8, "2026-11-22T02:05:01Z", "paid_at"), (9, "8.01", "shipping_fee"),
            (10, "0", "discount"), (15, "圆通", "carrier"), (16, "SF2", "tracking_no"), (17, "https://pay.example.com/2", "pay_link"),
        ]

        // act, check
        for (index, value, column) in changes {
            var cells = Array(repeating: "", count: 18)
            cells[0] = "E1"
            cells[11] = "B"; cells[12] = "b"; cells[13] = "1"; cells[14] = "1"
            cells[index] = value
            let error = parseError(columns + first + cells.joined(separator: ",") + "\n")
            XCTAssertEqual(error?.field, column, column)
            XCTAssertTrue(error?.message.hasPrefix("line 3: \(column) '\(value)' differs from") ?? false, error?.message ?? column)
        }
    }

    func testSameValuesWrittenDifferentlyAgree() throws {
        // setup
        let columns = "external_id,status,currency,buyer_id,buyer_tier,placed_at,shipping_fee,sku,title,quantity,unit_price\n"
        let text = columns
            + "E1,Paid,CNY,C1,VIP,2026-11-22 10:00,8,A,a,1,10\n"
            + "E1,paid,CNY,C1,vip,2026-11-22T02:00:00Z,8.00,B,b,1,10\n"
            + " E1 , paid ,CNY,C1,vip,2026/11/22 10:00:00,8.0,C,c,1,10\n"

        // act
        let orders = try OrderCSV.parse(text, timeZone: shanghai)

        // check
        XCTAssertEqual(orders.count, 1)
        XCTAssertEqual(orders[0].upsert.lines.count, 3)
        XCTAssertEqual(orders[0].upsert.status, "Paid")
        XCTAssertEqual(try orders[0].upsert.validated(externalId: "E1").status, .paid)
    }

    func testDates() throws {
        // setup
        let columns = "external_id,status,currency,buyer_id,placed_at,sku,title,quantity,unit_price\n"
        func placedAt(_ cell: String) throws -> Date? {
            try OrderCSV.parse(columns + "E1,unpaid,CNY,C1,\(cell),A,a,1,1\n", timeZone: shanghai)[0].upsert.placedAt
        }

        // act, check
        XCTAssertEqual(try placedAt("2026-11-22 14:30"), date("2026-11-22T06:30:00Z"))
        XCTAssertEqual(try placedAt("2026-11-22 14:30:05"), date("2026-11-22T06:30:05Z"))
        XCTAssertEqual(try placedAt("2026/11/22 14:30"), date("2026-11-22T06:30:00Z"))
        XCTAssertEqual(try placedAt("2026-11-22T14:30:00+08:00"), date("2026-11-22T06:30:00Z"))
        XCTAssertEqual(try placedAt("2026-11-22T06:30:00Z"), date("2026-11-22T06:30:00Z"))
        XCTAssertEqual(try placedAt("2026-11-22T01:30:00-0500"), date("2026-11-22T06:30:00Z"))
        XCTAssertEqual(try placedAt("2026-11-22T06:30:00.250Z")?.timeIntervalSince1970, date("2026-11-22T06:30:00Z").timeIntervalSince1970 + 0.25)
        XCTAssertEqual(try OrderCSV.parse(columns + "E1,unpaid,CNY,C1,2026-07-01 12:00,A,a,1,1\n",
                                          timeZone: TimeZone(identifier: "Europe/Berlin")!)[0].upsert.placedAt,
                       date("2026-07-01T10:00:00Z"))
        XCTAssertNil(try placedAt(""))
        for bad in ["2026-02-30 10:00", "2026-11-22", "22/11/2026 10:00", "2026-11-22 24:00", "2026-11-22 10:00 PM", "tomorrow",
                    "2026-11-22T10:00:00+25:00", "2026-11/22 10:00"] {
            let error = parseError(columns + "E1,unpaid,CNY,C1,\(bad),A,a,1,1\n")
            XCTAssertEqual(error?.field, "placed_at", bad)
            XCTAssertEqual(error?.message, "line 2: placed_at '\(bad)' is not a date and time; write 2026-11-22 14:30 (Asia/Shanghai) or ISO-8601 such as 2026-11-22T14:30:00+08:00", bad)
        }
    }

    func testLineCellErrors() throws {
        // setup, act
        let quantity = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,1\nE1,,,,B,b,two,1\n")
        let emptyQuantity = parseError(minimal + "E1,unpaid,CNY,C1,A,a,,1\n")
        let price = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,1.999\n")
        let negative = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,-5\n")
        let emptyPrice = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,\n")
        let fee = parseError("external_id,status,currency,buyer_id,shipping_fee,sku,title,quantity,unit_price\nE1,unpaid,CNY,C1,free,A,a,1,1\n")

        // check
        XCTAssertEqual(quantity?.field, "quantity")
        XCTAssertEqual(quantity?.message, "line 3: quantity 'two' is not a whole number")
        XCTAssertEqual(emptyQuantity?.message, "line 2: quantity is empty")
        XCTAssertEqual(price?.field, "unit_price")
        XCTAssertEqual(price?.message, "line 2: unit_price '1.999' has 3 decimals; CNY has 2")
        XCTAssertEqual(negative?.message, "line 2: unit_price must not be negative; got '-5'")
        XCTAssertEqual(emptyPrice?.message, "line 2: unit_price is empty")
        XCTAssertEqual(fee?.field, "shipping_fee")
        XCTAssertEqual(fee?.message, "line 2: shipping_fee 'free' is not an amount; write digits with an optional decimal point, like 12.55")
    }

    func testValidationErrorsNameTheRowAndColumn() throws {
        // setup
        let columns = "external_id,status,currency,buyer_id,buyer_tier,paid_at,discount,sku,title,quantity,unit_price,pay_link\n"

        // act
        let quantity = parseError(columns + "E1,unpaid,CNY,C1,,,,A,a,1,1,\nE1,,,,,,,B,b,0,1,\n")
        let paidAt = parseError(columns + "E1,unpaid,CNY,C1,,2026-11-22 10:00,,A,a,1,1,\n")
        let status = parseError(columns + "E1,lost,CNY,C1,,,,A,a,1,1,\n")
        let tier = parseError(columns + "E1,unpaid,CNY,C1,gold,,,A,a,1,1,\n")
        let buyer = parseError(columns + "E1,unpaid,CNY,,,,,A,a,1,1,\n")
        let discount = parseError(columns + "E1,unpaid,CNY,C1,,,2.01,A,a,1,2,\n")
        let payLink = parseError(columns + "E1,unpaid,CNY,C1,,,,A,a,1,1,weixin://pay\n")
        let title = parseError(columns + "E1,unpaid,CNY,C1,,,,A,a,1,1,\nE1,,,,,,,B,,1,1,\n")
        let currency = parseError(columns + "E1,unpaid,cny,C1,,,,A,a,1,1,\n")

        // check
        XCTAssertEqual(quantity?.field, "quantity")
        XCTAssertEqual(quantity?.message, "line 3: quantity must be between 1 and 9999, got 0")
        XCTAssertEqual(paidAt?.field, "paid_at")
        XCTAssertEqual(paidAt?.message, "line 2: paid_at given but status is unpaid")
        XCTAssertEqual(status?.field, "status")
        XCTAssertTrue(status?.message.hasPrefix("line 2: status must be one of created, unpaid, paid") ?? false, status?.message ?? "")
        XCTAssertEqual(tier?.field, "buyer_tier")
        XCTAssertEqual(tier?.message, "line 2: buyer_tier must be one of regular, member, vip; got 'gold'")
        XCTAssertEqual(buyer?.field, "buyer_id")
        XCTAssertEqual(buyer?.message, "line 2: buyer_id must not be empty")
        XCTAssertEqual(discount?.field, "discount")
        XCTAssertEqual(discount?.message, "line 2: the discount 2.01 CNY is more than the order's 2.00 CNY (goods and shipping)")
        XCTAssertEqual(payLink?.field, "pay_link")
        XCTAssertEqual(title?.field, "title")
        XCTAssertEqual(title?.message, "line 3: title must not be empty")
        XCTAssertEqual(currency?.field, "currency")
    }

    func testASkuAppearsOnceAnOrder() throws {
        // setup, act
        let error = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,1\nE2,unpaid,CNY,C2,A,a,1,1\nE1,,,,A,a again,1,1\n")

        // check
        XCTAssertEqual(error?.field, "sku")
        XCTAssertEqual(error?.message, "line 4: sku 'A' is also on line 2 of order E1; each line of an order needs its own sku")
    }

    func testTheErrorOnTheLowestLineIsReported() throws {
        // setup: order E1 (lines 2 and 5) has a bad price on line 5, order E2 a bad quantity on line 3
        let text = minimal + "E1,unpaid,CNY,C1,A,a,1,1\nE2,unpaid,CNY,C2,A,a,x,1\nE3,unpaid,CNY,C3,A,a,1,1\nE1,,,,B,b,1,oops\n"

        // act
        let error = parseError(text)

        // check
        XCTAssertEqual(error?.message, "line 3: quantity 'x' is not a whole number")
    }

    func testABadExternalIDStopsTheImport() throws {
        // setup, act
        let error = parseError(minimal + "E1,unpaid,CNY,C1,A,a,1,1\n,unpaid,CNY,C1,A,a,1,1\n")

        // check
        XCTAssertEqual(error?.field, "external_id")
        XCTAssertEqual(error?.message, "line 3: external_id must not be empty")
    }

    func testColumnErrors() throws {
        // setup, act
        let unknown = parseError("external_id,status,currency,buyer_id,sku,title,quantity,unit_price,phone\n")
        let missing = parseError("external_id,status,currency,buyer_id,sku,title,quantity\n")

        // check
        XCTAssertEqual(unknown?.field, "phone")
        XCTAssertEqual(unknown?.message, "line 1: unknown column 'phone'; the columns are " + OrderCSV.header.joined(separator: ", "))
        XCTAssertEqual(missing?.field, "unit_price")
        XCTAssertEqual(missing?.message, "line 1: the column 'unit_price' is missing; required are " + OrderCSV.requiredColumns.joined(separator: ", "))
    }

    func testExportThenImportRoundTrips() throws {
        // setup
        let orders: [(externalId: String, upsert: OrderUpsert)] = [
            ("E1", OrderUpsert(number: "20261122001", status: "shipped", currency: "CNY",
                               lines: [.init(sku: "SKU-1001", title: "真丝连衣裙, \"夏\"", quantity: 1, unitPrice: 26900),
                                       .init(sku: "SKU-2002", title: "=cmd|' /C calc'!A0", quantity: 2, unitPrice: 5)],
                               shippingFee: 1000, discount: 250,
                               buyer: .init(externalId: "C1001", name: "@王女士", tier: "vip"),
                               placedAt: date("2026-11-22T02:00:00Z"), paidAt: date("2026-11-22T02:03:07Z"),
                               carrier: "顺丰速运", trackingNo: "SF1234567890", payLink: "https://pay.example.com/E1?a=1,b=2")),
            ("E:2", OrderUpsert(status: "unpaid", currency: "JPY", lines: [.init(sku: "-A", title: "+抹茶", quantity: 9999, unitPrice: 1200)],
                                buyer: .init(externalId: "C2", tier: nil))),
        ]

        // act
        let text = OrderCSV.format(orders, timeZone: shanghai)
        let parsed = try OrderCSV.parse(text, timeZone: shanghai)

        // check
        XCTAssertEqual(parsed.map(\.externalId), ["E1", "E:2"])
        XCTAssertEqual(parsed.map(\.upsert), orders.map(\.upsert))
        XCTAssertEqual(parsed.map(\.line), [2, 4])
        XCTAssertTrue(text.contains(",2026-11-22T10:00:00+08:00,2026-11-22T10:03:07+08:00,10.00,2.50,SKU-1001,"), text)
        XCTAssertTrue(text.contains("'=cmd"), text)
        XCTAssertTrue(text.contains(",'-A,'+抹茶,9999,1200,"), text)
    }

    func testExportOfValidOrdersInUTC() throws {
        // setup
        let valid = try OrderUpsert(status: "paid", currency: "CNY", lines: [.init(sku: "A", title: "a", quantity: 1, unitPrice: 100)],
                                    buyer: .init(externalId: "C1"), placedAt: date("2026-11-22T02:00:00Z"),
                                    paidAt: date("2026-11-22T02:00:30Z")).validated(externalId: "E1")
        let utc = TimeZone(secondsFromGMT: 0)!

        // act
        let text = OrderCSV.format([valid], timeZone: utc)
        let parsed = try OrderCSV.parse(text, timeZone: shanghai)

        // check
        XCTAssertTrue(text.contains("2026-11-22T02:00:00Z,2026-11-22T02:00:30Z"), text)
        XCTAssertEqual(try parsed[0].upsert.validated(externalId: "E1"), valid)
    }
}
