import Fluent
import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTest
import XCTVapor

/// Public forms: a repair form's submission becomes a ticket (source form, the form's type and
/// inbox, the customer found by phone, the order linked, the picture on the timeline); the
/// customer looks it up by number and phone and reads the team's reply; bad, hidden-field and
/// oversized submissions are refused and store nothing; submissions are limited per address.
final class FormsTests: XCTestCase {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)

    static let repairJSON = #"""
    {"name":"在线报修","kind":"repair","intro":"请描述问题","inWidget":true,"fields":[
      {"key":"name","label":"称呼","kind":"name","required":false},
      {"key":"phone","label":"手机号","kind":"phone","required":true},
      {"key":"order","label":"订单号","kind":"order_number","required":false},
      {"key":"problem","label":"问题类型","kind":"choice","required":true,"options":["开线","掉色"]},
      {"key":"details","label":"问题描述","kind":"long_text","required":true},
      {"key":"photos","label":"照片","kind":"pictures","required":false,"maxPictures":2}]}
    """#

    /// A multipart/form-data body: text parts, then files.
    static func multipart(_ values: [(String, String)], files: [(String, String, [UInt8])] = []) -> (HTTPMediaType, [UInt8]) {
        let boundary = "kefu-test-boundary-7d1"
        var body: [UInt8] = []
        for (name, value) in values {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, filename, bytes) in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]), body)
    }

    struct World {
        var f: OrdersFixture
        var form: FormDTO
    }

    private func world() async throws -> World {
        let f = try await OrdersFixture.make(for: self)
        _ = try await f.putOrder("E1", OrdersFixture.orderJSON(status: "paid"))
        let owner = try await Credentials.session(for: f.shop.owner, on: f.app.db)
        let created = try await f.app.send(.POST, "/api/v1/forms", as: owner, json: Self.repairJSON)
        XCTAssertEqual(created.status, .created, created.body.string)
        return World(f: f, form: try created.content.decode(FormDTO.self))
    }

    private func submit(_ app: Application, _ key: String, _ values: [(String, String)], files: [(String, String, [UInt8])] = []) async throws -> XCTHTTPResponse {
        let (type, body) = Self.multipart(values, files: files)
        return try await app.send(.POST, "/api/v1/public/forms/\(key)/submissions", bytes: body, contentType: type)
    }

    private func ticketCount(_ app: Application) async throws -> Int { try await Ticket.query(on: app.db).count() }

    func testASubmissionBecomesATicketTheCustomerCanLookUpAndReadTheReplyOf() async throws {
        // setup: the buyer of E1 already has a profile with this phone
        let w = try await world()
        let app = w.f.app
        w.f.buyer.contact.phone = "13800138000"
        try await w.f.buyer.contact.save(on: app.db)
        XCTAssertEqual(w.form.ticketType, "after_sale")
        XCTAssertTrue(w.form.key.hasPrefix("frm_"))
        // the public side sees the definition and the page
        let definition = try await app.send(.GET, "/api/v1/public/forms/\(w.form.key)")
        XCTAssertEqual(try definition.content.decode(PublicFormDTO.self).fields.map(\.key), ["name", "phone", "order", "problem", "details", "photos"])
        let value1 = try await app.send(.GET, "/forms/\(w.form.key)").status
        XCTAssertEqual(value1, .ok)
        let value2 = try await app.send(.GET, "/forms/frm_unknown").status
        XCTAssertEqual(value2, .notFound)
        // act
        let sent = try await submit(app, w.form.key, [("phone", "+86 138 0013 8000"), ("order", "E1"), ("problem", "开线"),
                                                      ("details", "袖口开线了"), (FormRules.honeypot, "")],
                                    files: [("photos", "袖口.png", Self.png)])
        // check: a new after-sale ticket from the form, of the buyer, with the order and the picture
        XCTAssertEqual(sent.status, .created, sent.body.string)
        let receipt = try sent.content.decode(FormReceiptDTO.self)
        XCTAssertEqual(receipt.status, .new)
        XCTAssertEqual(receipt.lookupUrl, "/forms/\(w.form.key)?number=\(receipt.number)")
        let ticket = try await Ticket.query(on: app.db).filter(\.$number == TicketNumber.parse(receipt.number)!).first()!
        XCTAssertEqual(ticket.source, .form)
        XCTAssertEqual(ticket.type, "after_sale")
        XCTAssertEqual(ticket.contactID, w.f.buyer.contact.id)
        XCTAssertEqual(ticket.subject, "在线报修：袖口开线了")
        let dto = try await app.send(.GET, "/api/v1/tickets/\(ticket.id!)", as: w.f.admin).content.decode(TicketDTO.self)
        XCTAssertEqual(dto.links.compactMap(\.order?.externalId), ["E1"])
        let customer = try XCTUnwrap(dto.entries.first { $0.kind == .customer })
        XCTAssertTrue(customer.text.contains("问题描述: 袖口开线了"), customer.text)
        XCTAssertEqual(customer.attachments.map(\.contentType), ["image/png"])
        XCTAssertEqual(customer.attachments.first?.name, "袖口.png")
        let value3 = try await app.send(.GET, customer.attachments[0].url).status
        XCTAssertEqual(value3, .ok)
        let form = try await app.send(.GET, "/api/v1/forms/\(w.form.id)", as: w.f.admin).content.decode(FormDTO.self)
        XCTAssertEqual(form.submissions, 1)
        // the team replies on the ticket (it has no conversation): the customer reads it in the lookup
        let reply = try await app.send(.POST, "/api/v1/tickets/\(ticket.id!)/entries", as: w.f.admin, json: #"{"kind":"reply","text":"已安排补发，请留意快递"}"#)
        XCTAssertEqual(reply.status, .created, reply.body.string)
        let found = try await app.send(.POST, "/api/v1/public/forms/\(w.form.key)/lookup", json: #"{"number":"\#(receipt.number.lowercased())","contact":"138-0013-8000"}"#)
        XCTAssertEqual(found.status, .ok, found.body.string)
        let lookup = try found.content.decode(FormLookupDTO.self)
        XCTAssertEqual(lookup.status, .open)
        XCTAssertEqual(lookup.replies.map(\.text), ["已安排补发，请留意快递"])
        // a wrong contact and an unknown number look the same
        let wrong = try await app.send(.POST, "/api/v1/public/forms/\(w.form.key)/lookup", json: #"{"number":"\#(receipt.number)","contact":"13900000000"}"#)
        let unknown = try await app.send(.POST, "/api/v1/public/forms/\(w.form.key)/lookup", json: #"{"number":"T-99999","contact":"13800138000"}"#)
        XCTAssertEqual(wrong.status, .notFound)
        XCTAssertEqual(unknown.body.string, wrong.body.string)
        let bad = try await app.send(.POST, "/api/v1/public/forms/\(w.form.key)/lookup", json: #"{"number":"abc","contact":"13800138000"}"#)
        XCTAssertEqual(bad.errorField, "number")
        // the widget offers the form
        let session = try await app.send(.POST, "/api/v1/widget/sessions", json: #"{"inboxKey":"\#(w.f.shop.inbox.widgetKey)"}"#)
        let forms = try session.content.decode(WidgetSessionDTO.self).forms
        XCTAssertEqual(forms.map(\.name), ["在线报修"])
        XCTAssertTrue(forms[0].url.hasSuffix("/forms/\(w.form.key)"), forms[0].url)
    }

    func testBadSubmissionsAreRefusedWithEveryFieldNamedAndStoreNothing() async throws {
        let w = try await world()
        let app = w.f.app
        let before = try await ticketCount(app)
        // every bad field at once
        let bad = try await submit(app, w.form.key, [("phone", "call me"), ("problem", "起球")], files: [("photos", "x.png", Array("GIF8".utf8) + [1, 2])])
        XCTAssertEqual(bad.status, .badRequest)
        let body = try bad.content.decode(ErrorBody.self).error
        XCTAssertEqual(body.fields?.map(\.field), ["phone", "problem", "details", "photos"])
        XCTAssertEqual(body.fields?.map(\.code), ["invalid_phone", "not_an_option", "required", "picture_type"])
        // the hidden field
        let bot = try await submit(app, w.form.key, [("phone", "13800138000"), ("problem", "开线"), ("details", "坏了"), (FormRules.honeypot, "http://x")])
        XCTAssertEqual(bot.status, .badRequest)
        XCTAssertEqual(bot.errorField, FormRules.honeypot)
        // a picture over 5 MiB
        let big = try await submit(app, w.form.key, [("phone", "13800138000"), ("problem", "开线"), ("details", "坏了")],
                                   files: [("photos", "big.png", Self.png + Array(repeating: 0, count: ChatLimits.maxUploadBytes))])
        XCTAssertEqual(big.status, .payloadTooLarge)
        XCTAssertEqual(big.errorField, "photos")
        // not multipart
        let json = try await app.send(.POST, "/api/v1/public/forms/\(w.form.key)/submissions", json: #"{"phone":"13800138000"}"#)
        XCTAssertEqual(json.status, .badRequest)
        XCTAssertEqual(json.errorCode, "invalid_body")
        let value4 = try await ticketCount(app)
        XCTAssertEqual(value4, before)
        let value5 = try await Attachment.query(on: app.db).filter(\.$uploaderType == "visitor").count()
        XCTAssertEqual(value5, 0)
        // the fifth attempt from one address is filed; the sixth within ten minutes waits
        let good = [("phone", "13800138000"), ("problem", "开线"), ("details", "坏了")]
        let value6 = try await submit(app, w.form.key, good).status
        XCTAssertEqual(value6, .created)
        let limited = try await submit(app, w.form.key, good)
        XCTAssertEqual(limited.status, .tooManyRequests)
        XCTAssertNotNil(limited.headers.first(name: .retryAfter))
        let value7 = try await ticketCount(app)
        XCTAssertEqual(value7, before + 1)
    }

    func testDefinitionsAreCheckedAndAnInactiveFormIsGone() async throws {
        let w = try await world()
        let app = w.f.app
        let noPhone = try await app.send(.POST, "/api/v1/forms", as: w.f.admin,
                                         json: #"{"name":"反馈","kind":"feedback","fields":[{"key":"t","label":"内容","kind":"long_text","required":true}]}"#)
        XCTAssertEqual(noPhone.status, .badRequest)
        XCTAssertEqual(noPhone.errorField, "fields")
        let badType = try await app.send(.PATCH, "/api/v1/forms/\(w.form.id)", as: w.f.admin, json: #"{"ticketType":"nope"}"#)
        XCTAssertEqual(badType.errorField, "ticketType")
        let badKind = try await app.send(.PATCH, "/api/v1/forms/\(w.form.id)", as: w.f.admin, json: #"{"kind":"survey"}"#)
        XCTAssertEqual(badKind.errorField, "kind")
        let unknown = try await app.send(.PATCH, "/api/v1/forms/\(w.form.id)", as: w.f.admin, json: #"{"colour":"red"}"#)
        XCTAssertEqual(unknown.status, .badRequest)
        let unchanged = try await app.send(.GET, "/api/v1/forms/\(w.form.id)", as: w.f.agent).content.decode(FormDTO.self)
        XCTAssertEqual(unchanged.ticketType, "after_sale")
        XCTAssertEqual(unchanged.kind, .repair)
        let off = try await app.send(.PATCH, "/api/v1/forms/\(w.form.id)", as: w.f.admin, json: #"{"active":false,"intro":null}"#)
        XCTAssertEqual(try off.content.decode(FormDTO.self).intro, nil)
        let value8 = try await app.send(.GET, "/api/v1/public/forms/\(w.form.key)").status
        XCTAssertEqual(value8, .notFound)
        let value9 = try await submit(app, w.form.key, [("phone", "13800138000")]).status
        XCTAssertEqual(value9, .notFound)
        let value10 = try await app.send(.DELETE, "/api/v1/forms/\(w.form.id)", as: w.f.admin).status
        XCTAssertEqual(value10, .noContent)
        let value11 = try await app.send(.GET, "/api/v1/forms", as: w.f.agent).content.decode(FormListDTO.self).forms.count
        XCTAssertEqual(value11, 0)
    }
}
