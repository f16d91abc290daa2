import Fluent
import Foundation
import KefuCore
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

/// The customer sidebar: who the shopper is, where they are, what they asked before.
struct ContactsController {
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
