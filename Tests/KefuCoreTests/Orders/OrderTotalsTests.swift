import Foundation
import KefuCore
import XCTest

final class OrderTotalsTests: XCTestCase {
    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    func line(_ sku: String = "TEA-01", quantity: Int = 1, unitPrice: Int64 = 1000) throws -> OrderLine {
        OrderLine(sku: sku, title: "龙井 250g", quantity: quantity, unitPrice: try cny(unitPrice))
    }

    /// The `DomainError` thrown by `body`, or nil.
    func domainError(_ body: () throws -> Void) -> DomainError? {
        do { try body() } catch { return error as? DomainError }
        return nil
    }

    func testSubtotalAndTotal() throws {
        // setup: 2 × ¥19.90 + 1 × ¥5.50, shipping ¥8.00, ¥3.00 off
        let amounts = OrderAmounts(lines: [try line(quantity: 2, unitPrice: 1990), try line("CUP-02", unitPrice: 550)],
                                   shippingFee: try cny(800), discount: try cny(300))

        // act
        let subtotal = try amounts.subtotal
        let total = try amounts.total

        // check
        XCTAssertEqual(subtotal, try cny(4530))
        XCTAssertEqual(total, try cny(5030))
        XCTAssertEqual(try amounts.lines[0].amount, try cny(3980))
        XCTAssertEqual(amounts.currency, "CNY")
    }

    func testTheTotalMayBeZeroButNotBelow() throws {
        // setup
        var amounts = OrderAmounts(lines: [try line(unitPrice: 1000)], shippingFee: try cny(500), discount: try cny(1500))

        // act
        let zero = try amounts.total
        amounts.discount = try cny(1501)
        let error = domainError { _ = try amounts.total }

        // check
        XCTAssertEqual(zero, try cny(0))
        XCTAssertEqual(error?.field, "discount")
        XCTAssertEqual(error?.message, "the discount 15.01 CNY is more than the order's 15.00 CNY (goods and shipping)")
    }

    func testOneCurrencyPerOrder() throws {
        // setup
        let dollars = OrderLine(sku: "X", title: "X", quantity: 1, unitPrice: try Money(minor: 100, currency: "USD"))
        let mixedLine = OrderAmounts(lines: [try line(), dollars], shippingFee: try cny(0), discount: try cny(0))
        let mixedDiscount = OrderAmounts(lines: [try line()], shippingFee: try cny(0), discount: try Money(minor: 1, currency: "USD"))

        // act, check
        XCTAssertEqual(domainError { _ = try mixedLine.total }?.field, "lines[1].unitPrice")
        XCTAssertEqual(domainError { _ = try mixedLine.total }?.message, "lines[1].unitPrice is in USD but the order is in CNY")
        XCTAssertEqual(domainError { _ = try mixedDiscount.subtotal }?.code, "currency_mismatch")
    }

    func testLinesAreValidated() throws {
        // setup
        let cases: [(OrderLine, String)] = [
            (try line(quantity: 0), "lines[0].quantity"),
            (try line(quantity: 10_000), "lines[0].quantity"),
            (try line(unitPrice: -1), "lines[0].unitPrice"),
            (try line("  "), "lines[0].sku"),
            (OrderLine(sku: "A", title: "", quantity: 1, unitPrice: try cny(1)), "lines[0].title"),
        ]

        // act, check
        for (bad, field) in cases {
            let amounts = OrderAmounts(lines: [bad], shippingFee: try cny(0), discount: try cny(0))
            XCTAssertEqual(domainError { try amounts.validate() }?.field, field)
        }
        XCTAssertEqual(domainError { try self.line(quantity: 0).validate() }?.message, "line.quantity must be between 1 and 9999, got 0")
        XCTAssertNoThrow(try line(quantity: 9999).validate())
    }

    func testOrderLevelChecks() throws {
        // setup
        let empty = OrderAmounts(lines: [], shippingFee: try cny(0), discount: try cny(0))
        let tooMany = OrderAmounts(lines: Array(repeating: try line(), count: 201), shippingFee: try cny(0), discount: try cny(0))
        let negativeFee = OrderAmounts(lines: [try line()], shippingFee: try cny(-1), discount: try cny(0))
        let negativeDiscount = OrderAmounts(lines: [try line()], shippingFee: try cny(0), discount: try cny(-1))

        // act, check
        XCTAssertEqual(domainError { try empty.validate() }?.message, "an order needs at least one line")
        XCTAssertEqual(domainError { try tooMany.validate() }?.field, "lines")
        XCTAssertEqual(domainError { try negativeFee.validate() }?.field, "shippingFee")
        XCTAssertEqual(domainError { try negativeDiscount.validate() }?.field, "discount")
    }

    func testOverflowIsAnError() throws {
        // setup
        let huge = OrderAmounts(lines: [try line(quantity: 2, unitPrice: .max / 2 + 1)], shippingFee: try cny(0), discount: try cny(0))
        let sumTooBig = OrderAmounts(lines: [try line(unitPrice: .max)], shippingFee: try cny(1), discount: try cny(0))

        // act, check
        XCTAssertEqual(domainError { _ = try huge.subtotal }?.code, "amount_too_large")
        XCTAssertEqual(domainError { _ = try sumTooBig.total }?.code, "amount_too_large")
    }

    func testCodableRoundTrip() throws {
        // setup
        let amounts = OrderAmounts(lines: [try line(quantity: 3)], shippingFee: try cny(0), discount: try cny(100))

        // act
        let again = try JSONDecoder().decode(OrderAmounts.self, from: JSONEncoder().encode(amounts))

        // check
        XCTAssertEqual(again, amounts)
    }
}
