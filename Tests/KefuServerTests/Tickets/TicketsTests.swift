import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Tickets over the API: from a chat with a proposed classification, numbering, replies into the
/// conversation, the customer reopening a pending ticket, views and search, bulk changes, bad input.
final class TicketsTests: XCTestCase {
    private func complainingBuyer(_ f: OrdersFixture) async throws -> TestVisitor {
        let buyer = try await TestVisitor.create(f.app, shop: f.shop, messages: ["大衣收到就是破的！！！", "再不处理我就投诉到12315"])
        buyer.contact.name = "王女士"
        try await buyer.contact.save(on: f.app.db)
        return buyer
    }

    func testWhoMaySeeATicketHearsThatItChangedAndNobodyElse() async throws {
        let f = try await OrdersFixture.make(for: self)
        let port = try await TestApp.listen(f.app, for: self)
        let agent = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: f.agent, on: f.app)
        let admin = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: f.admin, on: f.app)
        _ = try await agent.next("hello")
        _ = try await admin.next("hello")
        // a ticket in the agent's inbox: both hear of it, with its number and nothing more
        let system = KefuServer.Caller.system(f.shop.account.id!)
        let inInbox = try await f.app.tickets.create(Tickets.Draft(subject: "换货", source: .phone, inboxID: f.shop.inbox.id), by: system)
        let heard = try await agent.next("ticket.changed")
        XCTAssertEqual(heard["ticketId"]?.string?.lowercased(), inInbox.id!.uuidString.lowercased())
        XCTAssertEqual(heard["number"]?.string, inInbox.numberText)
        XCTAssertNil(heard["subject"])
        _ = try await admin.next("ticket.changed")
        // a ticket of no inbox and no assignee: the admin hears of it, the agent does not
        let loose = try await f.app.tickets.create(Tickets.Draft(subject: "发票", source: .phone), by: system)
        let forAdmin = try await admin.next("ticket.changed")
        XCTAssertEqual(forAdmin["ticketId"]?.string?.lowercased(), loose.id!.uuidString.lowercased())
        let forAgent = try await agent.collect("ticket.changed", for: 0.5)
        XCTAssertEqual(forAgent.count, 0)
        // assigned to the agent, it reaches them
        _ = try await f.app.tickets.update(loose.id!, TicketPatch(assignee: .some(f.shop.agent.id!)), by: system)
        _ = try await agent.next("ticket.changed")
    }

    func testAChatBecomesAComplaintTicketWithItsProposalTranscriptLinkAndNumber() async throws {
        // setup
        let f = try await OrdersFixture.make(for: self)
        let buyer = try await complainingBuyer(f)
        let conv = "/api/v1/conversations/\(buyer.conversation.id!)"
        // act: the proposal, then the ticket
        let draft = try await f.app.send(.GET, conv + "/ticket-draft", as: f.agent)
        XCTAssertEqual(draft.status, .ok, draft.body.string)
        let proposal = try draft.content.decode(TicketDraftDTO.self)
        let created = try await f.app.send(.POST, conv + "/ticket", as: f.agent, json: #"{"type":"\#(proposal.type)","urgency":"urgent"}"#)
        // check
        XCTAssertEqual(proposal.type, "complaint")
        XCTAssertEqual(proposal.urgency, .urgent)
        XCTAssertTrue(proposal.cues.contains("12315"), "\(proposal.cues)")
        XCTAssertEqual(proposal.subject, "大衣收到就是破的！！！")
        XCTAssertEqual(created.status, .created, created.body.string)
        let ticket = try created.content.decode(TicketDTO.self)
        XCTAssertEqual(ticket.number, "T-10001")
        XCTAssertEqual(ticket.source, .chat)
        XCTAssertEqual(ticket.status, .new)
        XCTAssertEqual(ticket.priority, .urgent)
        XCTAssertEqual(ticket.contact?.name, "王女士")
        XCTAssertEqual(ticket.inboxId, f.shop.inbox.id)
        XCTAssertEqual(ticket.links.compactMap(\.conversationId), [buyer.conversation.id!])
        XCTAssertEqual(ticket.entries.map(\.kind), [.change, .link])
        XCTAssertEqual(ticket.entries[0].author?.name, "小美")
        // the next ticket of the shop gets the next number; the conversation lists it
        let second = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent,
                                          json: #"{"subject":"发票","contactId":"\#(buyer.contact.id!)","inboxId":"\#(f.shop.inbox.id!)"}"#)
        XCTAssertEqual(try second.content.decode(TicketDTO.self).number, "T-10002")
        let listed = try await f.app.send(.GET, conv + "/tickets", as: f.agent)
        XCTAssertEqual(try listed.content.decode(TicketPageDTO.self).items.map(\.number), ["T-10001"])
    }

    func testAReplyReachesTheCustomerAndTheirAnswerReopensThePendingTicket() async throws {
        // setup
        let f = try await OrdersFixture.make(for: self)
        let buyer = try await complainingBuyer(f)
        let ticket = try await f.app.send(.POST, "/api/v1/conversations/\(buyer.conversation.id!)/ticket", as: f.agent)
            .content.decode(TicketDTO.self)
        // act: a public reply leaving it pending on the customer
        let replied = try await f.app.send(.POST, "/api/v1/tickets/\(ticket.id)/entries", as: f.agent,
                                           json: #"{"kind":"reply","text":"非常抱歉，已为您安排换货","status":"pending"}"#)
        // check: in the chat, on the timeline, pending
        XCTAssertEqual(replied.status, .created, replied.body.string)
        let after = try replied.content.decode(TicketDTO.self)
        XCTAssertEqual(after.status, .pending)
        XCTAssertNotNil(after.firstReplyAt)
        let reply = after.entries.first { $0.kind == .reply }
        let sent = try await Message.query(on: f.app.db).filter(\.$conversationID == buyer.conversation.id!).filter(\.$id == reply!.messageId!).first()
        XCTAssertEqual(sent?.text, "非常抱歉，已为您安排换货")
        XCTAssertEqual(sent?.isPrivate, false)
        XCTAssertEqual(sent?.senderID, f.shop.agent.id)
        // act: the customer answers in the chat
        _ = try await f.app.conversations.send(MessageDraft(text: "好的，什么时候发？"), in: buyer.conversation.id!,
                                               by: .visitor(accountID: f.shop.account.id!, contactID: buyer.contact.id!, inboxID: f.shop.inbox.id!, name: nil))
        await f.app.drainEvents()
        // check: open again, with an entry saying why
        let reopened = try await f.app.send(.GET, "/api/v1/tickets/\(ticket.id)", as: f.agent).content.decode(TicketDTO.self)
        XCTAssertEqual(reopened.status, .open)
        XCTAssertEqual(reopened.entries.last?.text, "customer_replied")
        XCTAssertEqual(reopened.entries.last?.changes, [TicketFieldChange(field: "status", from: "pending", to: "open")])
        // a private note does not reach the customer
        let before = try await Message.query(on: f.app.db).filter(\.$conversationID == buyer.conversation.id!).filter(\.$isPrivate == false).count()
        _ = try await f.app.send(.POST, "/api/v1/tickets/\(ticket.id)/entries", as: f.agent, json: #"{"kind":"note","text":"仓库已确认"}"#)
        let afterNote = try await Message.query(on: f.app.db).filter(\.$conversationID == buyer.conversation.id!).filter(\.$isPrivate == false).count()
        XCTAssertEqual(before, afterNote)
    }

    /// Two instances on one PostgreSQL: the customer's instance cached "no ticket" for the chat;
    /// the ticket made on the other instance reaches it as a notice, so the answer reopens it.
    func testTheCustomersAnswerReopensATicketMadeOnAnotherInstance() async throws {
        let settings = try TestApp.settings()
        guard case .postgres = settings.database else { throw XCTSkip("instances share a database only on PostgreSQL") }
        let first = try await TestApp.make(for: self) { $0 = settings }
        try await first.asyncBoot()   // its cluster bus
        let second = try await TestApp.secondInstance(settings, for: self)
        let f = try await OrdersFixture.make(for: self, app: first)
        let buyer = try await TestVisitor.create(second, shop: f.shop, messages: ["大衣收到就是破的！！！"])
        let conversationID = buyer.conversation.id!
        XCTAssertTrue(second.conversationDirectory.knowsTicketLink(conversationID), "the chat path asked and cached the answer")
        // act: the ticket on the first instance, pending on the customer
        let ticket = try await first.send(.POST, "/api/v1/conversations/\(conversationID)/ticket", as: f.agent).content.decode(TicketDTO.self)
        _ = try await first.send(.POST, "/api/v1/tickets/\(ticket.id)/entries", as: f.agent,
                                 json: #"{"kind":"reply","text":"已为您安排换货","status":"pending"}"#)
        let deadline = Date().addingTimeInterval(5)
        while second.conversationDirectory.knowsTicketLink(conversationID), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        // the customer answers through the second instance
        _ = try await second.conversations.send(MessageDraft(text: "好的"), in: conversationID,
                                                by: .visitor(accountID: f.shop.account.id!, contactID: buyer.contact.id!, inboxID: f.shop.inbox.id!, name: nil))
        // check
        let after = try await first.send(.GET, "/api/v1/tickets/\(ticket.id)", as: f.agent).content.decode(TicketDTO.self)
        XCTAssertEqual(after.status, .open)
    }

    func testStatusRulesViewsSearchAndBulk() async throws {
        // setup: three tickets, one on an order
        let f = try await OrdersFixture.make(for: self)
        _ = try await f.putOrder("E7", OrdersFixture.orderJSON(status: "paid"))
        let inbox = f.shop.inbox.id!
        var ids: [UUID] = []
        for (subject, extra) in [("少件", #","orderIds":["E7"]"#), ("发票", ""), ("尺码", "")] {
            let r = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent, json: #"{"subject":"\#(subject)","inboxId":"\#(inbox)"\#(extra)}"#)
            XCTAssertEqual(r.status, .created, r.body.string)
            ids.append(try r.content.decode(TicketDTO.self).id)
        }
        // act & check: a new ticket cannot be closed; solved then closed is final
        let closeNew = try await f.app.send(.PATCH, "/api/v1/tickets/\(ids[1])", as: f.agent, json: #"{"status":"closed"}"#)
        XCTAssertEqual(closeNew.status, .conflict)
        XCTAssertEqual(closeNew.errorField, "status")
        _ = try await f.app.send(.PATCH, "/api/v1/tickets/\(ids[1])", as: f.agent, json: #"{"status":"solved"}"#)
        _ = try await f.app.send(.PATCH, "/api/v1/tickets/\(ids[1])", as: f.agent, json: #"{"status":"closed"}"#)
        let reopenClosed = try await f.app.send(.PATCH, "/api/v1/tickets/\(ids[1])", as: f.agent, json: #"{"status":"open"}"#)
        XCTAssertEqual(reopenClosed.status, .conflict)
        // taking a ticket opens it
        let taken = try await f.app.send(.PATCH, "/api/v1/tickets/\(ids[2])", as: f.agent, json: #"{"assigneeId":"\#(f.shop.agent.id!)"}"#)
        XCTAssertEqual(try taken.content.decode(TicketDTO.self).status, .open)
        // views
        func numbers(_ query: String) async throws -> [String] {
            let r = try await f.app.send(.GET, "/api/v1/tickets?\(query)", as: f.agent)
            XCTAssertEqual(r.status, .ok, r.body.string)
            return try r.content.decode(TicketPageDTO.self).items.map(\.number).sorted()
        }
        let mine = try await numbers("view=mine")
        XCTAssertEqual(mine, ["T-10003"])
        let unassigned = try await numbers("view=unassigned")
        XCTAssertEqual(unassigned, ["T-10001"])
        let all = try await numbers("view=all")
        XCTAssertEqual(all, ["T-10001", "T-10002", "T-10003"])
        let closed = try await numbers("view=all&status=closed")
        XCTAssertEqual(closed, ["T-10002"])
        // search by number, order number and words
        let byNumber = try await numbers("view=all&q=t10003")
        XCTAssertEqual(byNumber, ["T-10003"])
        let byOrder = try await numbers("view=all&q=E7")
        XCTAssertEqual(byOrder, ["T-10001"])
        _ = try await f.app.send(.POST, "/api/v1/tickets/\(ids[2])/entries", as: f.agent, json: #"{"kind":"note","text":"顾客身高一米六五"}"#)
        let byWords = try await numbers("view=all&q=一米六五")
        XCTAssertEqual(byWords, ["T-10003"])
        // bulk: one succeeds, the closed one fails alone
        let bulk = try await f.app.send(.POST, "/api/v1/tickets/bulk", as: f.agent,
                                        json: #"{"ids":["\#(ids[0])","\#(ids[1])"],"priority":"high","addTags":["双11"]}"#)
        let results = try bulk.content.decode(BulkTicketResultDTO.self).results
        XCTAssertEqual(results.map(\.ok), [true, true])
        let solvedBulk = try await f.app.send(.POST, "/api/v1/tickets/bulk", as: f.agent,
                                              json: #"{"ids":["\#(ids[0])","\#(ids[1])"],"status":"pending"}"#)
        XCTAssertEqual(try solvedBulk.content.decode(BulkTicketResultDTO.self).results.map(\.ok), [true, false])
        let first = try await f.app.send(.GET, "/api/v1/tickets/\(ids[0])", as: f.agent).content.decode(TicketDTO.self)
        XCTAssertEqual(first.tags, ["双11"])
        XCTAssertEqual(first.priority, .high)
        XCTAssertEqual(first.links.compactMap(\.order?.externalId), ["E7"])
    }

    func testBadInputNamesTheFieldAndStoresNothing() async throws {
        let f = try await OrdersFixture.make(for: self)
        let inbox = f.shop.inbox.id!
        let cases: [(String, String)] = [
            (#"{"inboxId":"\#(inbox)"}"#, "subject"),
            (#"{"subject":"x","inboxId":"\#(inbox)","type":"nonsense"}"#, "type"),
            (#"{"subject":"x","inboxId":"\#(inbox)","priority":"asap"}"#, "priority"),
            (#"{"subject":"x","inboxId":"\#(inbox)","orderIds":["NOPE"]}"#, "orderIds[0]"),
            (#"{"subject":"x","inboxId":"\#(inbox)","fields":{"color":"red"}}"#, "fields.color"),
            (#"{"subject":"x"}"#, "inboxId"),
            (#"{"subject":"x","inboxId":"\#(inbox)","colour":"red"}"#, "colour"),
            (#"{"subject":"x","inboxId":"\#(inbox)","assigneeId":"\#(UUID())"}"#, "assigneeId"),
        ]
        for (json, field) in cases {
            let r = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent, json: json)
            XCTAssertEqual(r.status, .badRequest, "\(json): \(r.body.string)")
            XCTAssertEqual(r.errorField, field, json)
        }
        let stored = try await Ticket.query(on: f.app.db).count()
        XCTAssertEqual(stored, 0)
        // settings: a custom field is checked on tickets
        let put = try await f.app.send(.PUT, "/api/v1/ticket-settings", as: f.admin,
                                       json: #"{"fields":[{"key":"due","label":"预约日期","kind":"date","options":[],"required":false}]}"#)
        XCTAssertEqual(put.status, .ok, put.body.string)
        let badDate = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent,
                                           json: #"{"subject":"上门","inboxId":"\#(inbox)","fields":{"due":"2026-02-30"}}"#)
        XCTAssertEqual(badDate.errorField, "fields.due")
        let good = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent,
                                        json: #"{"subject":"上门","inboxId":"\#(inbox)","fields":{"due":"2026-12-24"}}"#)
        XCTAssertEqual(try good.content.decode(TicketDTO.self).fields, ["due": "2026-12-24"])
        let removeBuiltIn = try await f.app.send(.PUT, "/api/v1/ticket-settings", as: f.admin, json: #"{"types":[{"key":"question","builtIn":true}]}"#)
        XCTAssertEqual(removeBuiltIn.errorField, "types")
    }

    func testSolvedTicketsCloseByThemselvesAfterTheQuietDays() async throws {
        let f = try await OrdersFixture.make(for: self)
        let r = try await f.app.send(.POST, "/api/v1/tickets", as: f.agent, json: #"{"subject":"退款到账了吗","inboxId":"\#(f.shop.inbox.id!)"}"#)
        let id = try r.content.decode(TicketDTO.self).id
        _ = try await f.app.send(.PATCH, "/api/v1/tickets/\(id)", as: f.agent, json: #"{"status":"solved"}"#)
        let now = f.app.kefu.clock.now()
        let early = try await f.app.tickets.closeSolved(now: now.addingTimeInterval(3 * 86_400))
        XCTAssertEqual(early, 0)
        let late = try await f.app.tickets.closeSolved(now: now.addingTimeInterval(4 * 86_400 + 60))
        XCTAssertEqual(late, 1)
        let ticket = try await Ticket.find(id, on: f.app.db)
        XCTAssertEqual(ticket?.status, .closed)
    }
}
