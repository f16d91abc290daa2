import Foundation
import KefuCore
import XCTest

final class OrderStatusTests: XCTestCase {
    typealias S = OrderStatus

    /// Every allowed move (from, to); rejections of requests name the status before them.
    let allowed: [(S, S)] = [
        (.created, .unpaid), (.created, .cancelled),
        (.unpaid, .paid), (.unpaid, .cancelled),
        (.paid, .shipped), (.paid, .refundRequested),
        (.shipped, .delivered), (.shipped, .returnRequested), (.shipped, .refundRequested),
        (.delivered, .completed), (.delivered, .returnRequested), (.delivered, .refundRequested),
        (.refundRequested, .refunded), (.refundRequested, .paid), (.refundRequested, .shipped), (.refundRequested, .delivered),
        (.returnRequested, .returned), (.returnRequested, .shipped), (.returnRequested, .delivered),
    ]

    func testRawValuesAreSnakeCase() throws {
        // setup, act, check
        XCTAssertEqual(S.allCases.map(\.rawValue), ["created", "unpaid", "paid", "shipped", "delivered", "completed", "cancelled",
                                                    "refund_requested", "refunded", "return_requested", "returned"])
        XCTAssertEqual(try JSONDecoder().decode(S.self, from: Data(#""refund_requested""#.utf8)), .refundRequested)
    }

    func testEveryAllowedMoveSucceeds() throws {
        // setup, act, check
        for (from, to) in allowed {
            let before: S? = from.isRequest ? to : nil
            XCTAssertEqual(try from.transition(to: to, statusBeforeRequest: before), to, "\(from) → \(to)")
        }
    }

    func testTheGraphIsExactlyTheAllowedList() {
        // setup
        var expected: [S: Set<S>] = [:]
        for (from, to) in allowed { expected[from, default: []].insert(to) }

        // act, check
        for status in S.allCases {
            XCTAssertEqual(status.allowedNext, expected[status] ?? [], "\(status)")
            XCTAssertEqual(status.isFinal, expected[status] == nil, "\(status)")
        }
    }

    func testEveryOtherMoveIsRefused() {
        // setup
        let allowedPairs = Set(allowed.map { "\($0.0.rawValue)>\($0.1.rawValue)" })

        // act, check
        for from in S.allCases {
            for to in S.allCases where !allowedPairs.contains("\(from.rawValue)>\(to.rawValue)") {
                XCTAssertThrowsError(try from.transition(to: to, statusBeforeRequest: to), "\(from) → \(to)") { error in
                    XCTAssertEqual((error as? DomainError)?.kind, .conflict)
                    XCTAssertEqual((error as? DomainError)?.code, "status_transition")
                    XCTAssertEqual((error as? DomainError)?.field, "status")
                }
            }
        }
    }

    func testRefusalsNameTheAllowedStatuses() {
        // setup
        let cases: [(S, S, String)] = [
            (.shipped, .unpaid, "an order that is shipped cannot become unpaid; allowed: delivered, return_requested, refund_requested"),
            (.paid, .cancelled, "an order that is paid cannot become cancelled; allowed: shipped, refund_requested"),
            (.created, .paid, "an order that is created cannot become paid; allowed: unpaid, cancelled"),
            (.completed, .refundRequested, "an order that is completed cannot become refund_requested; completed is final"),
            (.cancelled, .unpaid, "an order that is cancelled cannot become unpaid; cancelled is final"),
            (.unpaid, .unpaid, "the order is already unpaid"),
            (.returnRequested, .paid, "an order that is return_requested cannot become paid; allowed: returned, shipped, delivered"),
        ]

        // act, check
        for (from, to, message) in cases {
            XCTAssertThrowsError(try from.transition(to: to)) { XCTAssertEqual(($0 as? DomainError)?.message, message) }
        }
    }

    func testARejectedRequestReturnsOnlyToTheStatusBeforeIt() throws {
        // setup, act, check
        XCTAssertEqual(try S.refundRequested.transition(to: .shipped, statusBeforeRequest: .shipped), .shipped)
        XCTAssertThrowsError(try S.refundRequested.transition(to: .paid, statusBeforeRequest: .shipped)) {
            XCTAssertEqual(($0 as? DomainError)?.message, "a refund requested while the order was shipped can only be rejected back to shipped, not paid")
        }
        XCTAssertThrowsError(try S.returnRequested.transition(to: .delivered)) {
            XCTAssertEqual(($0 as? DomainError)?.message,
                           "rejecting a return request returns the order to the status it had before the request; that status is not known")
        }
        XCTAssertEqual(try S.refundRequested.transition(to: .refunded), .refunded, "accepting needs no earlier status")
        XCTAssertEqual(try S.returnRequested.transition(to: .returned, statusBeforeRequest: .delivered), .returned)
    }

    func testBeforePayment() {
        // setup, act, check
        XCTAssertEqual(S.allCases.filter(\.isBeforePayment), [.created, .unpaid])
        XCTAssertEqual(S.allCases.filter(\.isRequest), [.refundRequested, .returnRequested])
    }
}
