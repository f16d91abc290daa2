import Fluent
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// What the authorization matrix runs against: shop 1 with inbox A (售前, agent 8 and a
/// shopper's conversation) and inbox B (售后, agent 9 only), and shop 2 with its admin and
/// an API token.
final class MatrixWorld: @unchecked Sendable {
    let app: Application
    let shop1: TestShop
    let shop2: TestShop
    let inboxB: Inbox
    let agentB: User
    let visitor: TestVisitor
    let token1: APIToken
    private var counter = 0

    init(app: Application, shop1: TestShop, shop2: TestShop, inboxB: Inbox, agentB: User, visitor: TestVisitor, token1: APIToken) {
        self.app = app
        self.shop1 = shop1
        self.shop2 = shop2
        self.inboxB = inboxB
        self.agentB = agentB
        self.visitor = visitor
        self.token1 = token1
    }

    static func make(for testCase: XCTestCase) async throws -> MatrixWorld {
        let app = try await TestApp.make(for: testCase)
        let shop1 = try await TestShop.create(app, name: "Shop One")
        let shop2 = try await TestShop.create(app, name: "Shop Two")
        let (_, token1) = try await Credentials.token(accountID: shop1.account.id!, on: app.db)
        let inboxB = try await InboxesController.create(name: "售后", description: nil, accountID: shop1.account.id!, on: app.db) { _, _ in }
        let agentB = try await Team.createMember(
            .init(email: "agent-b@shop-one.test", password: TestShop.password, displayName: "阿强", agentNumber: 9, role: .agent,
                  inboxIDs: [inboxB.id!]), accountID: shop1.account.id!, app: app, on: app.db) { _, _ in }
        let visitor = try await TestVisitor.create(app, shop: shop1)
        return MatrixWorld(app: app, shop1: shop1, shop2: shop2, inboxB: inboxB, agentB: agentB, visitor: visitor, token1: token1)
    }

    var accountID: UUID { shop1.account.id! }
    var conversationID: String { visitor.conversation.id!.uuidString }
    var contactID: String { visitor.contact.id!.uuidString }
    var inboxID: String { shop1.inbox.id!.uuidString }
    var conv: String { "/api/v1/conversations/\(conversationID)" }

    /// Ids of shop 1 that shop 2's callers must never see.
    var shop1Secrets: [String] {
        [shop1.agent.id!.uuidString, inboxID, token1.id!.uuidString, accountID.uuidString, shop1.agent.email, conversationID, contactID]
    }

    /// Ids of inbox A's conversation that an agent of inbox B must never see.
    var inboxASecrets: [String] { [conversationID, contactID] }

    /// A number no earlier request used (unique names and ids).
    func unique() -> Int {
        counter += 1
        return counter
    }

    func credentials(_ caller: AuthorizationMatrixTests.Caller) async throws -> Credentials {
        switch caller {
        case .anonymous: return .anonymous
        case .agent1: return try await Credentials.session(for: shop1.agent, on: app.db)
        case .agentB: return try await Credentials.session(for: agentB, on: app.db)
        case .admin1: return try await Credentials.session(for: shop1.admin, on: app.db)
        case .admin2: return try await Credentials.session(for: shop2.admin, on: app.db)
        case .token2: return try await Credentials.token(accountID: shop2.account.id!, on: app.db).0
        }
    }
}
