import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// After-sale cases and the compensation ledger: an exchange case with its deadline, the
/// solution card the customer accepts, a coupon above the agent's limit approved by a
/// supervisor, a reversal, and the paid-amount ceiling.
final class AfterSalesTests: XCTestCase {
    struct World {
        var f: OrdersFixture
        var ticket: TicketDTO
        var supervisor: Credentials
    }

    private func world() async throws -> World {
        let f = try await OrdersFixture.make(for: self)
        _ = try await f.putOrder("E1", OrdersFixture.orderJSON(status: "paid", extra: #","paidAt":"2026-11-22T10:05:00+08:00""#))
        let created = try await f.app.send(.POST, "/api/v1/conversations/\(f.buyer.conversation.id!)/ticket", as: f.agent,
                                           json: #"{"subject":"大衣破损","type":"complaint","orderIds":["E1"]}"#)
        XCTAssertEqual(created.status, .created, created.body.string)
        let supervisor = try await Team.createMember(
            .init(email: "li@shop.test", password: TestShop.password, displayName: "小李", agentNumber: 22, role: .supervisor,
                  inboxIDs: [f.shop.inbox.id!]), accountID: f.shop.account.id!, app: f.app, on: f.app.db) { _, _ in }
        return World(f: f, ticket: try created.content.decode(TicketDTO.self), supervisor: try await Credentials.session(for: supervisor, on: f.app.db))
    }

    func testAnExchangeCaseRunsWithDeadlinesAndTheCustomerAcceptsTheSolution() async throws {
        // setup
        let w = try await world()
        let app = w.f.app
        // act: open the case
        let opened = try await app.send(.POST, "/api/v1/tickets/\(w.ticket.id)/cases", as: w.f.agent,
                                        json: #"{"kind":"exchange","reason":"damaged","orderId":"E1","lines":[{"sku":"DRESS-FR","quantity":1}],"description":"左袖破洞"}"#)
        // check: requested, due in 24 h by the shop's policy, order linked
        XCTAssertEqual(opened.status, .created, opened.body.string)
        let c = try opened.content.decode(CaseDTO.self)
        XCTAssertEqual(c.state, .requested)
        XCTAssertEqual(c.deadline?.source, "policy")
        XCTAssertEqual(Double(c.deadline?.secondsLeft ?? 0), 24 * 3600, accuracy: 60)
        XCTAssertEqual(c.order?.externalId, "E1")
        XCTAssertEqual(c.nextStates, [.sellerReview, .agreed, .refused, .platformIntervention, .closed])
        // an exchange needs the goods back: agreed → awaiting_return, not done
        _ = try await app.send(.PATCH, "/api/v1/cases/\(c.id)", as: w.f.agent, json: #"{"state":"agreed"}"#)
        let skip = try await app.send(.PATCH, "/api/v1/cases/\(c.id)", as: w.f.agent, json: #"{"state":"done"}"#)
        XCTAssertEqual(skip.status, .conflict)
        XCTAssertEqual(skip.errorField, "state")
        // the platform sets its own deadline for the return
        let platformDue = try await app.send(.PATCH, "/api/v1/cases/\(c.id)", as: w.f.platform,
                                             json: #"{"state":"awaiting_return","dueAt":"2030-01-01T00:00:00Z"}"#)
        XCTAssertEqual(try platformDue.content.decode(CaseDTO.self).deadline?.source, "platform")
        // the procedure's steps and the solution card
        _ = try await app.send(.POST, "/api/v1/cases/\(c.id)/steps", as: w.f.agent, json: #"{"step":"acknowledge"}"#)
        let proposed = try await app.send(.POST, "/api/v1/cases/\(c.id)/solution", as: w.f.agent, json: #"{"solution":"为您换一件新的，并补偿 20 元优惠券"}"#)
        XCTAssertEqual(proposed.status, .ok, proposed.body.string)
        XCTAssertEqual(Set(try proposed.content.decode(CaseDTO.self).steps.keys), ["acknowledge", "propose"])
        let card = try await Message.query(on: app.db).filter(\.$conversationID == w.f.buyer.conversation.id!).all()
            .first { MessagePayload.decode($0.payload)?.type == .caseCard }
        XCTAssertEqual(MessagePayload.decode(card?.payload)?.afterSale?.caseId, c.id)
        // the customer accepts in the widget (a second answer is refused)
        let answer = try await app.send(.POST, "/api/v1/widget/cases/\(c.id)/answer?token=\(w.f.buyer.token)", json: #"{"answer":"accepted"}"#)
        XCTAssertEqual(answer.status, .ok, answer.body.string)
        let again = try await app.send(.POST, "/api/v1/widget/cases/\(c.id)/answer?token=\(w.f.buyer.token)", json: #"{"answer":"refused"}"#)
        XCTAssertEqual(again.status, .conflict)
        let after = try await app.send(.GET, "/api/v1/cases/\(c.id)", as: w.f.agent).content.decode(CaseDTO.self)
        XCTAssertEqual(after.customerAnswer, .accepted)
        // the ticket's timeline tells the story; the webhook events are queued
        let ticket = try await app.send(.GET, "/api/v1/tickets/\(w.ticket.id)", as: w.f.agent).content.decode(TicketDTO.self)
        // opened, agreed, awaiting return (with the platform's due time), acknowledged, the solution
        XCTAssertEqual(ticket.entries.filter { $0.kind == .afterSale }.count, 5)
        XCTAssertEqual(ticket.entries.last?.kind, .customer)
        let updates = try await (app.db as! any SQLDatabase).raw("SELECT kind FROM event_outbox WHERE kind = 'case.updated'").all()
        XCTAssertEqual(updates.count, 6, "the five above and the customer's answer, each one event")
    }

    func testAnAnswerGoesOnlyToTheSolutionTheCustomerReadAndOtherDevicesSeeIt() async throws {
        let w = try await world()
        let app = w.f.app
        let opened = try await app.send(.POST, "/api/v1/tickets/\(w.ticket.id)/cases", as: w.f.agent,
                                        json: #"{"kind":"compensation","reason":"damaged","orderId":"E1"}"#)
        let c = try opened.content.decode(CaseDTO.self)
        _ = try await app.send(.POST, "/api/v1/cases/\(c.id)/solution", as: w.f.agent, json: #"{"solution":"补偿 10 元优惠券"}"#)
        _ = try await app.send(.POST, "/api/v1/cases/\(c.id)/solution", as: w.f.agent, json: #"{"solution":"补偿 20 元优惠券"}"#)
        // the customer answers the card they read, which is the older one: refused, nothing recorded
        let stale = try await app.send(.POST, "/api/v1/widget/cases/\(c.id)/answer?token=\(w.f.buyer.token)",
                                       json: #"{"answer":"accepted","solution":"补偿 10 元优惠券"}"#)
        XCTAssertEqual(stale.status, .conflict)
        XCTAssertEqual(stale.errorCode, "solution_changed")
        let before = try await app.send(.GET, "/api/v1/widget/cases/\(c.id)?token=\(w.f.buyer.token)").content.decode(CaseCardDTO.self)
        XCTAssertNil(before.answer)
        XCTAssertEqual(before.solution, "补偿 20 元优惠券")
        // the current one is accepted; another device reads the answer
        let ok = try await app.send(.POST, "/api/v1/widget/cases/\(c.id)/answer?token=\(w.f.buyer.token)",
                                    json: #"{"answer":"accepted","solution":"补偿 20 元优惠券"}"#)
        XCTAssertEqual(ok.status, .ok, ok.body.string)
        let card = try await app.send(.GET, "/api/v1/widget/cases/\(c.id)?token=\(w.f.buyer.token)").content.decode(CaseCardDTO.self)
        XCTAssertEqual(card.answer, .accepted)
        // another visitor cannot read it
        let stranger = try await TestVisitor.create(app, shop: w.f.shop, messages: [])
        let other = try await app.send(.GET, "/api/v1/widget/cases/\(c.id)?token=\(stranger.token)")
        XCTAssertEqual(other.status, .notFound)
        // the case list names the ticket and its customer
        let listed = try await app.send(.GET, "/api/v1/cases", as: w.f.agent).content.decode(CaseListDTO.self).items.first { $0.id == c.id }
        XCTAssertEqual(listed?.ticketSubject, "大衣破损")
        XCTAssertEqual(listed?.customer?.id, w.f.buyer.contact.id)
    }

    func testACouponAboveTheAgentsLimitWaitsForTheSupervisorAndTheLedgerAddsUp() async throws {
        // setup
        let w = try await world()
        let app = w.f.app
        let path = "/api/v1/tickets/\(w.ticket.id)/compensations"
        // act: ¥5 within the agent's ¥10 limit, ¥20 above it
        let small = try await app.send(.POST, path, as: w.f.agent, json: #"{"kind":"cash","amount":500,"reason":"damaged"}"#)
        let big = try await app.send(.POST, path, as: w.f.agent, json: #"{"kind":"coupon","amount":2000,"reason":"damaged","note":"安抚"}"#)
        // check
        XCTAssertEqual(small.status, .created, small.body.string)
        XCTAssertEqual(try small.content.decode(CompensationDTO.self).status, .approved)
        XCTAssertEqual(big.status, .accepted, big.body.string)
        let pending = try big.content.decode(CompensationDTO.self)
        XCTAssertEqual(pending.status, .pending)
        // nobody approves their own; an agent cannot approve at all
        let byAgent = try await app.send(.POST, "/api/v1/compensations/\(pending.id)/approve", as: w.f.agent)
        XCTAssertEqual(byAgent.status, .forbidden)
        let approved = try await app.send(.POST, "/api/v1/compensations/\(pending.id)/approve", as: w.supervisor, json: #"{"note":"老顾客"}"#)
        XCTAssertEqual(approved.status, .ok, approved.body.string)
        XCTAssertEqual(try approved.content.decode(CompensationDTO.self).approvedBy?.name, "小李")
        let twice = try await app.send(.POST, "/api/v1/compensations/\(pending.id)/approve", as: w.supervisor)
        XCTAssertEqual(twice.status, .conflict)
        // a reversal is a new entry; the first is untouched
        let smallID = try small.content.decode(CompensationDTO.self).id
        let reversed = try await app.send(.POST, "/api/v1/compensations/\(smallID)/reverse", as: w.supervisor, json: #"{"note":"重复补偿"}"#)
        XCTAssertEqual(reversed.status, .created, reversed.body.string)
        XCTAssertEqual(try reversed.content.decode(CompensationDTO.self).amount, -500)
        let ledger = try await app.send(.GET, path, as: w.f.agent).content.decode(CompensationListDTO.self)
        XCTAssertEqual(ledger.items.map(\.amount), [500, 2000, -500])
        XCTAssertEqual(ledger.totals["CNY"]?.granted, 2000)
        XCTAssertEqual(ledger.items[0].reversedBy, ledger.items[2].id)
        // every grant and the reversal is a compensation.approved event (the webhook's)
        let outbox = try await (app.db as! any SQLDatabase).raw("SELECT kind FROM event_outbox WHERE kind = 'compensation.approved'").all()
        XCTAssertEqual(outbox.count, 3)
    }

    func testMoneyAboveWhatWasPaidIsRefusedAndBadInputNamesTheField() async throws {
        let w = try await world()
        let app = w.f.app
        let path = "/api/v1/tickets/\(w.ticket.id)/compensations"
        let total = try await w.f.order("E1").total
        let admin = w.f.admin
        let tooMuch = try await app.send(.POST, path, as: admin, json: #"{"kind":"refund","amount":\#(total + 1),"orderId":"E1","reason":"damaged"}"#)
        XCTAssertEqual(tooMuch.status, .conflict, tooMuch.body.string)
        XCTAssertEqual(tooMuch.errorField, "amount")
        let all = try await app.send(.POST, path, as: admin, json: #"{"kind":"refund","amount":\#(total),"orderId":"E1","reason":"damaged"}"#)
        XCTAssertEqual(all.status, .created, all.body.string)
        let more = try await app.send(.POST, path, as: admin, json: #"{"kind":"partial_refund","amount":1,"orderId":"E1","reason":"damaged"}"#)
        XCTAssertEqual(more.status, .conflict)
        // a coupon is not money against the order
        let coupon = try await app.send(.POST, path, as: admin, json: #"{"kind":"coupon","amount":1000,"orderId":"E1","reason":"damaged"}"#)
        XCTAssertEqual(coupon.status, .created)
        for (json, field) in [(#"{"kind":"gold","amount":1,"reason":"x"}"#, "kind"), (#"{"kind":"cash","amount":0,"reason":"x"}"#, "amount"),
                              (#"{"kind":"cash","amount":5,"reason":""}"#, "reason"), (#"{"kind":"cash","amount":5,"reason":"x","sku":"NOPE"}"#, "sku"),
                              (#"{"kind":"cash","amount":5,"reason":"x","orderId":"NOPE"}"#, "orderId")] {
            let r = try await app.send(.POST, path, as: w.f.agent, json: json)
            XCTAssertEqual(r.status, .badRequest, "\(json): \(r.body.string)")
            XCTAssertEqual(r.errorField, field, json)
        }
        let badCase = try await app.send(.POST, "/api/v1/tickets/\(w.ticket.id)/cases", as: w.f.agent,
                                         json: #"{"kind":"exchange","reason":"damaged","orderId":"E1","lines":[{"sku":"DRESS-FR","quantity":9}]}"#)
        XCTAssertEqual(badCase.errorField, "lines[0].quantity")
        // a question ticket carries no case
        let question = try await app.send(.POST, "/api/v1/tickets", as: w.f.agent,
                                          json: #"{"subject":"发票","type":"question","inboxId":"\#(w.f.shop.inbox.id!)"}"#).content.decode(TicketDTO.self)
        let noCase = try await app.send(.POST, "/api/v1/tickets/\(question.id)/cases", as: w.f.agent, json: #"{"kind":"refund_only","reason":"other"}"#)
        XCTAssertEqual(noCase.status, .conflict)
        let cases = try await AfterSaleCase.query(on: app.db).count()
        XCTAssertEqual(cases, 0)
    }
}
