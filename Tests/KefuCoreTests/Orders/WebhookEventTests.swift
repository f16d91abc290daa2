import Foundation
import KefuCore
import XCTest

final class WebhookEventTests: XCTestCase {
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

    func testRawValues() throws {
        // setup, act, check
        XCTAssertEqual(WebhookEvent.allCases.map(\.rawValue), ["order.price_changed", "order.reminded", "case.updated", "compensation.approved",
                                                              "sla.warned", "sla.breached", "automation.fired"])
        XCTAssertEqual(try JSONDecoder().decode([WebhookEvent].self, from: Data(#"["order.reminded"]"#.utf8)), [.orderReminded])
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([WebhookEvent.orderPriceChanged]), as: UTF8.self), #"["order.price_changed"]"#)
    }

    func testParseKeepsOrderAndDropsRepeats() throws {
        // setup, act
        let events = try WebhookEvent.parse(["order.reminded", " order.price_changed ", "order.reminded"])

        // check
        XCTAssertEqual(events, [.orderReminded, .orderPriceChanged])
    }

    func testUnknownAndEmptyAreRefused() throws {
        // setup, act
        let unknown = domainError { _ = try WebhookEvent.parse(["order.price_changed", "order.paid"]) }
        let empty = domainError { _ = try WebhookEvent.parse([]) }

        // check
        XCTAssertEqual(unknown?.field, "events")
        XCTAssertEqual(unknown?.message, "events: unknown event 'order.paid'; the events are order.price_changed, order.reminded, case.updated, compensation.approved, sla.warned, sla.breached, automation.fired")
        XCTAssertEqual(empty?.field, "events")
        XCTAssertEqual(empty?.message, "events must name at least one event: order.price_changed, order.reminded, case.updated, compensation.approved, sla.warned, sla.breached, automation.fired")
        XCTAssertEqual(domainError { _ = try WebhookEvent.parse(["ORDER.REMINDED"]) }?.field, "events")
    }
}
