import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// The shops' public forms (在线反馈, 在线报修, 投诉) and the only writer of them: definitions
/// (admins, audited), submissions that become tickets of the form's type with source `form`
/// (through ``Tickets``, the tickets' only writer), and the customer's lookup of a ticket by
/// its number and their contact.
struct Forms {
    let app: Application

    var db: any Database { app.db }

    // MARK: definitions

    func create(_ input: CreateFormRequest, by principal: Principal, ip: String?) async throws -> ShopForm {
        let now = app.kefu.clock.now()
        let form = ShopForm()
        form.id = UUID()
        form.accountID = principal.accountID
        form.key = SecureToken.make(bytes: 12, prefix: "frm_")
        form.name = try FormRules.name(input.name)
        form.kind = try TicketsController.parse(FormKind.self, input.kind, field: "kind")
        form.ticketType = input.ticketType ?? Self.defaultType(form.kind)
        form.inboxID = input.inboxId
        form.intro = try FormRules.intro(input.intro)
        form.fields = try FormRules.fields(input.fields)
        form.active = input.active ?? true
        form.inWidget = input.inWidget ?? false
        form.submissions = 0
        form.createdAt = now
        form.updatedAt = now
        try await check(form, principal: principal)
        try await db.transaction { tx in
            try await form.create(on: tx)
            try await AuditLog.record("form.create", target: "form", id: form.id!.uuidString, details: ["name": form.name, "kind": form.kind.rawValue],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        return form
    }

    func update(_ id: UUID, _ input: UpdateFormRequest, by principal: Principal, ip: String?) async throws -> ShopForm {
        let now = app.kefu.clock.now()
        let form = try await find(id, accountID: principal.accountID)
        if let name = input.name { form.name = try FormRules.name(name) }
        if let kind = input.kind { form.kind = try TicketsController.parse(FormKind.self, kind, field: "kind") }
        if let type = input.ticketType { form.ticketType = type }
        if let inbox = input.inboxId { form.inboxID = inbox }
        if let intro = input.intro { form.intro = try FormRules.intro(intro) }
        if let active = input.active { form.active = active }
        if let inWidget = input.inWidget { form.inWidget = inWidget }
        if let fields = input.fields { form.fields = try FormRules.fields(fields) }
        form.updatedAt = now
        try await check(form, principal: principal)
        try await db.transaction { tx in
            try await form.save(on: tx)
            try await AuditLog.record("form.update", target: "form", id: form.id!.uuidString, details: ["name": form.name, "active": "\(form.active)"],
                                      by: principal, ip: ip, at: now, on: tx)
        }
        return form
    }

    /// Deletes the definition; the tickets it filed keep their answers.
    func delete(_ id: UUID, by principal: Principal, ip: String?) async throws {
        let form = try await find(id, accountID: principal.accountID)
        let now = app.kefu.clock.now()
        try await db.transaction { tx in
            try await form.delete(on: tx)
            try await AuditLog.record("form.delete", target: "form", id: id.uuidString, details: ["name": form.name], by: principal, ip: ip, at: now, on: tx)
        }
    }

    func find(_ id: UUID, accountID: UUID) async throws -> ShopForm {
        guard let form = try await ShopForm.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("form")
        }
        return form
    }

    func list(_ accountID: UUID) async throws -> [ShopForm] {
        try await ShopForm.query(on: db).filter(\.$accountID == accountID).sort(\.$createdAt).all()
    }

    /// The forms the widget of `inbox` offers: active, marked for the widget, for any inbox or this one.
    func forWidget(_ inbox: Inbox) async throws -> [ShopForm] {
        try await ShopForm.query(on: db).filter(\.$accountID == inbox.accountID).filter(\.$active == true).filter(\.$inWidget == true)
            .sort(\.$createdAt).all().filter { $0.inboxID == nil || $0.inboxID == inbox.id }
    }

    static func defaultType(_ kind: FormKind) -> String {
        switch kind {
        case .feedback: "inquiry"
        case .repair: "after_sale"
        case .complaint: "complaint"
        }
    }

    /// The ticket type is one of the shop's, the inbox one of the shop's.
    private func check(_ form: ShopForm, principal: Principal) async throws {
        let settings = try await TicketSettingsStore.load(principal.accountID, now: app.kefu.clock.now(), on: db)
        try TicketSettingsStore.checkType(form.ticketType, settings, field: "ticketType")
        if let inbox = form.inboxID,
           try await Inbox.query(on: db).filter(\.$accountID == principal.accountID).filter(\.$id == inbox).first() == nil {
            throw DomainError.invalid("inboxId", "inboxId names no inbox of this shop")
        }
    }

    // MARK: the public side

    /// An active form by its public key.
    func published(_ key: String) async throws -> ShopForm {
        guard key.hasPrefix("frm_"), key.count <= 40,
              let form = try await ShopForm.query(on: db).filter(\.$key == key).filter(\.$active == true).first() else {
            throw DomainError.notFound("form")
        }
        return form
    }

    /// One part of a multipart submission.
    struct Part: Sendable {
        var name: String
        var filename: String?
        var bytes: [UInt8]
    }

    /// Files a ticket from a submission: the customer found by phone or e-mail (or a new
    /// profile), the answers as the ticket's first customer entry with the pictures, orders the
    /// shop knows linked. Everything is checked before anything is stored.
    func submit(_ form: ShopForm, parts: [Part], locale: UILocale) async throws -> Ticket {
        var values: [String: [String]] = [:]
        var pictures: [FormPicture] = []
        var files: [(field: String, part: Part, kind: ImageSniffer.Kind?)] = []
        var honeypot: String?
        for part in parts {
            switch part.name {
            case FormRules.honeypot: honeypot = String(decoding: part.bytes, as: UTF8.self)
            case "locale": continue
            default:
                if part.filename != nil {
                    // An empty file input sends a part with an empty name and no bytes.
                    guard !part.bytes.isEmpty else { continue }
                    let kind = ImageSniffer.sniff(part.bytes)
                    pictures.append(FormPicture(field: part.name, size: part.bytes.count, kind: kind))
                    files.append((part.name, part, kind))
                } else {
                    guard let text = String(validating: part.bytes, as: UTF8.self) else {
                        throw DomainError.invalid(part.name, "\(part.name) is not UTF-8 text")
                    }
                    values[part.name, default: []].append(text)
                }
            }
        }
        let answers = try FormAnswers.check(form: form.name, fields: form.fields, values: values, pictures: pictures, honeypot: honeypot)
        let accountID = form.accountID
        let contactID = try await contact(for: answers, accountID: accountID, locale: locale)
        var orders: [String] = []
        for number in answers.orderNumbers {
            if let order = try await Order.query(on: db).filter(\.$accountID == accountID)
                .group(.or, { $0.filter(\.$externalID == number).filter(\.$number == number) }).first(), !orders.contains(order.externalID) {
                orders.append(order.externalID)
            }
        }
        let attachments = files.map { file in
            let a = Attachment()
            a.id = SecureToken.make(bytes: 24, prefix: "att_")
            a.accountID = accountID
            a.uploaderType = "visitor"
            a.uploaderID = contactID
            a.name = UploadsController.safeName(file.part.filename, kind: file.kind!)
            a.contentType = file.kind!.rawValue
            a.size = file.part.bytes.count
            a.data = Data(file.part.bytes)
            a.usedAt = Date()
            return a
        }
        let caller = Caller(viewer: .staff(accountID: accountID, role: .owner, userID: nil, inboxIDs: nil), actor: .visitor(contactID: contactID),
                            sender: SenderDTO(id: contactID, name: answers.name, agentNumber: nil), senderType: .visitor)
        let draft = Tickets.Draft(subject: answers.subject, type: form.ticketType, source: .form, contactID: contactID,
                                  orderExternalIDs: orders, inboxID: form.inboxID, description: answers.description, attachments: attachments)
        let ticket = try await app.tickets.create(draft, by: caller)
        try await (db as! any SQLDatabase).raw("""
            UPDATE forms SET submissions = submissions + 1 WHERE account_id = \(bind: accountID) AND id = \(bind: form.id!)
            """).run()
        return ticket
    }

    /// The customer behind a submission: the shop's profile with that phone or e-mail, else a new one.
    private func contact(for answers: FormSubmission, accountID: UUID, locale: UILocale) async throws -> UUID {
        if let email = answers.email,
           let known = try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$email == email).first() {
            return known.id!
        }
        if let phone = answers.phone,
           let known = try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$phone ~~ Self.phoneSpellings(phone)).all()
            .first(where: { FormAnswers.sameContact(phone, email: nil, phone: $0.phone) }) {
            if known.email == nil, let email = answers.email {
                known.email = email
                try await known.save(on: db)
            }
            return known.id!
        }
        let contact = Contact(accountID: accountID)
        contact.name = answers.name
        contact.email = answers.email
        contact.phone = answers.phone
        contact.locale = locale.rawValue
        try await contact.create(on: db)
        return contact.id!
    }

    /// How a stored profile may spell this number: as typed, digits only, and without a
    /// country code of one to three digits (+86 138… is 138…).
    static func phoneSpellings(_ phone: String) -> [String] {
        let digits = phone.filter(\.isNumber)
        var out: Set<String> = [phone, digits, "+" + digits]
        if phone.hasPrefix("+") {
            for cc in 1...3 where digits.count - cc >= 7 { out.insert(String(digits.dropFirst(cc))) }
        } else {
            // A profile stored with the country code of the regions Kefu speaks for.
            for cc in ["86", "852", "853", "886", "82"] { out.insert("+" + cc + digits) }
        }
        return out.sorted()
    }

    /// The ticket of this form's shop with `number` whose customer has `contact` (phone or
    /// e-mail), as the customer may see it; the same 404 for an unknown number and a wrong contact.
    func lookup(_ form: ShopForm, number raw: String, contact: String) async throws -> FormLookupDTO {
        let notFound = DomainError(.notFound, code: "not_found", message: "no ticket with this number and contact")
        guard !contact.trimmingCharacters(in: .whitespaces).isEmpty else { throw DomainError.invalid("contact", "contact is the phone number or e-mail address given in the form") }
        guard let number = TicketNumber.parse(raw.trimmingCharacters(in: .whitespaces)) else {
            throw DomainError.invalid("number", "number is a ticket number like \(TicketNumber.format(TicketNumber.first))")
        }
        // Only tickets the customer filed by form: a chat's ticket is not theirs to read here.
        guard let ticket = try await Ticket.query(on: db).filter(\.$accountID == form.accountID).filter(\.$number == number)
                .filter(\.$source == .form).first(),
              let contactID = ticket.contactID,
              let person = try await Contact.query(on: db).filter(\.$accountID == form.accountID).filter(\.$id == contactID).first(),
              FormAnswers.sameContact(contact, email: person.email, phone: person.phone) else { throw notFound }
        let replies = try await TicketEntry.query(on: db).filter(\.$accountID == form.accountID).filter(\.$ticketID == ticket.id!)
            .filter(\.$kind == .reply).sort(\.$seq).all()
        return FormLookupDTO(number: ticket.numberText, subject: ticket.subject, status: ticket.status, createdAt: ticket.createdAt,
                             updatedAt: ticket.updatedAt, replies: replies.map { .init(text: $0.text, at: $0.createdAt) })
    }
}

extension Application {
    var forms: Forms { Forms(app: self) }
}
