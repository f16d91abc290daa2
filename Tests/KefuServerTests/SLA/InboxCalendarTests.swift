import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Inboxes keep their business hours by a calendar: hours set on an inbox become a calendar named
/// after it; a calendar edit reaches every inbox that counts on it; another shop's calendar cannot
/// be named; a calendar an inbox uses is not deleted.
final class InboxCalendarTests: XCTestCase {
    func testInboxHoursAreACalendarThatEveryLinkedInboxFollows() async throws {
        let f = try await OrdersFixture.make(for: self)
        let app = f.app
        let inbox = "/api/v1/inboxes/\(f.shop.inbox.id!)"
        // hours on the inbox: a calendar named after it
        let day = #"[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"18:00"}]"#
        let set = try await app.send(.PATCH, inbox, as: f.admin, json: #"{"businessHours":{"timeZone":"Asia/Shanghai","weekly":{"mon":\#(day)}}}"#)
        XCTAssertEqual(set.status, .ok, set.body.string)
        let calendarID = try XCTUnwrap(try set.content.decode(InboxDTO.self).calendarId)
        let calendars = try await app.send(.GET, "/api/v1/sla/calendars", as: f.agent).content.decode(ItemsDTO<SLACalendarDTO>.self)
        XCTAssertEqual(calendars.items.map(\.name), [f.shop.inbox.name])
        XCTAssertEqual(calendars.items.first?.hours.weekly["mon"]?.count, 2)
        // a second inbox keeps its hours by the same calendar
        let second = try await InboxesController.create(name: "售后", description: nil, accountID: f.shop.account.id!, on: app.db) { _, _ in }
        let linked = try await app.send(.PATCH, "/api/v1/inboxes/\(second.id!)", as: f.admin, json: #"{"calendarId":"\#(calendarID)"}"#)
        XCTAssertEqual(try linked.content.decode(InboxDTO.self).businessHours?.weekly["mon"]?.count, 2)
        // the calendar changes (the lunch break goes): both inboxes follow, also in what the chat path reads
        let edited = try await app.send(.PUT, "/api/v1/sla/calendars/\(calendarID)", as: f.admin,
                                        json: #"{"hours":{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"18:00"}]}}}"#)
        XCTAssertEqual(edited.status, .ok, edited.body.string)
        await app.drainEvents()
        for id in [f.shop.inbox.id!, second.id!] {
            let dto = try await app.send(.GET, "/api/v1/inboxes/\(id)", as: f.admin).content.decode(InboxDTO.self)
            XCTAssertEqual(dto.businessHours?.weekly["mon"], [BusinessHours.TimeRange(start: "09:00", end: "18:00")])
            let runtime = try await app.inboxes.runtime(id, accountID: f.shop.account.id!, on: app.db)
            XCTAssertEqual(runtime?.hours?.weekly["mon"]?.count, 1)
        }
        // hours edited from the inbox edit its calendar
        _ = try await app.send(.PATCH, inbox, as: f.admin, json: #"{"businessHours":{"timeZone":"Asia/Shanghai","weekly":{"tue":\#(day)}}}"#)
        await app.drainEvents()
        let after = try await app.send(.GET, "/api/v1/inboxes/\(second.id!)", as: f.admin).content.decode(InboxDTO.self)
        XCTAssertEqual(after.businessHours?.weekly.keys.sorted(), ["tue"])
        // in use: not deleted; another shop's calendar cannot be named
        let delete = try await app.send(.DELETE, "/api/v1/sla/calendars/\(calendarID)", as: f.admin)
        XCTAssertEqual(delete.status, .conflict)
        let other = try await TestShop.create(app, name: "Other")
        let stranger = try await Credentials.session(for: other.admin, on: app.db)
        let foreign = try await app.send(.PATCH, "/api/v1/inboxes/\(other.inbox.id!)", as: stranger, json: #"{"calendarId":"\#(calendarID)"}"#)
        XCTAssertEqual(foreign.status, .badRequest)
        XCTAssertEqual(foreign.errorField, "calendarId")
        // always open: no calendar
        let open = try await app.send(.PATCH, inbox, as: f.admin, json: #"{"businessHours":null}"#)
        let dto = try open.content.decode(InboxDTO.self)
        XCTAssertNil(dto.calendarId)
        XCTAssertNil(dto.businessHours)
    }
}
