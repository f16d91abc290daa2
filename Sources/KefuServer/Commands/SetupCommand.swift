import Fluent
import Foundation
import KefuCore
import Vapor

/// `kefu setup --shop NAME --email E --password P [--name DISPLAY]`: creates a
/// shop and its owner. For an e-mail already in use it says so and changes nothing.
struct SetupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "shop", help: "The shop's name")
        var shop: String?
        @Option(name: "email", help: "The owner's e-mail, used to sign in")
        var email: String?
        @Option(name: "password", help: "The owner's password (8 characters to 72 bytes); '-' reads it from standard input")
        var password: String?
        @Option(name: "name", help: "The owner's display name (default: 店长)")
        var name: String?
        init() {}
    }

    var help: String { "Create a shop and its owner" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let shop = signature.shop else { throw DomainError.invalid("shop", "--shop is required, e.g. kefu setup --shop \"My Shop\" --email me@example.com --password ...") }
        guard let email = signature.email else { throw DomainError.invalid("email", "--email is required") }
        guard var password = signature.password else { throw DomainError.invalid("password", "--password is required ('-' reads it from standard input)") }
        if password == "-" { password = readLine(strippingNewline: true) ?? "" }

        let app = context.application
        let owner = Team.NewMember(email: email, password: password, displayName: signature.name ?? "店长",
                                   agentNumber: 1, role: .owner, inboxIDs: [])
        let (account, user) = try await Team.createShop(name: shop, owner: owner, app: app, on: app.db)
        context.console.print("Created shop \"\(account.name)\" (account \(account.id!.uuidString)).")
        context.console.print("Owner \(user.email) is agent number \(user.agentNumber).")
        context.console.print("Sign in at http://\(app.kefu.settings.host):\(app.kefu.settings.port)/ after `kefu serve`.")
    }
}
