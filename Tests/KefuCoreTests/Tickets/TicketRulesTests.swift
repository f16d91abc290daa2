import Foundation
import KefuCore
import XCTest

final class TicketRulesTests: XCTestCase {
    func testStatusMoves() throws {
        XCTAssertNoThrow(try TicketStatus.new.check(to: .open))
        XCTAssertNoThrow(try TicketStatus.solved.check(to: .open))
        XCTAssertNoThrow(try TicketStatus.open.check(to: .open), "the same status is no move")
        XCTAssertThrowsError(try TicketStatus.new.check(to: .closed)) { error in
            XCTAssertEqual((error as? DomainError)?.field, "status")
            XCTAssertTrue((error as? DomainError)?.message.contains("allowed next: open, pending, on_hold, solved") ?? false)
        }
        XCTAssertThrowsError(try TicketStatus.closed.check(to: .open)) { error in
            XCTAssertTrue((error as? DomainError)?.message.contains("closed is final") ?? false)
        }
        for status in TicketStatus.allCases { XCTAssertFalse(status.next.contains(.new), "\(status) cannot go back to new") }
        XCTAssertEqual(TicketStatus.pending.afterCustomerReply, .open)
        XCTAssertEqual(TicketStatus.onHold.afterCustomerReply, .onHold, "waiting on a third party, not on the customer")
        XCTAssertEqual(TicketStatus.new.afterTeamReply, .open)
    }

    func testNumbersAreReadAsPeopleTypeThem() {
        XCTAssertEqual(TicketNumber.format(10234), "T-10234")
        for typed in ["T-10234", "t10234", "#10234", " 10234 ", "t-10234"] { XCTAssertEqual(TicketNumber.parse(typed), 10234, typed) }
        for typed in ["", "T-", "T-12a", "E20261122001", "1234567890"] { XCTAssertNil(TicketNumber.parse(typed), typed) }
    }

    func testEditListsEveryChangeAndStampsSolvedAndReopen() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let agent = UUID()
        let start = TicketState(subject: "少件", type: "after_sale", status: .new, urgency: .normal, priority: .normal, inboxID: nil,
                                assigneeID: nil, tags: ["b"], fields: ["tracking_no": "SF1"])
        let (taken, changes) = try TicketEdit.apply(TicketPatch(assignee: .some(agent), addTags: ["a"], fields: ["tracking_no": ""]), to: start, now: now)
        XCTAssertEqual(taken.status, .open, "taking a new ticket opens it")
        XCTAssertEqual(taken.tags, ["a", "b"])
        XCTAssertEqual(taken.fields, [:])
        XCTAssertEqual(changes.map(\.field), ["assignee", "tags", "fields.tracking_no", "status"])
        let (solved, _) = try TicketEdit.apply(TicketPatch(status: .solved), to: taken, now: now)
        XCTAssertEqual(solved.solvedAt, now)
        XCTAssertTrue(TicketEdit.closesByItself(solvedAt: solved.solvedAt, status: .solved, days: 4, now: now.addingTimeInterval(4 * 86_400)))
        XCTAssertFalse(TicketEdit.closesByItself(solvedAt: solved.solvedAt, status: .solved, days: 4, now: now.addingTimeInterval(4 * 86_400 - 1)))
        let (reopened, _) = try TicketEdit.apply(TicketPatch(status: .open), to: solved, now: now)
        XCTAssertNil(reopened.solvedAt)
        let (same, none) = try TicketEdit.apply(TicketPatch(priority: .normal), to: start, now: now)
        XCTAssertEqual(same, start)
        XCTAssertEqual(none, [])
        XCTAssertThrowsError(try TicketEdit.apply(TicketPatch(subject: "  "), to: start, now: now))
    }

    func testCustomFieldsAreCheckedAndNormalised() throws {
        let defs = [TicketFieldDefinition(key: "due", label: "预约日期", kind: .date),
                    TicketFieldDefinition(key: "amount", label: "金额", kind: .number, required: true),
                    TicketFieldDefinition(key: "channel", label: "渠道", kind: .select, options: ["天猫", "京东"])]
        XCTAssertNoThrow(try TicketFieldRules.check(defs))
        let ok = try TicketFieldRules.normalise(["due": "2028-02-29", "amount": " 12.50 ", "channel": "京东"], definitions: defs, requireAll: true)
        XCTAssertEqual(ok, ["due": "2028-02-29", "amount": "12.5", "channel": "京东"])
        func field(_ values: [String: String], requireAll: Bool = false) -> String? {
            do { _ = try TicketFieldRules.normalise(values, definitions: defs, requireAll: requireAll); return nil } catch { return error.field }
        }
        XCTAssertEqual(field(["due": "2027-02-29"]), "fields.due")
        XCTAssertEqual(field(["amount": "12,5"]), "fields.amount")
        XCTAssertEqual(field(["channel": "拼多多"]), "fields.channel")
        XCTAssertEqual(field(["colour": "red"]), "fields.colour")
        XCTAssertEqual(field([:], requireAll: true), "fields.amount")
        XCTAssertThrowsError(try TicketFieldRules.check(defs + [TicketFieldDefinition(key: "due", label: "x", kind: .text)]))
        XCTAssertThrowsError(try TicketFieldRules.check([TicketFieldDefinition(key: "Bad-Key", label: "x", kind: .text)]))
        XCTAssertThrowsError(try TicketFieldRules.check([TicketFieldDefinition(key: "s", label: "x", kind: .select, options: [])]))
    }
}
