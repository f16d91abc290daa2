import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// Quick phrases (快捷短语) over HTTP.
final class QuickPhrasesTests: XCTestCase {
    func testPersonalAndTeamPhrasesSearchUseAndCountsFillVariables() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        let visitor = try await TestVisitor.create(app, shop: shop)
        // act: the admin adds a team phrase, the agent a personal one; the agent may not add team ones
        let team = try await app.send(.POST, "/api/v1/quick-phrases", as: admin,
                                      json: #"{"scope":"team","category":"问候","shortcut":"hi","text":"亲，{customer_name}您好！我是{agent_number}号客服{agent_name}～"}"#)
        let mine = try await app.send(.POST, "/api/v1/quick-phrases", as: agent, json: #"{"shortcut":"wait","text":"亲，请稍等，正在为您查询"}"#)
        let refused = try await app.send(.POST, "/api/v1/quick-phrases", as: agent, json: #"{"scope":"team","text":"x"}"#)
        let clash = try await app.send(.POST, "/api/v1/quick-phrases", as: agent, json: #"{"shortcut":"wait","text":"另一个"}"#)
        let badShortcut = try await app.send(.POST, "/api/v1/quick-phrases", as: agent, json: #"{"shortcut":"等一下","text":"y"}"#)
        // check
        XCTAssertEqual(team.status, .created, team.body.string)
        XCTAssertEqual(mine.status, .created, mine.body.string)
        XCTAssertEqual(refused.status, .forbidden)
        XCTAssertEqual(clash.status, .conflict)
        XCTAssertEqual(badShortcut.errorField, "shortcut")
        let teamID = try team.content.decode(QuickPhraseDTO.self).id
        // using it fills the variables and counts; the most used comes first
        let used = try await app.send(.POST, "/api/v1/quick-phrases/\(teamID)/use", as: agent,
                                      json: #"{"conversationId":"\#(visitor.conversation.id!)"}"#)
        XCTAssertEqual(try used.content.decode(UsedPhraseDTO.self).text, "亲，顾客您好！我是8号客服小美～")
        let list = try await app.send(.GET, "/api/v1/quick-phrases", as: agent)
        let items = try list.content.decode(QuickPhraseListDTO.self).items
        XCTAssertEqual(items.map(\.shortcut), ["hi", "wait"])
        XCTAssertEqual(items.first?.usageCount, 1)
        // search by shortcut prefix and by traditional characters
        let byShortcut = try await app.send(.GET, "/api/v1/quick-phrases?q=wa", as: agent)
        XCTAssertEqual(try byShortcut.content.decode(QuickPhraseListDTO.self).items.first?.shortcut, "wait")
        let byText = try await app.send(.GET, "/api/v1/quick-phrases?q=%E6%9F%A5%E8%A9%A2", as: agent)  // 查詢
        XCTAssertEqual(try byText.content.decode(QuickPhraseListDTO.self).items.first?.shortcut, "wait")
        // the agent cannot change the team's phrase; the admin cannot see the agent's personal one
        let edit = try await app.send(.PATCH, "/api/v1/quick-phrases/\(teamID)", as: agent, json: #"{"text":"改"}"#)
        XCTAssertEqual(edit.status, .forbidden)
        let adminList = try await app.send(.GET, "/api/v1/quick-phrases", as: admin)
        XCTAssertEqual(try adminList.content.decode(QuickPhraseListDTO.self).items.map(\.shortcut), ["hi"])
    }

    func testCSVRoundTripBadLinesAndProposals() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let csv = "scope,category,shortcut,text\npersonal,物流,ship,\"亲，今天下单今天发货，\"\"顺丰\"\"包邮\"\npersonal,,=cmd,危险\n"
        // act: a bad shortcut on line 3 refuses the whole file
        let refused = try await app.send(.POST, "/api/v1/quick-phrases/import", as: agent, bytes: Array(csv.utf8),
                                         contentType: HTTPMediaType(type: "text", subType: "csv"))
        let good = "scope,category,shortcut,text\npersonal,物流,ship,\"亲，今天下单今天发货，\"\"顺丰\"\"包邮\"\npersonal,售后,,=SUM(A1) 不是公式\n"
        let imported = try await app.send(.POST, "/api/v1/quick-phrases/import", as: agent, bytes: Array(good.utf8),
                                          contentType: HTTPMediaType(type: "text", subType: "csv"))
        let again = try await app.send(.POST, "/api/v1/quick-phrases/import", as: agent, bytes: Array(good.utf8),
                                       contentType: HTTPMediaType(type: "text", subType: "csv"))
        let exported = try await app.send(.GET, "/api/v1/quick-phrases/export", as: agent)
        // check
        XCTAssertEqual(refused.status, .badRequest)
        XCTAssertTrue(refused.body.string.contains("line 3"), refused.body.string)
        XCTAssertEqual(try imported.content.decode(ImportResultDTO.self).created, 2)
        XCTAssertEqual(try again.content.decode(ImportResultDTO.self).updated, 2, "the same file again updates, not duplicates")
        XCTAssertTrue(exported.body.string.contains("\"亲，今天下单今天发货，\"\"顺丰\"\"包邮\""), exported.body.string)
        XCTAssertTrue(exported.body.string.contains("'=SUM(A1)"), "formula-looking cells are defused")
        // proposals: a reply typed three times
        let visitor = try await TestVisitor.create(app, shop: shop)
        for _ in 0..<3 {
            _ = try await app.send(.POST, "/api/v1/conversations/\(visitor.conversation.id!)/messages", as: agent, json: #"{"text":"亲，已经为您备注加急了哦"}"#)
        }
        let proposals = try await app.send(.GET, "/api/v1/quick-phrases/proposals", as: agent)
        let items = try proposals.content.decode(ProposalsDTO.self).items
        XCTAssertEqual(items.first?.text, "亲，已经为您备注加急了哦")
        XCTAssertEqual(items.first?.count, 3)
    }
}
