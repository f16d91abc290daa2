import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// What an anonymous visitor can send without a socket: left messages are rate-limited like a
/// person typing, uploads have a quota per visitor, and uploads no message used are deleted
/// after a day.
final class VisitorLimitsTests: XCTestCase {
    func testLeftMessagesAreLimitedPerVisitor() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop, messages: [])
        var statuses: [UInt] = []
        for n in 0..<7 {
            let r = try await app.send(.POST, "/api/v1/widget/leave-message?token=\(visitor.token)", json: #"{"phone":"13800000000","text":"请回电 \#(n)"}"#)
            statuses.append(r.status.code)
            if r.status == .tooManyRequests { XCTAssertNotNil(r.headers.first(name: .retryAfter)) }
        }
        XCTAssertEqual(statuses, [201, 201, 201, 201, 201, 429, 429])
        let stored = try await Message.query(on: app.db).filter(\.$text ~~ "请回电").count()
        XCTAssertEqual(stored, 5)
    }

    func testUploadsHaveAQuotaAndUnusedOnesAreDeletedAfterADay() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let visitor = try await TestVisitor.create(app, shop: shop, messages: [])
        var ids: [String] = []
        for _ in 0..<Uploads.perVisitor.limit {
            let r = try await app.send(.POST, "/api/v1/widget/uploads?token=\(visitor.token)", bytes: TestImages.png)
            XCTAssertEqual(r.status, .created, r.body.string)
            ids.append(try r.content.decode(AttachmentDTO.self).id)
        }
        let over = try await app.send(.POST, "/api/v1/widget/uploads?token=\(visitor.token)", bytes: TestImages.png)
        XCTAssertEqual(over.status, .tooManyRequests)
        // one is sent in a message (the check every message's attachments pass marks it used)
        _ = try await ConversationOps.attachments([ids[0]], accountID: shop.account.id!, uploaderType: "visitor", uploaderID: visitor.contact.id!, on: app.db)
        // within the day nothing goes; a day later only the unused ones
        let early = try await Uploads.prune(app, now: Date())
        XCTAssertEqual(early, 0)
        let pruned = try await Uploads.prune(app, now: Date().addingTimeInterval(Uploads.keepUnused + 60))
        XCTAssertEqual(pruned, ids.count - 1)
        let left = try await Attachment.query(on: app.db).all().compactMap(\.id)
        XCTAssertEqual(left, [ids[0]])
        let served = try await app.send(.GET, AttachmentDTO.url(for: ids[0], accountID: shop.account.id!))
        XCTAssertEqual(served.status, .ok)
    }
}
