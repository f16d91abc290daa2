import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Finding a customer by name, phone, e-mail or platform id, as the caller may see them.
final class ContactSearchTests: XCTestCase {
    func testCustomersAreFoundByAnyOfTheirDetailsWithinWhatTheCallerSees() async throws {
        let app = try await TestApp.make(for: self)
        let shop = try await TestShop.create(app, name: "Shop")
        let chatting = try await TestVisitor.create(app, shop: shop, messages: ["在吗"])
        chatting.contact.name = "王女士"
        chatting.contact.phone = "138 0013 8000"
        chatting.contact.email = "Wang@Example.com"
        chatting.contact.externalID = "C1001"
        try await chatting.contact.save(on: app.db)
        // a customer known only from a form: no conversation
        let formOnly = Contact(accountID: shop.account.id!)
        formOnly.name = "王先生"
        formOnly.phone = "13900000000"
        try await formOnly.create(on: app.db)
        let agent = try await Credentials.session(for: shop.agent, on: app.db)
        let admin = try await Credentials.session(for: shop.admin, on: app.db)
        func ids(_ q: String, as who: Credentials) async throws -> [UUID] {
            let r = try await app.send(.GET, "/api/v1/contacts?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", as: who)
            XCTAssertEqual(r.status, .ok, r.body.string)
            return try r.content.decode(ContactHitsDTO.self).items.map(\.id)
        }
        let byName = try await ids("王", as: admin)
        XCTAssertEqual(Set(byName), [chatting.contact.id!, formOnly.id!])
        let byPhone = try await ids("0013", as: admin)
        XCTAssertEqual(byPhone, [chatting.contact.id!])
        let byMail = try await ids("wang@example", as: admin)
        XCTAssertEqual(byMail, [chatting.contact.id!])
        let byPlatform = try await ids("c1001", as: admin)
        XCTAssertEqual(byPlatform, [chatting.contact.id!])
        // % and _ are letters here, not wildcards
        let wildcard = try await ids("%", as: admin)
        XCTAssertEqual(wildcard, [])
        // the agent sees the customers of their inbox's conversations
        let agentSees = try await ids("王", as: agent)
        XCTAssertEqual(agentSees, [chatting.contact.id!])
        // bad input names the field
        let empty = try await app.send(.GET, "/api/v1/contacts?q=%20", as: admin)
        XCTAssertEqual(empty.errorField, "q")
        let long = try await app.send(.GET, "/api/v1/contacts?q=\(String(repeating: "a", count: 101))", as: admin)
        XCTAssertEqual(long.errorField, "q")
    }
}
