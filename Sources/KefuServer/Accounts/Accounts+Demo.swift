import Fluent
import Foundation
import KefuCore
import Vapor

/// The demo shop's team: the shop and its owner, the inboxes 售前 / 售后 / 投诉, agents 2, 8, 9, 12.
enum AccountsDemo {
    static var steps: [DemoSeed] {
        let (ownerEmail, password, shopName, inboxes, team) = (DemoData.ownerEmail, DemoData.password, DemoData.shopName, DemoData.inboxes, DemoData.team)
        return [
            DemoSeed(title: "shop and owner") { app, _ in
                let owner = Team.NewMember(email: ownerEmail, password: password, displayName: "店长", agentNumber: 1, role: .owner, inboxIDs: [])
                return try await Team.createShop(name: shopName, owner: owner, app: app, on: app.db).0.id!
            },
            DemoSeed(title: "inboxes 售前 / 售后 / 投诉") { app, accountID in
                let accountID = accountID!
                for inbox in inboxes {
                    _ = try await InboxesController.create(name: inbox.name, description: inbox.description, accountID: accountID,
                                                           autoReplies: .standard(app.kefu.catalogs), on: app.db) { created, tx in
                        try await AuditLog.recordSystem("inbox.create", accountID: accountID, target: "inbox", id: created.id!.uuidString,
                                                        details: ["name": created.name], at: app.kefu.clock.now(), on: tx)
                    }
                }
                return accountID
            },
            DemoSeed(title: "agents 2, 8, 9, 12") { app, accountID in
                let accountID = accountID!
                let byName = Dictionary(uniqueKeysWithValues: try await Inbox.query(on: app.db).filter(\.$accountID == accountID).all().map { ($0.name, $0.id!) })
                for m in team {
                    let member = Team.NewMember(email: m.email, password: password, displayName: m.name, agentNumber: m.number,
                                                role: m.role, inboxIDs: m.inboxes.compactMap { byName[$0] })
                    _ = try await Team.createMember(member, accountID: accountID, app: app, on: app.db) { user, tx in
                        try await AuditLog.recordSystem("agent.create", accountID: accountID, target: "user", id: user.id!.uuidString,
                                                        details: ["email": user.email, "role": user.role.rawValue], at: app.kefu.clock.now(), on: tx)
                    }
                }
                return accountID
            },
        ]
    }
}
