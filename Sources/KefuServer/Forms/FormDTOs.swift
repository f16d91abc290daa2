import Foundation
import KefuCore
import Vapor

/// A new form (admins).
struct CreateFormRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "kind", "ticketType", "inboxId", "intro", "active", "inWidget", "fields"]
    var name: String
    var kind: String
    var ticketType: String?
    var inboxId: UUID?
    var intro: String?
    var active: Bool?
    var inWidget: Bool?
    var fields: [FormField]
}

/// A change to a form (admins): only what is sent changes; `inboxId: null` clears the inbox.
struct UpdateFormRequest: StrictContent {
    static let allowedFields: Set<String> = CreateFormRequest.allowedFields
    var name: String?
    var kind: String?
    var ticketType: String?
    var inboxId: UUID??
    var intro: String??
    var active: Bool?
    var inWidget: Bool?
    var fields: [FormField]?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        ticketType = try c.decodeIfPresent(String.self, forKey: .ticketType)
        inboxId = c.contains(.inboxId) ? .some(try c.decodeIfPresent(UUID.self, forKey: .inboxId)) : nil
        intro = c.contains(.intro) ? .some(try c.decodeIfPresent(String.self, forKey: .intro)) : nil
        active = try c.decodeIfPresent(Bool.self, forKey: .active)
        inWidget = try c.decodeIfPresent(Bool.self, forKey: .inWidget)
        fields = try c.decodeIfPresent([FormField].self, forKey: .fields)
    }

    enum CodingKeys: String, CodingKey { case name, kind, ticketType, inboxId, intro, active, inWidget, fields }
}

struct FormDTO: Content {
    var id: UUID
    var key: String
    var name: String
    var kind: FormKind
    var ticketType: String
    var inboxId: UUID?
    var intro: String?
    var active: Bool
    var inWidget: Bool
    var fields: [FormField]
    /// The public page, relative to Kefu's address.
    var publicUrl: String
    var submissions: Int
    var createdAt: Date
    var updatedAt: Date

    init(_ f: ShopForm) {
        self.init(id: f.id!, key: f.key, name: f.name, kind: f.kind, ticketType: f.ticketType, inboxId: f.inboxID, intro: f.intro,
                  active: f.active, inWidget: f.inWidget, fields: f.fields, publicUrl: f.publicPath, submissions: f.submissions,
                  createdAt: f.createdAt, updatedAt: f.updatedAt)
    }

    init(id: UUID, key: String, name: String, kind: FormKind, ticketType: String, inboxId: UUID?, intro: String?, active: Bool, inWidget: Bool,
         fields: [FormField], publicUrl: String, submissions: Int, createdAt: Date, updatedAt: Date) {
        (self.id, self.key, self.name, self.kind, self.ticketType, self.inboxId, self.intro) = (id, key, name, kind, ticketType, inboxId, intro)
        (self.active, self.inWidget, self.fields, self.publicUrl, self.submissions) = (active, inWidget, fields, publicUrl, submissions)
        (self.createdAt, self.updatedAt) = (createdAt, updatedAt)
    }
}

struct FormListDTO: Content {
    var forms: [FormDTO]
}

/// What the public page needs to draw a form.
struct PublicFormDTO: Content {
    var key: String
    var name: String
    var kind: FormKind
    var intro: String?
    var shopName: String
    var fields: [FormField]
    /// The hidden field that must stay empty.
    var honeypot: String
    var maxPictureBytes: Int
}

/// The acknowledgement of a submission: the ticket's number, to quote and to look it up by.
struct FormReceiptDTO: Content {
    var number: String
    var status: TicketStatus
    var lookupUrl: String
}

struct FormLookupRequest: StrictContent {
    static let allowedFields: Set<String> = ["number", "contact"]
    var number: String
    var contact: String
}

/// A ticket as its customer sees it: its state and the team's replies, nothing internal.
struct FormLookupDTO: Content {
    struct Reply: Content {
        var text: String
        var at: Date
    }
    var number: String
    var subject: String
    var status: TicketStatus
    var createdAt: Date
    var updatedAt: Date
    var replies: [Reply]
}

/// A form the widget offers (absolute address: the widget runs on the shop's own pages).
struct WidgetFormDTO: Content {
    var key: String
    var name: String
    var kind: FormKind
    var url: String
}
