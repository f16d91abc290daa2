import Fluent
import Foundation
import KefuCore
import Vapor

/// Demo automation: three rules a shop typically starts from, switched off so the demo behaves
/// as before until someone turns one on (and tries it on a past chat first), and three shared
/// macros for the team.
enum AutomationDemo {
    static var steps: [DemoSeed] { [seed] }

    static let seed = DemoSeed(title: "Automation: example rules (switched off) and shared macros") { app, accountID in
        let accountID = accountID!
        let owner = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == DemoData.ownerEmail).first()
        let principal = Principal(kind: .user, accountID: accountID, role: .owner, userID: owner?.id, tokenID: nil, sessionID: nil,
                                  label: DemoData.ownerEmail)
        typealias Body = AutomationRuleBody
        let rules: [Body] = [
            Body(name: "投诉关键词：加急并提醒组长", enabled: false, trigger: .init(kind: "event", event: "message.created"),
                 conditions: .init(all: [.init(field: "text", op: "contains_any", value: .list(["投诉", "差评", "12315", "质量太差"]))]),
                 actions: [.init(type: "set_priority", value: "urgent"), .init(type: "add_tags", tags: ["投诉风险"]),
                           .init(type: "notify", text: "顾客提到投诉，请优先处理", recipients: "supervisors")]),
            Body(name: "顾客等待 5 分钟未回复", enabled: false, trigger: .init(kind: "time", timer: "conversation.unanswered", minutes: 5),
                 conditions: .init(all: [.init(field: "business_hours", op: "is", value: .one("inside"))]),
                 actions: [.init(type: "notify", text: "{customer_name} 已等待 5 分钟", recipients: "assignee"), .init(type: "set_priority", value: "high")]),
            Body(name: "投诉超时：升级给组长", enabled: false, trigger: .init(kind: "event", event: "sla.breached"),
                 conditions: .init(all: [.init(field: "target", op: "is", value: .one("ticket")),
                                         .init(field: "ticket_type", op: "in", value: .list(["complaint"]))]),
                 actions: [.init(type: "escalate"), .init(type: "note", text: "首次回复已超时，已升级给组长")]),
        ]
        for rule in rules { _ = try await app.automationRules.save(rule, id: nil, by: principal, ip: nil) }
        let macros: [MacroBody] = [
            MacroBody(name: "退款已处理", target: "conversation", shared: true, actions: [
                .init(type: "reply", text: "{customer_name}您好，我是{agent_number}号客服{agent_name}，您的退款已处理，1–3 个工作日原路退回。"),
                .init(type: "add_tags", tags: ["退款"]), .init(type: "close")]),
            MacroBody(name: "请提供破损照片", target: "ticket", shared: true, actions: [
                .init(type: "reply", text: "非常抱歉给您带来不便！麻烦拍一张破损处的照片发给我们，工单 {ticket_number} 会优先处理。"),
                .init(type: "set_status", value: "pending"), .init(type: "add_tags", tags: ["待照片"])]),
            MacroBody(name: "转售后跟进", target: "conversation", shared: true, actions: [
                .init(type: "note", text: "请售后同事跟进订单 {order_no}"), .init(type: "add_tags", tags: ["售后跟进"]),
                .init(type: "set_priority", value: "high")]),
        ]
        for macro in macros { _ = try await app.macros.save(macro, id: nil, by: principal, ip: nil) }
        return accountID
    }
}
