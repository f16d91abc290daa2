import Foundation
import KefuCore
import XCTest

/// Macros: checked as rules' actions are (for their kind of object), limited to an agent's
/// steps, one reply and one note; the plan is their net effect with the texts filled in.
final class MacroBodyTests: XCTestCase {
    func testAMacroPlansItsNetEffectWithTheTextsFilledIn() throws {
        let body = MacroBody(name: " 退款已处理 ", target: "conversation", actions: [
            .init(type: "reply", text: "{customer_name}您好，我是{agent_number}号{agent_name}"), .init(type: "add_tags", tags: ["退款", "跟进"]),
            .init(type: "remove_tags", tags: ["跟进", "待处理"]), .init(type: "set_priority", value: "low"), .init(type: "close"),
        ])
        let macro = try body.parse().get()
        XCTAssertEqual(macro.name, "退款已处理")
        let plan = macro.plan(tags: ["待处理", "老客"], priority: "high", variables: ["customer_name": "王女士", "agent_number": "8", "agent_name": "小美"])
        XCTAssertEqual(plan.reply, "王女士您好，我是8号小美")
        XCTAssertNil(plan.note)
        XCTAssertEqual(plan.tags, ["退款", "老客"])
        XCTAssertEqual(plan.status, "resolved")
        XCTAssertEqual(plan.priority, "low")
        let ticket = try MacroBody(name: "t", target: "ticket", actions: [.init(type: "close")]).parse().get()
        XCTAssertEqual(ticket.plan(tags: [], priority: "normal", variables: [:]).status, "solved")
    }

    func testEveryProblemNamesItsField() {
        func fields(_ body: MacroBody) -> Set<String> {
            guard case .failure(let error) = body.parse() else { return [] }
            return Set(error.problems.map(\.field))
        }
        XCTAssertEqual(fields(MacroBody(name: "", target: "order", actions: [])), ["name", "target"])
        XCTAssertEqual(fields(MacroBody(name: "x", target: "ticket", actions: [.init(type: "webhook"), .init(type: "notify", text: "x", recipients: "inbox")])),
                       ["actions[0].type", "actions[1].type"])
        XCTAssertEqual(fields(MacroBody(name: "x", target: "ticket", actions: [.init(type: "note", text: "a"), .init(type: "note", text: "b")])),
                       ["actions[1]"])
        XCTAssertEqual(fields(MacroBody(name: "x", target: "ticket", actions: [.init(type: "set_status", value: "resolved")])), ["actions[0].value"])
        XCTAssertEqual(fields(MacroBody(name: "x", target: "conversation", actions: [.init(type: "set_status", value: "snoozed")])), ["actions[0].value"])
        XCTAssertEqual(fields(MacroBody(name: "x", target: "conversation", actions: [])), ["actions"])
    }
}
