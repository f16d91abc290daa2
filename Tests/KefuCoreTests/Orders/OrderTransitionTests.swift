import Foundation
import KefuCore
import XCTest

final class OrderTransitionTests: XCTestCase {
    typealias S = OrderStatus

    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    func amounts(unitPrice: Int64 = 1000, quantity: Int = 1, title: String = "龙井", shipping: Int64 = 800,
                 discount: Int64 = 0) throws -> OrderAmounts {
        OrderAmounts(lines: [OrderLine(sku: "TEA-01", title: title, quantity: quantity, unitPrice: try cny(unitPrice))],
                     shippingFee: try cny(shipping), discount: try cny(discount))
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

    func testANewOrderMayHaveAnyStatus() throws {
        // setup, act, check
        for status in S.allCases {
            let result = try OrderTransition.check(current: nil, statusBeforeRequest: nil, requested: status)
            XCTAssertEqual(result.status, status)
            XCTAssertNil(result.statusBeforeRequest)
        }
    }

    func testTheSameStatusIsANoOp() throws {
        // setup, act
        let shipped = try OrderTransition.check(current: .shipped, statusBeforeRequest: nil, requested: .shipped)
        let request = try OrderTransition.check(current: .refundRequested, statusBeforeRequest: .delivered, requested: .refundRequested)
        let final = try OrderTransition.check(current: .completed, statusBeforeRequest: nil, requested: .completed)

        // check
        XCTAssertEqual(shipped.status, .shipped)
        XCTAssertNil(shipped.statusBeforeRequest)
        XCTAssertEqual(request.status, .refundRequested)
        XCTAssertEqual(request.statusBeforeRequest, .delivered)
        XCTAssertEqual(final.status, .completed)
    }

    func testOrdinaryMovesClearTheStatusBeforeRequest() throws {
        // setup, act
        let paid = try OrderTransition.check(current: .unpaid, statusBeforeRequest: nil, requested: .paid)
        let shipped = try OrderTransition.check(current: .paid, statusBeforeRequest: nil, requested: .shipped)

        // check
        XCTAssertEqual(paid.status, .paid)
        XCTAssertNil(paid.statusBeforeRequest)
        XCTAssertEqual(shipped.status, .shipped)
    }

    func testEnteringARequestRemembersTheStatusBefore() throws {
        // setup, act
        let refund = try OrderTransition.check(current: .shipped, statusBeforeRequest: nil, requested: .refundRequested)
        let ret = try OrderTransition.check(current: .delivered, statusBeforeRequest: nil, requested: .returnRequested)

        // check
        XCTAssertEqual(refund.status, .refundRequested)
        XCTAssertEqual(refund.statusBeforeRequest, .shipped)
        XCTAssertEqual(ret.statusBeforeRequest, .delivered)
    }

    func testLeavingARequestClearsTheStatusBefore() throws {
        // setup, act
        let rejected = try OrderTransition.check(current: .refundRequested, statusBeforeRequest: .shipped, requested: .shipped)
        let refunded = try OrderTransition.check(current: .refundRequested, statusBeforeRequest: .shipped, requested: .refunded)
        let returned = try OrderTransition.check(current: .returnRequested, statusBeforeRequest: .delivered, requested: .returned)

        // check
        XCTAssertEqual(rejected.status, .shipped)
        XCTAssertNil(rejected.statusBeforeRequest)
        XCTAssertEqual(refunded.status, .refunded)
        XCTAssertNil(refunded.statusBeforeRequest)
        XCTAssertEqual(returned.status, .returned)
    }

    func testARejectionGoesBackOnlyToTheStatusBefore() throws {
        // setup, act
        let error = domainError { _ = try OrderTransition.check(current: .refundRequested, statusBeforeRequest: .shipped, requested: .delivered) }

        // check
        XCTAssertEqual(error?.kind, .conflict)
        XCTAssertEqual(error?.code, "transition_not_allowed")
        XCTAssertEqual(error?.field, "status")
        XCTAssertEqual(error?.message, "an order that is refund_requested cannot become delivered; allowed next: refunded, shipped")
    }

    func testARejectionWithTheStatusBeforeUnknownGoesWhereTheGraphAllows() throws {
        // setup, act
        let back = try OrderTransition.check(current: .refundRequested, statusBeforeRequest: nil, requested: .delivered)
        let error = domainError { _ = try OrderTransition.check(current: .returnRequested, statusBeforeRequest: nil, requested: .paid) }

        // check
        XCTAssertEqual(back.status, .delivered)
        XCTAssertNil(back.statusBeforeRequest)
        XCTAssertEqual(error?.message, "an order that is return_requested cannot become paid; allowed next: delivered, returned, shipped")
    }

    func testAMoveTheGraphRefusesIsAConflict() throws {
        // setup, act
        let backwards = domainError { _ = try OrderTransition.check(current: .shipped, statusBeforeRequest: nil, requested: .unpaid) }
        let final = domainError { _ = try OrderTransition.check(current: .completed, statusBeforeRequest: nil, requested: .paid) }
        let paidToCancelled = domainError { _ = try OrderTransition.check(current: .paid, statusBeforeRequest: nil, requested: .cancelled) }

        // check
        XCTAssertEqual(backwards?.kind, .conflict)
        XCTAssertEqual(backwards?.code, "transition_not_allowed")
        XCTAssertEqual(backwards?.field, "status")
        XCTAssertEqual(backwards?.message, "an order that is shipped cannot become unpaid; allowed next: delivered, refund_requested, return_requested")
        XCTAssertEqual(final?.message, "an order that is completed cannot become paid; completed is final")
        XCTAssertEqual(paidToCancelled?.message, "an order that is paid cannot become cancelled; allowed next: refund_requested, shipped")
    }

    func testEveryMoveOfTheGraphIsAccepted() throws {
        // setup, act, check
        for from in S.allCases {
            for to in from.allowedNext {
                let before: S? = from.isRequest ? to : nil
                XCTAssertEqual(try OrderTransition.check(current: from, statusBeforeRequest: before, requested: to).status, to, "\(from) → \(to)")
            }
            for to in S.allCases where to != from && !from.allowedNext.contains(to) {
                XCTAssertEqual(domainError { _ = try OrderTransition.check(current: from, statusBeforeRequest: nil, requested: to) }?.code,
                               "transition_not_allowed", "\(from) → \(to)")
            }
        }
    }

    func testAllowedNext() throws {
        // setup, act, check
        XCTAssertEqual(OrderTransition.allowedNext(.refundRequested, statusBeforeRequest: .paid), [.refunded, .paid])
        XCTAssertEqual(Set(OrderTransition.allowedNext(.refundRequested, statusBeforeRequest: nil)), [.refunded, .paid, .shipped, .delivered])
        XCTAssertEqual(OrderTransition.allowedNext(.cancelled, statusBeforeRequest: nil), [])
    }

    func testAmountsMayChangeBeforePayment() throws {
        // setup
        let old = try amounts()
        let new = try amounts(unitPrice: 900, quantity: 2, shipping: 0, discount: 100)

        // act, check
        XCTAssertNoThrow(try OrderTransition.checkAmountsChange(current: .created, old: old, new: new))
        XCTAssertNoThrow(try OrderTransition.checkAmountsChange(current: .unpaid, old: old, new: new))
    }

    func testAmountsAreLockedAfterPayment() throws {
        // setup
        let old = try amounts()

        // act
        let price = domainError { try OrderTransition.checkAmountsChange(current: .paid, old: old, new: try self.amounts(unitPrice: 900)) }
        let quantity = domainError { try OrderTransition.checkAmountsChange(current: .shipped, old: old, new: try self.amounts(quantity: 2)) }
        let shipping = domainError { try OrderTransition.checkAmountsChange(current: .paid, old: old, new: try self.amounts(shipping: 0)) }
        let discount = domainError { try OrderTransition.checkAmountsChange(current: .cancelled, old: old, new: try self.amounts(discount: 1)) }

        // check
        XCTAssertEqual(price?.kind, .conflict)
        XCTAssertEqual(price?.code, "amounts_locked")
        XCTAssertEqual(price?.field, "lines")
        XCTAssertEqual(price?.message, "the order is paid; its lines, shipping fee and discount can change only while it is created or unpaid (the lines differ)")
        XCTAssertEqual(quantity?.field, "lines")
        XCTAssertEqual(shipping?.field, "shippingFee")
        XCTAssertEqual(shipping?.message, "the order is paid; its lines, shipping fee and discount can change only while it is created or unpaid (the shipping fee differs: 8.00 CNY → 0.00 CNY)")
        XCTAssertEqual(discount?.field, "discount")
    }

    func testUnchangedAmountsAndNewTitlesPassAfterPayment() throws {
        // setup
        let old = try amounts()

        // act, check
        XCTAssertNoThrow(try OrderTransition.checkAmountsChange(current: .delivered, old: old, new: try amounts()))
        XCTAssertNoThrow(try OrderTransition.checkAmountsChange(current: .paid, old: old, new: try amounts(title: "西湖龙井 250g")))
    }
}
