import Foundation
import KefuCore
import XCTest

final class PriceChangePolicyTests: XCTestCase {
    let limits = PriceChangeLimits.standard

    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    func decide(_ original: Int64, _ new: Int64, role: String = "agent", status: OrderStatus = .unpaid,
                target: PriceChangeTarget = .unitPrice, reason: String = "老客户") throws -> PriceChangeDecision {
        PriceChangePolicy.decide(original: try cny(original), new: try cny(new), role: role, limits: limits,
                                 orderStatus: status, target: target, reason: reason)
    }

    /// The error of a `.refused` decision.
    func refusal(_ decision: PriceChangeDecision) -> DomainError? {
        if case .refused(let error) = decision { return error }
        XCTFail("not refused: \(decision)")
        return nil
    }

    func testDiscountPercentIsRoundedUp() throws {
        // setup, act, check
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(1000), new: try cny(900)), 10)
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(1000), new: try cny(901)), 10, "9.9 % → 10")
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(1000), new: try cny(899)), 11, "10.1 % → 11")
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(10_000), new: try cny(9_999)), 1, "0.01 % → 1")
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(1000), new: try cny(0)), 100)
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(1000), new: try cny(1200)), 0, "a raise is no discount")
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(.max - 1), new: try cny((.max - 1) / 2)), 50, "no overflow")
        XCTAssertEqual(PriceChangePolicy.discountPercent(original: try cny(.max), new: try cny(.max / 2)), 51, "a hair over 50 %")
    }

    func testAgentsMayGiveUpToTheirLimit() throws {
        // setup, act, check
        XCTAssertEqual(try decide(1000, 900), .allowed, "exactly 10 %")
        XCTAssertEqual(try decide(1000, 950, status: .created), .allowed)
        XCTAssertEqual(try decide(1000, 1000), .allowed, "no change")
        XCTAssertEqual(try decide(1000, 899),
                       .needsApproval("a discount of 11% on the unit price is above the agent limit of 10%; needs approval by a supervisor, an admin or an owner"))
        XCTAssertEqual(try decide(1000, 600),
                       .needsApproval("a discount of 40% on the unit price is above the agent limit of 10%; needs approval by an admin or an owner"))
    }

    func testSupervisorsAndAdminsHaveHigherLimits() throws {
        // setup, act, check
        XCTAssertEqual(try decide(1000, 700, role: "supervisor"), .allowed)
        XCTAssertEqual(try decide(1000, 699, role: "supervisor"),
                       .needsApproval("a discount of 31% on the unit price is above the supervisor limit of 30%; needs approval by an admin or an owner"))
        XCTAssertEqual(try decide(1000, 0, role: "admin"), .allowed, "a free gift")
        XCTAssertEqual(try decide(1000, 999, role: "intern"),
                       .needsApproval("a discount of 1% on the unit price is above the intern limit of 0%; needs approval by an agent, a supervisor, an admin or an owner"),
                       "a role without a limit may give nothing")
    }

    func testRaisesNeedApprovalBelowSupervisor() throws {
        // setup, act, check
        XCTAssertEqual(try decide(1000, 1200), .needsApproval("raising the unit price from 10.00 CNY to 12.00 CNY needs approval by a supervisor, an admin or an owner"))
        XCTAssertEqual(try decide(1000, 1200, role: "supervisor"), .allowed)
    }

    func testShippingFeeUsesTheSameRuleAndFreeShippingIsAHundredPercent() throws {
        // setup
        let generous = PriceChangeLimits(maxDiscountPercent: ["agent": 10, "owner": 100], maxShippingDiscountPercent: ["agent": 100])

        // act
        let freeByAgent = try decide(800, 0, target: .shippingFee)
        let freeWithOverride = PriceChangePolicy.decide(original: try cny(800), new: try cny(0), role: "agent", limits: generous,
                                                        orderStatus: .unpaid, target: .shippingFee, reason: "包邮")

        // check
        XCTAssertEqual(try decide(1000, 900, target: .shippingFee), .allowed)
        XCTAssertEqual(freeByAgent, .needsApproval("a discount of 100% on the shipping fee is above the agent limit of 10%; needs approval by a supervisor, an admin or an owner"))
        XCTAssertEqual(freeWithOverride, .allowed)
        XCTAssertEqual(generous.limit(for: "owner", on: .shippingFee), 100, "no shipping entry: the unit-price limit")
    }

    func testRefusals() throws {
        // setup
        let paid = refusal(try decide(1000, 900, status: .paid))
        let negative = refusal(try decide(1000, -1))
        let noReason = refusal(try decide(1000, 900, reason: "  \n"))
        let longReason = refusal(try decide(1000, 900, reason: String(repeating: "因", count: 201)))
        let dollars = refusal(PriceChangePolicy.decide(original: try cny(1000), new: try Money(minor: 900, currency: "USD"), role: "agent",
                                                       limits: limits, orderStatus: .unpaid, reason: "x"))
        let nobody = refusal(PriceChangePolicy.decide(original: try cny(1000), new: try cny(0), role: "agent",
                                                      limits: PriceChangeLimits(maxDiscountPercent: ["agent": 10]), orderStatus: .unpaid, reason: "x"))

        // check
        XCTAssertEqual(paid?.message, "the unit price can only change before payment; this order is paid")
        XCTAssertEqual(paid?.kind, .conflict)
        XCTAssertEqual(negative?.field, "unitPrice")
        XCTAssertEqual(noReason?.field, "reason")
        XCTAssertEqual(longReason?.field, "reason")
        XCTAssertEqual(dollars?.code, "currency_mismatch")
        XCTAssertEqual(nobody?.message, "a discount of 100% on the unit price is above every role's limit")
    }

    func testLimitsDecodeAndValidate() throws {
        // setup
        let json = #"{"maxDiscountPercent":{"agent":5,"supervisor":20}}"#

        // act
        let decoded = try JSONDecoder().decode(PriceChangeLimits.self, from: Data(json.utf8))
        let again = try JSONDecoder().decode(PriceChangeLimits.self, from: JSONEncoder().encode(PriceChangeLimits.standard))

        // check
        XCTAssertEqual(decoded, PriceChangeLimits(maxDiscountPercent: ["agent": 5, "supervisor": 20]))
        XCTAssertEqual(decoded.rolesAllowedToRaise, ["supervisor", "admin", "owner"])
        XCTAssertEqual(again, .standard)
        XCTAssertNoThrow(try PriceChangeLimits.standard.validate())
        XCTAssertThrowsError(try PriceChangeLimits(maxDiscountPercent: ["agnet": 10]).validate()) {
            XCTAssertEqual(($0 as? DomainError)?.message, "priceChangeLimits.maxDiscountPercent: unknown role 'agnet'; use owner, admin, supervisor, agent")
        }
        XCTAssertThrowsError(try PriceChangeLimits(maxDiscountPercent: [:], maxShippingDiscountPercent: ["agent": 101]).validate()) {
            XCTAssertEqual(($0 as? DomainError)?.message, "priceChangeLimits.maxShippingDiscountPercent.agent must be between 0 and 100, got 101")
        }
        XCTAssertThrowsError(try PriceChangeLimits(maxDiscountPercent: [:], rolesAllowedToRaise: ["boss"]).validate())
    }
}
