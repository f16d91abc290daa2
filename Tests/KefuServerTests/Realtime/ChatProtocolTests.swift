import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest

/// The chat protocol over real WebSockets (docs/protocol.md).
final class ChatProtocolTests: XCTestCase {
    struct Fixture {
        var app: Application
        var port: Int
        var shop: TestShop
        var visitorToken: String
    }

    func fixture() async throws -> Fixture {
        let app = try await TestApp.make(for: self)
        let port = try await TestApp.listen(app, for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let session = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(shop.inbox.widgetKey)","page":{"url":"https://shop.example/item/1","title":"连衣裙"}}"#)
        XCTAssertEqual(session.status, .ok, session.body.string)
        return Fixture(app: app, port: port, shop: shop, visitorToken: try session.content.decode(WidgetSessionDTO.self).visitorToken)
    }

    func visitor(_ f: Fixture, token: String? = nil) async throws -> ChatTestClient {
        let client = try await ChatTestClient.connect(port: f.port, path: "/api/v1/widget/ws?token=\(token ?? f.visitorToken)", on: f.app)
        _ = try await client.next("hello")
        return client
    }

    func agent(_ f: Fixture, email: String = "agent@shop.test") async throws -> ChatTestClient {
        let credentials = try await Credentials.signIn(f.app, email: email)
        let client = try await ChatTestClient.connect(port: f.port, path: "/api/v1/agent/ws", credentials: credentials, on: f.app)
        _ = try await client.next("hello")
        return client
    }

    func testMessagesAreAcknowledgedInOrderWithGapFreeSequenceNumbersAndDelivered() async throws {
        // setup
        let f = try await fixture()
        let shopper = try await visitor(f)
        let agent = try await agent(f)
        // act: a burst of messages from the visitor
        let ids = (0..<25).map { _ in UUID() }  // within the visitor burst allowance (30)
        // the writer holds its batches, so the socket must read on without waiting for a commit
        await f.app.chat.writer.hold()
        for (i, id) in ids.enumerated() { shopper.sendMessage("消息 \(i)", clientMessageID: id) }
        for _ in 0..<1000 where await f.app.chat.writer.waiting < 25 { try await Task.sleep(nanoseconds: 5_000_000) }
        let queued = await f.app.chat.writer.waiting
        XCTAssertEqual(queued, 25, "the socket waited for a commit before reading the next frame")
        await f.app.chat.writer.release()
        // check: acks in order, seq 1...40
        var acked: [Int] = []
        for id in ids {
            let ack = try await shopper.next("ack")
            XCTAssertEqual(ack["clientMessageId"]?.string?.lowercased(), id.uuidString.lowercased())
            acked.append(ack["seq"]?.int ?? -1)
        }
        XCTAssertEqual(acked, Array(1...25))
        // the agent receives every message, in order
        var delivered: [Int] = []
        for _ in 0..<25 { delivered.append(try await agent.next("message")["message"]?["seq"]?.int ?? -1) }
        XCTAssertEqual(delivered, Array(1...25))
        let stored = try await Message.query(on: f.app.db).sort(\.$seq).all().map(\.seq)
        XCTAssertEqual(stored, Array(1...25))
        // pipelined: the socket handed all of them over before the first commit, so one batch
        let largest = await f.app.chat.writer.largestBatch
        XCTAssertEqual(largest, 25)
    }

    func testAResendWithTheSameClientIdGetsTheOriginalAck() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        let id = UUID()
        shopper.sendMessage("有货吗？", clientMessageID: id)
        let first = try await shopper.next("ack")
        shopper.sendMessage("有货吗？", clientMessageID: id)
        let again = try await shopper.next("ack")
        XCTAssertEqual(first["messageId"], again["messageId"])
        XCTAssertEqual(first["seq"], again["seq"])
        XCTAssertEqual(again["duplicate"]?.bool, true)
        // also across a reconnect
        shopper.close()
        let back = try await visitor(f)
        back.sendMessage("有货吗？", clientMessageID: id)
        let third = try await back.next("ack")
        XCTAssertEqual(third["messageId"], first["messageId"])
        let count = try await Message.query(on: f.app.db).count()
        XCTAssertEqual(count, 1)
    }

    func testResumeReplaysExactlyTheMissedMessages() async throws {
        // setup: the visitor saw seq 1...3, then its socket dropped
        let f = try await fixture()
        let shopper = try await visitor(f)
        for i in 1...3 { shopper.sendMessage("第\(i)条") }
        var conversationID = ""
        for _ in 1...3 { conversationID = try await shopper.next("ack")["conversationId"]!.string! }
        shopper.close()
        // act: the agent answers twice while it is away
        let agent = try await agent(f)
        for text in ["您好", "有货的亲"] {
            agent.sendMessage(text, conversationID: UUID(uuidString: conversationID))
            _ = try await agent.next("ack")
        }
        agent.sendMessage("内部备注", conversationID: UUID(uuidString: conversationID), isPrivate: true)
        _ = try await agent.next("ack")
        let back = try await visitor(f)
        back.send(["type": "resume", "conversationId": conversationID, "afterSeq": 3])
        // check: seq 4 and 5, in order, no private note, then `resumed`
        let m4 = try await back.next("message")
        let m5 = try await back.next("message")
        XCTAssertEqual(m4["message"]?["seq"]?.int, 4)
        XCTAssertEqual(m4["message"]?["text"]?.string, "您好")
        XCTAssertEqual(m4["message"]?["sender"]?["agentNumber"]?.int, 8)
        XCTAssertEqual(m5["message"]?["seq"]?.int, 5)
        let resumed = try await back.next("resumed")
        XCTAssertEqual(resumed["toSeq"]?.int, 6, "the cursor passes the private note")
        let extra = try await back.collect("message", for: 0.2)
        XCTAssertEqual(extra.count, 0, "the private note never reaches the visitor")
    }

    func testAVisitorSeesOnlyItsOwnConversations() async throws {
        let f = try await fixture()
        let alice = try await visitor(f)
        alice.sendMessage("我是A")
        let conversationA = try await alice.next("ack")["conversationId"]!.string!
        let otherSession = try await f.app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(f.shop.inbox.widgetKey)"}"#)
        let bob = try await visitor(f, token: try otherSession.content.decode(WidgetSessionDTO.self).visitorToken)
        // Bob cannot write to, resume, read or watch typing in Alice's conversation
        bob.sendMessage("偷看", conversationID: UUID(uuidString: conversationA))
        do { let value = try await bob.next("error")["code"]?.string; XCTAssertEqual(value, "not_found") }
        bob.send(["type": "resume", "conversationId": conversationA, "afterSeq": 0])
        do { let value = try await bob.next("error")["code"]?.string; XCTAssertEqual(value, "not_found") }
        bob.send(["type": "typing", "conversationId": conversationA, "typing": true])
        do { let value = try await bob.next("error")["code"]?.string; XCTAssertEqual(value, "not_found") }
        let history = try await f.app.send(.GET, "/api/v1/widget/messages?token=\(try otherSession.content.decode(WidgetSessionDTO.self).visitorToken)&conversationId=\(conversationA)")
        XCTAssertEqual(history.status, .notFound)
        // and receives nothing of Alice's
        alice.sendMessage("A的第二条")
        _ = try await alice.next("ack")
        let leaked = try await bob.collect("message", for: 0.3)
        XCTAssertEqual(leaked.count, 0)
    }

    func testBadFramesGetErrorsAndTheConnectionSurvives() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        let cases: [(String, String)] = [
            ("not json", "malformed_frame"),
            ("[1,2]", "malformed_frame"),
            (#"{"text":"no type"}"#, "malformed_frame"),
            (#"{"type":"launch.rocket"}"#, "unknown_type"),
            (#"{"type":"message.send","text":"x"}"#, "invalid_field"),
            (#"{"type":"message.send","clientMessageId":"nope","text":"x"}"#, "invalid_field"),
            (#"{"type":"message.send","clientMessageId":"\#(UUID())","text":"   "}"#, "invalid_field"),
            (#"{"type":"message.send","clientMessageId":"\#(UUID())","text":"\#(String(repeating: "长", count: 5001))"}"#, "text_too_long"),
            (#"{"type":"message.send","clientMessageId":"\#(UUID())","text":"x","attachments":["att_forged"]}"#, "attachment_invalid"),
            (#"{"type":"message.send","clientMessageId":"\#(UUID())","text":"x","private":true}"#, "forbidden"),
            (#"{"type":"resume","conversationId":"\#(UUID())","afterSeq":-1}"#, "invalid_field"),
            (#"{"type":"read","conversationId":"\#(UUID())","seq":1}"#, "not_found"),
            (#"{"type":"presence","status":"online"}"#, "forbidden"),
        ]
        for (frame, code) in cases {
            shopper.sendRaw(frame)
            let error = try await shopper.next("error")
            XCTAssertEqual(error["code"]?.string, code, frame.prefix(80).description)
        }
        shopper.send(["type": "ping"])
        _ = try await shopper.next("pong")
        XCTAssertFalse(shopper.isClosed)
        let count = try await Message.query(on: f.app.db).count()
        XCTAssertEqual(count, 0, "nothing was stored")
    }

    func testAFrameOverTheSizeLimitClosesTheConnection() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        shopper.sendRaw(#"{"type":"ping","pad":""# + String(repeating: "x", count: ChatLimits.maxFrameBytes + 10) + #""}"#)
        for _ in 0..<200 where !shopper.isClosed { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertTrue(shopper.isClosed)
    }

    func testPrivateNotesStayWithAgentsAndTypingAndReadReachTheOtherSide() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        let agent = try await agent(f)
        shopper.sendMessage("在吗")
        let conversationID = try await shopper.next("ack")["conversationId"]!.string!
        _ = try await agent.next("message")
        agent.send(["type": "typing", "conversationId": conversationID, "typing": true])
        let typing = try await shopper.next("typing")
        XCTAssertEqual(typing["sender"]?["type"]?.string, "agent")
        agent.sendMessage("@小李 这位是老顾客", conversationID: UUID(uuidString: conversationID), isPrivate: true)
        _ = try await agent.next("ack")
        agent.send(["type": "read", "conversationId": conversationID, "seq": 1])
        let read = try await shopper.next("read")
        XCTAssertEqual(read["reader"]?.string, "agent")
        XCTAssertEqual(read["seq"]?.int, 1)
        let leaked = try await shopper.collect("message", for: 0.3)
        XCTAssertEqual(leaked.count, 0)
        shopper.send(["type": "read", "conversationId": conversationID, "seq": 2])
        do { let value = try await agent.next("read")["reader"]?.string; XCTAssertEqual(value, "visitor") }
    }

    func testAnAgentOutsideTheInboxCannotSeeTheConversation() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        shopper.sendMessage("你好")
        let conversationID = try await shopper.next("ack")["conversationId"]!.string!
        // an agent of another inbox
        let admin = try await Credentials.signIn(f.app, email: "admin@shop.test")
        let other = try await f.app.send(.POST, "/api/v1/inboxes", as: admin, json: #"{"name":"售后"}"#).content.decode(InboxDTO.self)
        _ = try await f.app.send(.POST, "/api/v1/agents", as: admin,
                                 json: #"{"email":"b@shop.test","password":"\#(TestShop.password)","displayName":"阿强","inboxIds":["\#(other.id)"]}"#)
        let outsider = try await agent(f, email: "b@shop.test")
        outsider.sendMessage("hi", conversationID: UUID(uuidString: conversationID))
        do { let value = try await outsider.next("error")["code"]?.string; XCTAssertEqual(value, "not_found") }
        let credentials = try await Credentials.signIn(f.app, email: "b@shop.test")
        do { let value = try await f.app.send(.GET, "/api/v1/conversations/\(conversationID)", as: credentials).status; XCTAssertEqual(value, .notFound) }
        shopper.sendMessage("还在吗")
        _ = try await shopper.next("ack")
        do { let value = try await outsider.collect("message", for: 0.3).count; XCTAssertEqual(value, 0) }
    }

    func testImagesTravelAsAttachments() async throws {
        let f = try await fixture()
        let shopper = try await visitor(f)
        let agent = try await agent(f)
        let upload = try await f.app.send(.POST, "/api/v1/widget/uploads?token=\(f.visitorToken)&name=photo.png", bytes: TestImages.png,
                                          contentType: .jpeg)
        XCTAssertEqual(upload.status, .created)
        let dto = try upload.content.decode(AttachmentDTO.self)
        XCTAssertEqual(dto.contentType, "image/png", "the type comes from the bytes, not the header")
        shopper.sendMessage("", attachments: [dto.id])
        _ = try await shopper.next("ack")
        let message = try await agent.next("message")
        XCTAssertEqual(message["message"]?["attachments"]?.array?.first?["id"]?.string, dto.id)
        let file = try await f.app.send(.GET, dto.url)
        XCTAssertEqual(file.status, .ok)
        XCTAssertEqual(file.headers.first(name: "X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(file.headers.contentType?.serialize(), "image/png")
        XCTAssertEqual(Array(file.body.readableBytesView), TestImages.png)
        // not an image: refused; too big: 413
        let svg = try await f.app.send(.POST, "/api/v1/widget/uploads?token=\(f.visitorToken)", bytes: Array("<svg onload=alert(1)>".utf8),
                                       contentType: .init(type: "image", subType: "svg+xml"))
        XCTAssertEqual(svg.status, .badRequest)
        XCTAssertEqual(svg.errorCode, "attachment_invalid")
    }
}

extension ChatProtocolTests {
    func testSigningOutClosesThatSessionsSocketsAndAPasswordChangeTheOthers() async throws {
        let f = try await fixture()
        let laptop = try await Credentials.signIn(f.app, email: "agent@shop.test")
        let phone = try await Credentials.signIn(f.app, email: "agent@shop.test")
        let onLaptop = try await ChatTestClient.connect(port: f.port, path: "/api/v1/agent/ws", credentials: laptop, on: f.app)
        let onPhone = try await ChatTestClient.connect(port: f.port, path: "/api/v1/agent/ws", credentials: phone, on: f.app)
        _ = try await onLaptop.next("hello")
        _ = try await onPhone.next("hello")
        // a password change on the laptop closes the phone's socket only
        _ = try await f.app.send(.POST, "/api/v1/auth/password", as: laptop,
                                 json: #"{"currentPassword":"\#(TestShop.password)","newPassword":"new secret 123"}"#)
        for _ in 0..<300 where !onPhone.isClosed { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertTrue(onPhone.isClosed)
        XCTAssertFalse(onLaptop.isClosed)
        // signing out closes the laptop's
        _ = try await f.app.send(.POST, "/api/v1/auth/logout", as: laptop)
        for _ in 0..<300 where !onLaptop.isClosed { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertTrue(onLaptop.isClosed)
        let again = await ChatTestClient.upgradeStatus(port: f.port, path: "/api/v1/agent/ws", credentials: laptop, on: f.app)
        XCTAssertEqual(again, 401)
    }

    func testTheAgentSocketRefusesForeignOrigins() async throws {
        let f = try await fixture()
        let me = try await Credentials.signIn(f.app, email: "agent@shop.test")
        do {
            _ = try await ChatTestClient.connect(port: f.port, path: "/api/v1/agent/ws", credentials: me, origin: "https://evil.example", on: f.app)
            XCTFail("a cross-site socket was accepted")
        } catch let rejected as ChatTestClient.Rejected {
            XCTAssertEqual(rejected.status, 403)
        }
    }
}
