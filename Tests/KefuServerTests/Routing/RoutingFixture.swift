import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest

/// A shop whose inbox routes automatically (round robin, capacity 2) with the standard
/// replies, a listening server, and helpers for shoppers and agents.
struct RoutingFixture {
    var app: Application
    var port: Int
    var shop: TestShop

    static func make(for testCase: XCTestCase, capacity: Int = 2, hours: BusinessHours? = nil,
                     clock: (any WallClock)? = nil) async throws -> RoutingFixture {
        let app = try await TestApp.make(for: testCase, clock: clock)
        let port = try await TestApp.listen(app, for: testCase)
        let shop = try await TestShop.create(app, name: "Shop")
        shop.inbox.routing = .roundRobin
        shop.inbox.capacity = capacity
        shop.inbox.autoRepliesJSON = FrameCoder.encode(AutoReplies.standard(app.kefu.catalogs))
        shop.inbox.businessHoursJSON = hours.map { FrameCoder.encode($0) }
        try await shop.inbox.save(on: app.db)
        app.inboxes.forget(shop.inbox.id!)
        // The admin answers this inbox too (two agents: 8 小美 and 2 管理员).
        try await InboxMember(accountID: shop.account.id!, inboxID: shop.inbox.id!, userID: shop.admin.id!).create(on: app.db)
        return RoutingFixture(app: app, port: port, shop: shop)
    }

    /// A shopper with a visitor socket (after `hello`).
    func shopper(_ name: String? = nil) async throws -> (client: ChatTestClient, token: String) {
        let response = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","locale":"zh-CN"}"#)
        XCTAssertEqual(response.status, .ok, response.body.string)
        let session = try response.content.decode(WidgetSessionDTO.self)
        if let name {
            try await Contact.query(on: app.db).filter(\.$id == session.contactId).set(\.$name, to: name).update()
        }
        let client = try await ChatTestClient.connect(port: port, path: "/api/v1/widget/ws?token=\(session.visitorToken)", on: app)
        _ = try await client.next("hello")
        return (client, session.visitorToken)
    }

    /// An agent's socket (which sets them online).
    func agent(_ user: User) async throws -> ChatTestClient {
        let credentials = try await Credentials.session(for: user, on: app.db)
        let client = try await ChatTestClient.connect(port: port, path: "/api/v1/agent/ws", credentials: credentials, on: app)
        _ = try await client.next("hello")
        for _ in 0..<200 {
            let row = try await AgentPresence.query(on: app.db).filter(\.$userID == user.id!).first()
            if AgentAvailability.effective(row, now: Date()) == .online { break }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return client
    }

    /// The next bot message to the shopper whose payload type starts with `prefix`.
    static func autoReply(_ client: ChatTestClient, _ prefix: String = "auto.", timeout: Double = 5) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let frame = try await client.next("message", timeout: deadline.timeIntervalSinceNow)
            if let m = frame["message"], m["senderType"]?.string == "bot", m["payload"]?["type"]?.string?.hasPrefix(prefix) == true { return m }
        }
        throw DomainError.notFound("auto reply \(prefix)")
    }

    /// The next queue frame for the shopper.
    static func queue(_ client: ChatTestClient) async throws -> (position: Int, eta: Int) {
        let frame = try await client.next("queue")
        return (frame["position"]?.int ?? -1, frame["etaSeconds"]?.int ?? -1)
    }

    func conversation(of token: String) async throws -> Conversation {
        let stored = try await VisitorToken.query(on: app.db).filter(\.$tokenHash == TokenHash.sha256(token)).first()!
        return try await Conversation.query(on: app.db).filter(\.$contactID == stored.contactID).sort(\.$createdAt, .descending).first()!
    }

    /// The reporting rows of `kind` (after the durable listeners have seen every event).
    func events(_ kind: ReportingKind) async throws -> [ConversationEvent] {
        await app.drainEvents()
        return try await ConversationEvent.query(on: app.db).filter(\.$accountID == shop.account.id!).filter(\.$kind == kind).all()
    }
}
