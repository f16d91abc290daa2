import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import SQLKit
import Vapor
import XCTest
import XCTVapor

/// Macros: previewed with their texts filled in and nothing changed; applied in one audited
/// transaction through the conversation's or ticket's own service (a failing step changes
/// nothing); personal ones are their author's, shared ones written by supervisors and above.
final class MacrosTests: XCTestCase {
    private func made(_ app: Application, _ who: Credentials, _ json: String, file: StaticString = #filePath, line: UInt = #line) async throws -> MacroDTO {
        let response = try await app.send(.POST, "/api/v1/macros", as: who, json: json)
        XCTAssertEqual(response.status, .created, response.body.string, file: file, line: line)
        return try response.content.decode(MacroDTO.self)
    }

    @discardableResult
    private func macro(_ app: Application, _ who: Credentials, _ json: String, status: HTTPStatus = .created,
                       file: StaticString = #filePath, line: UInt = #line) async throws -> MacroDTO? {
        let response = try await app.send(.POST, "/api/v1/macros", as: who, json: json)
        XCTAssertEqual(response.status, status, response.body.string, file: file, line: line)
        return status == .created ? try response.content.decode(MacroDTO.self) : nil
    }

    func testAConversationMacroIsPreviewedThenAppliedInOneAuditedTransaction() async throws {
        // setup
        let f = try await OrdersFixture.make(for: self)
        let app = f.app
        let id = f.buyer.conversation.id!
        let m = try await made(app, f.agent, """
            {"name":"退款已处理","target":"conversation","actions":[
              {"type":"reply","text":"{customer_name}您好，我是{agent_number}号{agent_name}，您的退款已处理"},
              {"type":"add_tags","tags":["退款"]},{"type":"note","text":"已退款 {order_no}"},{"type":"close"}]}
            """)
        XCTAssertFalse(m.shared)
        let agent = f.shop.agent
        let expected = "顾客您好，我是\(agent.agentNumber)号\(agent.displayName)，您的退款已处理"
        // act: preview
        let preview = try await app.send(.POST, "/api/v1/macros/\(m.id)/preview", as: f.agent, json: #"{"targetId":"\#(id)"}"#)
        XCTAssertEqual(preview.status, .ok, preview.body.string)
        let planned = try preview.content.decode(MacroResultDTO.self)
        // check: the texts as they would go out; nothing changed
        XCTAssertFalse(planned.applied)
        XCTAssertEqual(planned.reply, expected)
        XCTAssertEqual(planned.status, "resolved")
        XCTAssertEqual(planned.tags, ["退款"])
        var stored = try await Conversation.find(id, on: app.db)
        XCTAssertEqual(stored?.status, .open)
        // act: apply
        let applied = try await app.send(.POST, "/api/v1/macros/\(m.id)/apply", as: f.agent, json: #"{"targetId":"\#(id)"}"#)
        XCTAssertEqual(applied.status, .ok, applied.body.string)
        // check: the reply is the agent's own (it counts as their answer), then the note and the resolution
        stored = try await Conversation.find(id, on: app.db)
        XCTAssertEqual(stored?.status, .resolved)
        XCTAssertEqual(stored?.tagList, ["退款"])
        let messages = try await Message.query(on: app.db).filter(\.$conversationID == id).sort(\.$seq).all()
        let reply = try XCTUnwrap(messages.first { $0.text == expected })
        XCTAssertEqual(reply.senderType, .agent)
        XCTAssertEqual(reply.senderID, agent.id)
        XCTAssertFalse(reply.isPrivate)
        XCTAssertTrue(messages.contains { $0.isPrivate && $0.text.hasPrefix("已退款") })
        let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "macro.apply").all()
        XCTAssertEqual(audit.count, 1)
        let used = try await MacroRow.find(m.id, on: app.db)
        XCTAssertEqual(used?.uses, 1)
        // the reply and the resolution were written together: one transaction (PostgreSQL stores
        // each row's transaction id), one moment
        let rows = try await (app.db as! any SQLDatabase).raw("""
            SELECT kind, payload, created_at, tx FROM event_outbox WHERE conversation_id = \(bind: id) AND kind IN ('message.created', 'conversation.status_changed')
            """).all()
        let replied = try rows.first { try $0.decode(column: "kind", as: String.self) == "message.created" && $0.decode(column: "payload", as: String.self).contains(expected) }
        let resolved = try rows.first { try $0.decode(column: "kind", as: String.self) == "conversation.status_changed" }
        let repliedAt = try XCTUnwrap(replied).decode(column: "created_at", as: Date.self)
        let resolvedAt = try XCTUnwrap(resolved).decode(column: "created_at", as: Date.self)
        XCTAssertEqual(repliedAt, resolvedAt)
        XCTAssertEqual(try XCTUnwrap(replied).decode(column: "tx", as: Int64.self), try XCTUnwrap(resolved).decode(column: "tx", as: Int64.self))
    }

    func testPersonalMacrosAreTheirAuthorsAndSharedOnesAreWrittenBySupervisors() async throws {
        let f = try await OrdersFixture.make(for: self)
        let app = f.app
        let other = try await Team.createMember(
            .init(email: "b@shop.test", password: TestShop.password, displayName: "小B", agentNumber: 40, role: .agent,
                  inboxIDs: [f.shop.inbox.id!]), accountID: f.shop.account.id!, app: app, on: app.db) { _, _ in }
        let colleague = try await Credentials.session(for: other, on: app.db)
        let mine = try await made(app, f.agent, #"{"name":"我的","target":"conversation","actions":[{"type":"note","text":"x"}]}"#)
        // an agent may not share one; an admin may
        try await macro(app, f.agent, #"{"name":"共享","target":"conversation","shared":true,"actions":[{"type":"note","text":"x"}]}"#, status: .forbidden)
        let shared = try await made(app, f.admin, #"{"name":"共享","target":"conversation","shared":true,"actions":[{"type":"note","text":"x"}]}"#)
        // the colleague sees the shared one, not mine; cannot apply, change or delete mine
        let listed = try await app.send(.GET, "/api/v1/macros?target=conversation", as: colleague).content.decode(ItemsDTO<MacroDTO>.self)
        XCTAssertEqual(listed.items.map(\.id), [shared.id])
        let apply = try await app.send(.POST, "/api/v1/macros/\(mine.id)/apply", as: colleague, json: #"{"targetId":"\#(f.buyer.conversation.id!)"}"#)
        XCTAssertEqual(apply.status, .notFound)
        let delete = try await app.send(.DELETE, "/api/v1/macros/\(mine.id)", as: colleague)
        XCTAssertEqual(delete.status, .notFound)
        let change = try await app.send(.PUT, "/api/v1/macros/\(shared.id)", as: colleague,
                                        json: #"{"name":"改","target":"conversation","shared":true,"actions":[{"type":"note","text":"y"}]}"#)
        XCTAssertEqual(change.status, .forbidden)
    }

    func testATicketMacroRepliesNotesAndSetsFieldsAndAFailingStepChangesNothing() async throws {
        // setup: a complaint ticket from the buyer's chat
        let f = try await OrdersFixture.make(for: self)
        let app = f.app
        let created = try await app.send(.POST, "/api/v1/tickets", as: f.agent, json: """
            {"subject":"大衣破损","type":"complaint","priority":"normal","contactId":"\(f.buyer.contact.id!)","conversationId":"\(f.buyer.conversation.id!)","inboxId":"\(f.shop.inbox.id!)"}
            """)
        let ticket = try created.content.decode(TicketDTO.self)
        let m = try await made(app, f.agent, """
            {"name":"等待顾客照片","target":"ticket","actions":[{"type":"reply","text":"请发一张破损处的照片，工单 {ticket_number}"},
              {"type":"note","text":"已请顾客拍照"},{"type":"set_status","value":"pending"},{"type":"set_priority","value":"high"},{"type":"add_tags","tags":["待照片"]}]}
            """)
        // act
        let applied = try await app.send(.POST, "/api/v1/macros/\(m.id)/apply", as: f.agent, json: #"{"targetId":"\#(ticket.id)"}"#)
        XCTAssertEqual(applied.status, .ok, applied.body.string)
        // check
        let after = try await app.send(.GET, "/api/v1/tickets/\(ticket.id)", as: f.agent).content.decode(TicketDTO.self)
        XCTAssertEqual(after.status, .pending)
        XCTAssertEqual(after.priority, .high)
        XCTAssertEqual(after.tags, ["待照片"])
        XCTAssertNotNil(after.firstReplyAt)
        let entries = try await TicketEntry.query(on: app.db).filter(\.$ticketID == ticket.id).sort(\.$seq).all()
        XCTAssertEqual(entries.filter { $0.kind == .note }.map(\.text), ["已请顾客拍照"])
        XCTAssertEqual(entries.filter { $0.kind == .reply }.map(\.text), ["请发一张破损处的照片，工单 \(ticket.number)"])
        // a closed ticket: the reply step fails, and neither the tags nor the priority change
        let solved = try await app.send(.PATCH, "/api/v1/tickets/\(ticket.id)", as: f.agent, json: #"{"status":"solved"}"#)
        XCTAssertEqual(solved.status, .ok, solved.body.string)
        let closed = try await app.send(.PATCH, "/api/v1/tickets/\(ticket.id)", as: f.agent, json: #"{"status":"closed"}"#)
        XCTAssertEqual(closed.status, .ok, closed.body.string)
        let untag = try await made(app, f.agent, """
            {"name":"回复并去标签","target":"ticket","actions":[{"type":"remove_tags","tags":["待照片"]},{"type":"reply","text":"好的"}]}
            """)
        let refused = try await app.send(.POST, "/api/v1/macros/\(untag.id)/apply", as: f.agent, json: #"{"targetId":"\#(ticket.id)"}"#)
        XCTAssertEqual(refused.status, .conflict, refused.body.string)
        let still = try await app.send(.GET, "/api/v1/tickets/\(ticket.id)", as: f.agent).content.decode(TicketDTO.self)
        XCTAssertEqual(still.tags, ["待照片"])
    }

    func testBadMacrosAreRefusedNamingTheField() async throws {
        let f = try await OrdersFixture.make(for: self)
        let cases: [(String, String)] = [
            (#"{"name":"x","target":"order","actions":[{"type":"note","text":"x"}]}"#, "target"),
            (#"{"name":"x","target":"ticket","actions":[{"type":"webhook"}]}"#, "actions[0].type"),
            (#"{"name":"x","target":"ticket","actions":[{"type":"reply","text":"a"},{"type":"reply","text":"b"}]}"#, "actions[1]"),
            (#"{"name":"x","target":"conversation","actions":[{"type":"set_status","value":"snoozed"}]}"#, "actions[0].value"),
            (#"{"name":"","target":"conversation","actions":[{"type":"close"}]}"#, "name"),
        ]
        for (json, field) in cases {
            let response = try await f.app.send(.POST, "/api/v1/macros", as: f.agent, json: json)
            XCTAssertEqual(response.status, .badRequest, json)
            XCTAssertTrue(response.body.string.contains("\"\(field)"), "\(field): \(response.body.string)")
        }
        let stored = try await MacroRow.query(on: f.app.db).count()
        XCTAssertEqual(stored, 0)
    }
}
