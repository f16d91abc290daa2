import Fluent
import Foundation
import KefuCore
import Vapor

/// `kefu demo`: a demo shop with a team and inboxes, so a new user can try Kefu
/// at once. Running it again changes nothing and prints the sign-in again.
/// Each capability adds its demo data as `DemoSeed` steps (see ``DemoData/steps``).
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

    /// The demo steps in order, each capability's from its own `<Capability>+Demo.swift`.
    static var steps: [DemoSeed] {
        AccountsDemo.steps       // the shop, its owner, inboxes and agents
            + KnowledgeDemo.steps  // the FAQ, the help centre, the FAQ bot
            + OrdersDemo.steps     // products, customers with orders, a 催付 rule, the demo platform's webhook
            + SLADemo.steps        // a 售后 calendar, promised times for complaints and chats (before the tickets they time)
            + TicketsDemo.steps    // tickets in several states, an urgent complaint with its order, a custom field
            + CasesDemo.steps      // an exchange case under review with its deadline, a compensation waiting for approval
            + FormsDemo.steps      // a repair form in the widget and a feedback form on their public pages
            + AutomationDemo.steps // example rules (switched off) and shared macros
    }

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
