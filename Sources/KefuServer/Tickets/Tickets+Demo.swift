import Fluent
import Foundation
import KefuCore
import Vapor

/// Demo tickets: a question being worked on, an urgent complaint with its order, one waiting on
/// the customer, a solved one, and a shop's own field (快递单号).
enum TicketsDemo {
    static var steps: [DemoSeed] { [seed] }

    static let seed = DemoSeed(title: "tickets: 4 tickets in several states (an urgent complaint with its order), a 快递单号 field") { app, accountID in
        let accountID = accountID!
        let owner = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == DemoData.ownerEmail).first()
        let principal = Principal(kind: .user, accountID: accountID, role: .owner, userID: owner?.id, tokenID: nil, sessionID: nil,
                                  label: DemoData.ownerEmail)
        _ = try await TicketSettingsStore.update(TicketSettingsInput(fields: [
            TicketFieldDefinition(key: "tracking_no", label: "快递单号", kind: .text),
            TicketFieldDefinition(key: "channel", label: "购买渠道", kind: .select, options: ["天猫", "京东", "抖音", "官网"]),
        ]), by: principal, ip: nil, app: app)
        let caller = try await Caller.member(principal, on: app.db)
        func member(_ email: String) async throws -> UUID? {
            let user = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == email).first()
            return user?.id
        }
        func contact(_ externalID: String, _ name: String, tier: String) async throws -> UUID {
            if let found = try await Contact.query(on: app.db).filter(\.$accountID == accountID).filter(\.$externalID == externalID).first() {
                return found.id!
            }
            let c = Contact(accountID: accountID)
            c.name = name
            c.externalID = externalID
            c.tier = tier
            try await c.create(on: app.db)
            return c.id!
        }
        let inbox = { (name: String) async throws -> UUID? in
            try await Inbox.query(on: app.db).filter(\.$accountID == accountID).filter(\.$name == name).first()?.id
        }
        let wang = try await contact("C1001", "王女士", tier: "vip")
        let chen = try await contact("C1002", "陈先生", tier: "member")
        let tickets = app.tickets

        let complaint = try await tickets.create(Tickets.Draft(
            subject: "大衣到货有破损，要求换货，不处理就投诉到12315", type: "complaint", source: .chat, urgency: .urgent, priority: .urgent, contactID: wang, orderExternalIDs: ["E20261120007"],
            inboxID: try await inbox("投诉"), assigneeID: try await member("li@demo.kefu.local"), tags: ["破损", "vip"],
            fields: ["tracking_no": "SF1234567890", "channel": "天猫"],
            description: "王女士收到的摇粒绒大衣左袖有破洞，已发照片；要求换货，情绪激动。"), by: caller)
        _ = try await tickets.comment(complaint.id!, kind: .note, text: "已向仓库确认同款库存充足，可安排换货。", status: nil, by: caller)

        _ = try await tickets.create(Tickets.Draft(
            subject: "T恤尺码怎么选？身高 165 体重 55", source: .phone, contactID: chen, inboxID: try await inbox("售前"),
            description: "陈先生电话咨询尺码。"), by: caller)

        let waiting = try await tickets.create(Tickets.Draft(
            subject: "T恤洗了一次就缩水", type: "after_sale", source: .api, contactID: chen, orderExternalIDs: ["E20261118010"],
            inboxID: try await inbox("售后"), assigneeID: try await member("qiang@demo.kefu.local"),
            description: "顾客说洗后缩了一个码，要求补偿。"), by: caller)
        _ = try await tickets.update(waiting.id!, TicketPatch(status: .pending), by: caller)

        let solved = try await tickets.create(Tickets.Draft(
            subject: "发票怎么开？", type: "question", source: .email, contactID: wang, inboxID: try await inbox("售前"),
            assigneeID: try await member("mei@demo.kefu.local"), description: "需要公司抬头的电子发票。"), by: caller)
        _ = try await tickets.update(solved.id!, TicketPatch(status: .solved), by: caller)
        return accountID
    }
}
