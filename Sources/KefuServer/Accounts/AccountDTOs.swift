import Foundation
import KefuCore
import Vapor

struct AccountDTO: Content {
    var id: UUID
    var name: String
}

struct UserDTO: Content {
    var id: UUID
    var email: String
    var displayName: String
    var agentNumber: Int
    var role: Role
    var active: Bool
    var locale: String?
    var inboxIds: [UUID]
    var createdAt: Date?
    /// In the team list: availability as routing sees it, and open conversations assigned.
    var status: PresenceStatus?
    var load: Int?

    init(_ user: User, inboxIDs: [UUID]) {
        self.id = user.id!
        self.email = user.email
        self.displayName = user.displayName
        self.agentNumber = user.agentNumber
        self.role = user.role
        self.active = user.active
        self.locale = user.locale
        self.inboxIds = inboxIDs.sorted { $0.uuidString < $1.uuidString }
        self.createdAt = user.createdAt
    }
}

struct ItemsDTO<Item: Content>: Content {
    var items: [Item]
}

struct CreateAgentRequest: StrictContent {
    static let allowedFields: Set<String> = ["email", "password", "displayName", "agentNumber", "role", "inboxIds"]
    var email: String
    var password: String
    var displayName: String
    var agentNumber: Int?
    var role: String?
    var inboxIds: [UUID]?
}

struct UpdateAgentRequest: StrictContent {
    static let allowedFields: Set<String> = ["displayName", "agentNumber", "role", "active", "inboxIds", "password"]
    var displayName: String?
    var agentNumber: Int?
    var role: String?
    var active: Bool?
    var inboxIds: [UUID]?
    var password: String?
}
