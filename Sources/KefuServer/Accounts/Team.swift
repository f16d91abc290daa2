import Fluent
import Foundation
import KefuCore
import Vapor

/// Shops and their team: the rules shared by the HTTP handlers and the CLI.
enum Team {
    struct NewMember {
        var email: String
        var password: String
        var displayName: String
        var agentNumber: Int?
        var role: Role
        var inboxIDs: [UUID]
    }

    /// Creates a shop and its owner (agent number 1). Refuses an e-mail already in use.
    static func createShop(name rawName: String, owner: NewMember, app: Application, on db: any Database) async throws -> (Account, User) {
        let name = try Validate.name(rawName, field: "shop")
        let email = try Validate.email(owner.email)
        _ = try Validate.password(owner.password)
        if try await User.query(on: db).filter(\.$email == email).first() != nil {
            throw DomainError.conflict("email", "a user with the e-mail \(email) already exists; nothing was changed")
        }
        let hash = try await Passwords.hash(owner.password, cost: app.kefu.settings.bcryptCost, on: app)
        return try await db.transaction { tx in
            let account = Account(name: name)
            try await account.create(on: tx)
            let user = User(accountID: account.id!, email: email, passwordHash: hash,
                            displayName: try Validate.name(owner.displayName, field: "displayName"),
                            agentNumber: try Validate.agentNumber(owner.agentNumber ?? 1), role: .owner)
            try await user.create(on: tx)
            try await AuditLog.recordSystem("account.create", accountID: account.id!, target: "account",
                                            id: account.id!.uuidString, details: ["name": name, "owner": email], at: app.kefu.clock.now(), on: tx)
            return (account, user)
        }
    }

    /// Adds a member to a shop. Checks and hashing happen first; the insert, the
    /// inbox memberships and `audit` then commit in one transaction.
    static func createMember(_ input: NewMember, accountID: UUID, app: Application, on db: any Database,
                             audit: @escaping @Sendable (User, any Database) async throws -> Void) async throws -> User {
        let email = try Validate.email(input.email)
        _ = try Validate.password(input.password)
        let displayName = try Validate.name(input.displayName, field: "displayName")
        if try await User.query(on: db).filter(\.$email == email).first() != nil {
            throw DomainError.conflict("email", "the e-mail \(email) is already in use")
        }
        let number: Int
        if let wanted = input.agentNumber {
            number = try Validate.agentNumber(wanted)
            try await ensureNumberFree(number, accountID: accountID, except: nil, on: db)
        } else {
            number = try await nextFreeNumber(accountID: accountID, on: db)
        }
        try await ensureInboxesExist(input.inboxIDs, accountID: accountID, on: db)
        let hash = try await Passwords.hash(input.password, cost: app.kefu.settings.bcryptCost, on: app)
        let user = User(accountID: accountID, email: email, passwordHash: hash, displayName: displayName,
                        agentNumber: number, role: input.role)
        let inboxIDs = input.inboxIDs
        try await db.transaction { tx in
            try await user.create(on: tx)
            try await setInboxes(inboxIDs, for: user.id!, accountID: accountID, on: tx)
            try await audit(user, tx)
        }
        return user
    }

    static func nextFreeNumber(accountID: UUID, on db: any Database) async throws -> Int {
        let used = Set(try await User.query(on: db).filter(\.$accountID == accountID).all(\.$agentNumber))
        return (1...9999).first { !used.contains($0) } ?? 9999
    }

    static func ensureNumberFree(_ number: Int, accountID: UUID, except userID: UUID?, on db: any Database) async throws {
        var query = User.query(on: db).filter(\.$accountID == accountID).filter(\.$agentNumber == number)
        if let userID { query = query.filter(\.$id != userID) }
        if try await query.first() != nil {
            throw DomainError.conflict("agentNumber", "agent number \(number) is already taken in this shop")
        }
    }

    static func ensureInboxesExist(_ ids: [UUID], accountID: UUID, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        let found = try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids).count()
        guard found == Set(ids).count else {
            throw DomainError.invalid("inboxIds", "inboxIds names an inbox that does not exist in this shop")
        }
    }

    /// Replaces the member's inboxes with `ids`.
    static func setInboxes(_ ids: [UUID], for userID: UUID, accountID: UUID, on db: any Database) async throws {
        try await InboxMember.query(on: db).filter(\.$accountID == accountID).filter(\.$userID == userID).delete()
        for id in Set(ids) {
            try await InboxMember(accountID: accountID, inboxID: id, userID: userID).create(on: db)
        }
    }

    static func inboxIDs(of userIDs: [UUID], accountID: UUID, on db: any Database) async throws -> [UUID: [UUID]] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await InboxMember.query(on: db).filter(\.$accountID == accountID).filter(\.$userID ~~ userIDs).all()
        return Dictionary(grouping: rows, by: \.userID).mapValues { $0.map(\.inboxID) }
    }

    static func dto(_ user: User, on db: any Database) async throws -> UserDTO {
        let ids = try await inboxIDs(of: [user.id!], accountID: user.accountID, on: db)
        return UserDTO(user, inboxIDs: ids[user.id!] ?? [])
    }

    /// Ends every session of a member except `keep` (after a password change or deactivation).
    static func endSessions(of userID: UUID, accountID: UUID, except keep: UUID?, on db: any Database) async throws {
        var query = UserSession.query(on: db).filter(\.$accountID == accountID).filter(\.$userID == userID)
        if let keep { query = query.filter(\.$id != keep) }
        try await query.delete()
    }
}
