import Fluent
import Foundation
import KefuCore
import Vapor

/// Demo after-sales: the urgent complaint's exchange case waiting for the seller's decision (its
/// due time running), and a compensation above the agent's limit waiting for approval.
enum CasesDemo {
    static var steps: [DemoSeed] { [seed] }

    static let seed = DemoSeed(title: "after-sales: an exchange case under review with its deadline, a compensation waiting for approval") { app, accountID in
        let accountID = accountID!
        func ticket(_ subject: String) async throws -> Ticket? {
            try await Ticket.query(on: app.db).filter(\.$accountID == accountID).filter(\.$subject == subject).first()
        }
        func member(_ email: String) async throws -> Caller? {
            guard let user = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == email).first() else { return nil }
            return try await Caller.member(Principal(kind: .user, accountID: accountID, role: user.role, userID: user.id, tokenID: nil, sessionID: nil,
                                                     label: email), on: app.db)
        }
        if let complaint = try await ticket("大衣到货有破损，要求换货，不处理就投诉到12315"), let li = try await member("li@demo.kefu.local") {
            let c = try await app.afterSales.open(ticketID: complaint.id!, AfterSales.CaseDraft(
                kind: .exchange, reason: .damaged, orderExternalID: "E20261120007", lines: [CaseLine(sku: "COAT-FLC", quantity: 1)],
                description: "左袖破洞，顾客已发照片，要求换新"), by: li)
            _ = try await app.afterSales.step(c.id!, .acknowledge, by: li)
            _ = try await app.afterSales.move(c.id!, to: .sellerReview, ruling: nil, dueAt: nil, note: "等仓库确认库存", by: li)
        }
        if let missing = try await ticket("T恤洗了一次就缩水"), let qiang = try await member("qiang@demo.kefu.local") {
            _ = try await app.afterSales.propose(ticketID: missing.id!, AfterSales.CompensationDraft(
                kind: .cash, amount: 1500, orderExternalID: "E20261118010", reason: "quality", note: "缩水，补偿 15 元红包"), by: qiang)
        }
        return accountID
    }
}
