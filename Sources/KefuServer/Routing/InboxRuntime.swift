import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// What the chat path needs of an inbox on every message, decoded once: its settings, business
/// hours, automatic replies and the compiled keyword rules. Kept by ``InboxDirectory``.
struct InboxRuntime: @unchecked Sendable {
    /// Read only: the row as it was loaded.
    let inbox: Inbox
    let hours: BusinessHours?
    let autoReplies: AutoReplies
    let keywordMatcher: KeywordMatcher?
    /// The active keyword rules by id.
    let keywordRules: [String: KeywordRule]
    /// The away and closed replies for each of Kefu's languages, chosen once (``AutoReplies/template(_:locale:)``).
    let awayReply: [String: String]
    let closedReply: [String: String]

    init(inbox: Inbox, keywordRules rules: [KeywordRule]) {
        self.inbox = inbox
        hours = inbox.businessHours
        autoReplies = inbox.autoReplies
        keywordMatcher = rules.isEmpty ? nil : KeywordMatcher(rules: rules.map(\.spec))
        keywordRules = Dictionary(uniqueKeysWithValues: rules.map { ($0.id!.uuidString, $0) })
        func chosen(_ map: [String: String]) -> [String: String] {
            var result: [String: String] = [:]
            for locale in UILocale.allCases { result[locale.rawValue] = AutoReplies.template(map, locale: locale.rawValue) }
            return result
        }
        awayReply = chosen(autoReplies.awayReply)
        closedReply = chosen(autoReplies.closedReply)
    }

    /// The away reply in `locale` (one of Kefu's languages), nil when the inbox has none.
    func awayReply(_ locale: String) -> String? { awayReply[locale] ?? AutoReplies.template(autoReplies.awayReply, locale: locale) }
    func closedReply(_ locale: String) -> String? { closedReply[locale] ?? AutoReplies.template(autoReplies.closedReply, locale: locale) }

    var id: UUID { inbox.id! }
    var accountID: UUID { inbox.accountID }

    /// Whether the inbox's FAQ bot takes a new or reopened conversation at `now`.
    func botStarts(at now: Date) -> Bool { inbox.botMode.botAnswers(hours: hours, at: now) }

    func isOpen(at now: Date) -> Bool { hours?.isOpen(at: now) ?? true }
}

/// The inboxes' runtime data (``InboxRuntime``), cached for a minute. The code that changes an
/// inbox or its rules calls ``changed(_:accountID:)``: this instance forgets it at once and the
/// others hear of it on the cluster bus (an `inbox` notice); the minute bounds what a lost notice
/// could leave stale.
final class InboxDirectory: Sendable {
    private let cache = TTLCache<UUID, InboxRuntime>(ttl: .seconds(60), limit: 10_000)
    private let announce = NIOLockedValueBox<(@Sendable (UUID, UUID) -> Void)?>(nil)

    func runtime(_ id: UUID, accountID: UUID, on db: any Database) async throws -> InboxRuntime? {
        guard let runtime = try await cache.value(id, load: { try await Self.load(id, accountID: accountID, on: db) }),
              runtime.accountID == accountID else {
            return nil
        }
        return runtime
    }

    /// An inbox of `accountID` or its keyword rules changed.
    func changed(_ id: UUID, accountID: UUID) {
        cache.forget(id)
        announce.withLockedValue { $0 }?(id, accountID)
    }

    /// Forgets an inbox another instance changed (or a test changed behind the service's back).
    func forget(_ id: UUID) { cache.forget(id) }

    /// Where changes are told to the other instances (the chat service's cluster bus).
    func announceChanges(_ body: @escaping @Sendable (UUID, UUID) -> Void) { announce.withLockedValue { $0 = body } }

    private static func load(_ id: UUID, accountID: UUID, on db: any Database) async throws -> InboxRuntime? {
        guard let inbox = try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else { return nil }
        let rules = try await KeywordRule.query(on: db).filter(\.$accountID == accountID).filter(\.$inboxID == id)
            .filter(\.$active == true).all()
        return InboxRuntime(inbox: inbox, keywordRules: rules)
    }
}

private struct InboxDirectoryKey: StorageKey { typealias Value = InboxDirectory }

extension Application {
    var inboxes: InboxDirectory {
        get { configured(InboxDirectoryKey.self) }
        set { storage[InboxDirectoryKey.self] = newValue }
    }
}
