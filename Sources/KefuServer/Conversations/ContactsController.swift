import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

struct ContactDTO: Content {
    var id: UUID
    var name: String?
    var email: String?
    var phone: String?
    var currentPage: String?
    var pageTitle: String?
    var referrer: String?
    var userAgent: String?
    var locale: String?
    var lastSeenAt: Date?
    var createdAt: Date?
    var conversations: [ConversationDTO]
}

struct UpdateContactRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "email", "phone"]
    var name: String?
    var email: String?
    var phone: String?
}

/// A customer found by ``ContactsController/search(_:)``.
struct ContactHitDTO: Content {
    var id: UUID
    var name: String?
    var email: String?
    var phone: String?
    var externalId: String?
    var lastSeenAt: Date?
}

struct ContactHitsDTO: Content {
    var items: [ContactHitDTO]
}

/// The customer sidebar: who the shopper is, where they are, what they asked before.
struct ContactsController {
    static let maxQuery = 100

    /// `GET /api/v1/contacts?q=&limit=`: customers whose name, phone, e-mail or platform id holds
    /// `q` (case-insensitive), most recently seen first — those the caller may see (an agent: the
    /// customers of their inboxes' conversations).
    func search(_ req: Request) async throws -> ContactHitsDTO {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        let raw = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !raw.isEmpty else { throw DomainError.invalid("q", "q is the name, phone, e-mail or customer id to look for") }
        guard raw.count <= Self.maxQuery else { throw DomainError.invalid("q", "q has at most \(Self.maxQuery) characters") }
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 20, 1), 50)
        let pattern = "%" + raw.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        let sql = req.db as! any SQLDatabase
        let rows = try await sql.raw("""
            SELECT id FROM contacts WHERE account_id = \(bind: principal.accountID)
              AND (lower(coalesce(name, '')) LIKE \(bind: pattern) ESCAPE '\\' OR lower(coalesce(email, '')) LIKE \(bind: pattern) ESCAPE '\\'
                   OR coalesce(phone, '') LIKE \(bind: pattern) ESCAPE '\\' OR lower(coalesce(external_id, '')) LIKE \(bind: pattern) ESCAPE '\\')
            ORDER BY last_seen_at DESC NULLS LAST LIMIT \(unsafeRaw: String(limit * 5))
            """).all()
        var ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        if case .staff(_, _, _, .some) = viewer, !ids.isEmpty {
            // An agent sees the customers of their inboxes' conversations.
            let visible = Set(try await viewer.conversations(on: req.db).filter(\.$contactID ~~ ids).all(\.$contactID))
            ids = ids.filter { visible.contains($0) }
        }
        ids = Array(ids.prefix(limit))
        guard !ids.isEmpty else { return ContactHitsDTO(items: []) }
        let contacts = try await Contact.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id ~~ ids).all()
        let byID = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id!, $0) })
        return ContactHitsDTO(items: ids.compactMap { byID[$0] }.map {
            ContactHitDTO(id: $0.id!, name: $0.name, email: $0.email, phone: $0.phone, externalId: $0.externalID, lastSeenAt: $0.lastSeenAt)
        })
    }

    func get(_ req: Request) async throws -> ContactDTO {
        let (principal, contact) = try await Self.find(req)
        return try await Self.dto(contact, principal: principal, on: req.db)
    }

    func update(_ req: Request) async throws -> ContactDTO {
        let input = try req.decodeStrict(UpdateContactRequest.self)
        let (principal, contact) = try await Self.find(req)
        if let name = input.name { contact.name = try Validate.optionalText(name, field: "name", limit: 80) }
        if let email = input.email { contact.email = email.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try Validate.email(email) }
        if let phone = input.phone {
            let value = try Validate.optionalText(phone, field: "phone", limit: 40)
            if let value, !value.allSatisfy({ $0.isNumber || " +-()".contains($0) }) {
                throw DomainError.invalid("phone", "phone may hold digits, spaces and + - ( ) only")
            }
            contact.phone = value
        }
        try await contact.save(on: req.db)
        return try await Self.dto(contact, principal: principal, on: req.db)
    }

    /// A contact is visible to staff who can see at least one of its conversations
    /// (agents: in their inboxes); supervisors and above see every contact of the shop.
    static func find(_ req: Request) async throws -> (Principal, Contact) {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        return (principal, try await viewer.contact(req.parameters.get("id", as: UUID.self), on: req.db))
    }

    static func dto(_ contact: Contact, principal: Principal, on db: any Database) async throws -> ContactDTO {
        let viewer = try await Viewer.staff(principal, on: db)
        let conversations = try await viewer.conversations(on: db).filter(\.$contactID == contact.id!)
            .sort(\.$createdAt, .descending).limit(50).all()
        return ContactDTO(id: contact.id!, name: contact.name, email: contact.email, phone: contact.phone, currentPage: contact.currentPage,
                          pageTitle: contact.pageTitle, referrer: contact.referrer, userAgent: contact.userAgent, locale: contact.locale,
                          lastSeenAt: contact.lastSeenAt, createdAt: contact.createdAt,
                          conversations: conversations.map { ConversationDTO($0, contact: contact) })
    }
}
