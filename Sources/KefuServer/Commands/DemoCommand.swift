import Fluent
import Foundation
import KefuCore
import Vapor

/// `kefu demo`: a demo shop with a team and inboxes, so a new user can try Kefu
/// at once. Running it again changes nothing and prints the sign-in again.
/// Later capabilities add their demo data as further `DemoSeed` steps.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Create a demo shop with agents and inboxes, and print how to sign in" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let console = context.console
        if let existing = try await User.query(on: app.db).filter(\.$email == DemoData.ownerEmail).first() {
            console.print("The demo shop already exists (account \(existing.accountID.uuidString)); nothing was changed.")
        } else {
            let steps = DemoData.steps
            var accountID: UUID?
            for (index, step) in steps.enumerated() {
                console.print("[\(index + 1)/\(steps.count)] \(step.title)")
                accountID = try await step.run(app, accountID)
            }
        }
        DemoData.printSignIn(console: console, settings: app.kefu.settings)
    }
}

/// One step of the demo data; returns the demo account id.
struct DemoSeed: Sendable {
    var title: String
    var run: @Sendable (Application, UUID?) async throws -> UUID
}

enum DemoData {
    static let ownerEmail = "owner@demo.kefu.local"
    static let password = "kefu-demo-2026"
    static let shopName = "Kefu 演示店铺"

    struct Member {
        var email: String
        var name: String
        var number: Int
        var role: Role
        var inboxes: [String]
    }

    static let inboxes: [(name: String, description: String)] = [
        ("售前", "售前咨询：商品、尺码、优惠 (pre-sale)"),
        ("售后", "售后服务：退换货、物流、发票 (after-sale)"),
        ("投诉", "投诉与纠纷 (complaints)"),
    ]

    static let team: [Member] = [
        Member(email: "li@demo.kefu.local", name: "小李", number: 2, role: .supervisor, inboxes: ["售前", "售后", "投诉"]),
        Member(email: "mei@demo.kefu.local", name: "小美", number: 8, role: .agent, inboxes: ["售前"]),
        Member(email: "qiang@demo.kefu.local", name: "阿强", number: 9, role: .agent, inboxes: ["售后"]),
        Member(email: "yun@demo.kefu.local", name: "小云", number: 12, role: .agent, inboxes: ["售前", "售后"]),
    ]

    /// The demo steps in order. Later issues append theirs (orders, knowledge ...).
    static let steps: [DemoSeed] = [
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
        DemoSeed(title: "FAQ: \(knowledgeFile), help centre /help/\(helpSlug), FAQ bot first in 售后") { app, accountID in
            let accountID = accountID!
            let path = app.kefu.resourcesDirectory + "/" + knowledgeFile
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no \(knowledgeFile)")
            }
            let result = try await KnowledgeTransfer.importFile(try KnowledgeTransfer.decode(data, format: .json), accountID: accountID,
                                                              now: app.kefu.clock.now(), on: app.db)
            let settings = try await KnowledgeStore.settings(accountID: accountID, now: app.kefu.clock.now(), on: app.db)
            _ = try await KnowledgeStore.update(settings, with: KnowledgeSettingsInput(helpSlug: helpSlug, synonyms: nil),
                                             now: app.kefu.clock.now(), on: app.db)
            try await Inbox.query(on: app.db).filter(\.$accountID == accountID).filter(\.$name == botInbox)
                .set(\.$botMode, to: .first).update()
            try await AuditLog.recordSystem("article.import", accountID: accountID, target: "knowledge", id: nil,
                                            details: ["created": String(result.created)], at: app.kefu.clock.now(), on: app.db)
            return accountID
        },
        DemoStore.seed,
    ]

    static let knowledgeFile = "Resources/Knowledge/demo-faq.zh-CN.json"
    static let helpSlug = "demo"
    /// The inbox whose FAQ bot answers first (the demo shop page's `?desk=after-sale`).
    static let botInbox = "售后"

    static func printSignIn(console: any Console, settings: KefuSettings) {
        console.print("")
        console.print("Demo shop \"\(shopName)\" — start Kefu with `swift run kefu serve` and open http://\(settings.host):\(settings.port)/")
        console.print("Sign in with any of these (password \(password)):")
        console.print("  1号 店长  owner       \(ownerEmail)")
        for m in team {
            console.print("  \(m.number)号 \(m.name)  \(m.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(m.email)")
        }
    }
}
