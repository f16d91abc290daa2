import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Who a conversation belongs to — its shop, customer, inbox and the conversation it was merged
/// into — which is all a message needs to know before it is written: visibility and where it
/// goes. The conversations service changes these (a move to another inbox, a merge) and forgets
/// the entry; another instance's change arrives as a conversation notice on the cluster bus,
/// which forgets it too, and entries expire after a minute anyway.
struct ConversationAccess: Sendable, Equatable {
    var id: UUID
    var accountID: UUID
    var contactID: UUID
    var inboxID: UUID
    var mergedIntoID: UUID?

    /// Whether `viewer` may see the conversation.
    func visible(to viewer: Viewer) -> Bool {
        guard accountID == viewer.accountID else { return false }
        switch viewer {
        case .visitor(_, let contactID, _): return contactID == self.contactID
        case .staff(_, _, _, let inboxes?): return inboxes.contains(inboxID)
        case .staff(_, _, _, nil): return true
        }
    }
}

final class ConversationDirectory: Sendable {
    private let cache = TTLCache<UUID, ConversationAccess>(ttl: .seconds(60), limit: 200_000)

    // Keyed by the conversation's id alone (ids are unique across shops); the row is read
    // within the viewer's shop, so a cached entry is always the viewer's shop's.

    /// The conversation `id` if `viewer` may see it; one they may not see is not found.
    func access(_ id: UUID?, for viewer: Viewer, on db: any Database) async throws -> ConversationAccess {
        guard let id, let access = try await cache.value(id, load: { try await Self.load(id, accountID: viewer.accountID, on: db) }),
              access.visible(to: viewer) else {
            throw DomainError.notFound("conversation")
        }
        return access
    }

    /// Forgets what is cached of the conversation (its access and whether a ticket is linked).
    func forget(_ id: UUID) {
        cache.forget(id)
        ticketLinks.forget(id)
    }

    private let ticketLinks = TTLCache<UUID, Bool>(ttl: .seconds(60), limit: 200_000)

    /// Whether a ticket is linked to the conversation: read on every shopper message by the
    /// tickets listener, so it is cached. Linking a conversation forgets the entry after the
    /// commit, here and (through the conversation notice) on the other instances.
    /// Whether the "has a ticket" answer is cached here (tests watch a notice arrive).
    func knowsTicketLink(_ id: UUID) -> Bool { ticketLinks.contains(id) }

    func linkedToTicket(_ id: UUID, accountID: UUID, on db: any Database) async throws -> Bool {
        try await ticketLinks.value(id) {
            try await (db as! any SQLDatabase).raw("""
                SELECT 1 AS x FROM ticket_links WHERE account_id = \(bind: accountID) AND conversation_id = \(bind: id) LIMIT 1
                """).first() != nil
        } ?? false
    }

    private let locales = TTLCache<UUID, UILocale>(ttl: .seconds(120), limit: 200_000)

    /// The language Kefu speaks to a customer (the widget's, else the default); a new widget
    /// session on this instance forgets it (``forgetLocale(of:)``).
    func locale(of contactID: UUID, accountID: UUID, on db: any Database) async throws -> UILocale {
        try await locales.value(contactID) {
            let row = try await (db as! any SQLDatabase).raw("""
                SELECT locale FROM contacts WHERE account_id = \(bind: accountID) AND id = \(bind: contactID)
                """).first()
            return UILocale.match(try row?.decode(column: "locale", as: String?.self) ?? "") ?? .default
        } ?? .default
    }

    func forgetLocale(of contactID: UUID) { locales.forget(contactID) }

    private static func load(_ id: UUID, accountID: UUID, on db: any Database) async throws -> ConversationAccess? {
        guard let row = try await (db as! any SQLDatabase).raw("""
            SELECT account_id, contact_id, inbox_id, merged_into_id FROM conversations
            WHERE account_id = \(bind: accountID) AND id = \(bind: id)
            """).first() else { return nil }
        return ConversationAccess(id: id, accountID: try row.decode(column: "account_id", as: UUID.self),
                                  contactID: try row.decode(column: "contact_id", as: UUID.self),
                                  inboxID: try row.decode(column: "inbox_id", as: UUID.self),
                                  mergedIntoID: try row.decode(column: "merged_into_id", as: UUID?.self))
    }
}

private struct ConversationDirectoryKey: StorageKey { typealias Value = ConversationDirectory }

extension Application {
    var conversationDirectory: ConversationDirectory {
        get { configured(ConversationDirectoryKey.self) }
        set { storage[ConversationDirectoryKey.self] = newValue }
    }
}
