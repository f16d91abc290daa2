import Fluent
import Foundation
import KefuCore
import Vapor

struct LiveDTO: Content {
    struct Waiting: Content {
        var id: UUID
        var contactName: String?
        var waitingSeconds: Int
        var queuedAt: Date
    }
    struct InboxLive: Content {
        var id: UUID
        var name: String
        var queued: Int
        var longestWaitSeconds: Int
        var online: Int
        var capacity: Int
        var conversations: [Waiting]
    }
    struct Current: Content {
        var id: UUID
        var contactName: String?
        var lastMessageAt: Date?
        /// The shopper is waiting for an answer.
        var unanswered: Bool
        var awaitingSeconds: Int?
    }
    struct AgentLive: Content {
        var id: UUID
        var displayName: String
        var agentNumber: Int
        var status: PresenceStatus
        var load: Int
        var capacity: Int
        var inboxIds: [UUID]
        var conversations: [Current]
    }
    struct Timeout: Content {
        var conversationId: UUID
        var fromAgentId: UUID?
        var toAgentId: UUID?
        var at: Date
    }
    var inboxes: [InboxLive]
    var agents: [AgentLive]
    var timeouts: [Timeout]
    var generatedAt: Date
}

/// `GET /api/v1/live`: the supervisor's live view (queues, agents, recent reassignments).
struct LiveController {
    func live(_ req: Request) async throws -> LiveDTO {
        let principal = try req.requirePrincipal()
        let accountID = principal.accountID
        let db = req.db
        let now = req.now
        let inboxes = try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$active == true).sort(\.$createdAt).all()
        let open = try await Conversation.query(on: db).filter(\.$accountID == accountID).filter(\.$status == .open)
            .filter(\.$mergedIntoID == nil).filter(\.$botActive == false).limit(5000).all()
        let contactIDs = Set(open.map(\.contactID))
        let names = Dictionary(try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ contactIDs).all()
            .map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let users = try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$active == true).sort(\.$agentNumber).all()
        let memberships = try await Team.inboxIDs(of: users.compactMap(\.id), accountID: accountID, on: db)
        let presence = Dictionary(try await AgentPresence.query(on: db).filter(\.$accountID == accountID).all().map { ($0.userID, $0) },
                                  uniquingKeysWith: { a, _ in a })
        let statuses = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, AgentAvailability.effective(presence[$0.id!], now: now)) })
        let capacityByInbox = Dictionary(uniqueKeysWithValues: inboxes.map { ($0.id!, $0.capacity) })

        let inboxDTOs = inboxes.map { inbox -> LiveDTO.InboxLive in
            let waiting = open.filter { $0.inboxID == inbox.id && $0.assigneeID == nil && $0.queuedAt != nil }
                .sorted { $0.queuedAt! < $1.queuedAt! }
            let members = users.filter { memberships[$0.id!]?.contains(inbox.id!) == true }
            let online = members.filter { statuses[$0.id!] == .online }.count
            return LiveDTO.InboxLive(
                id: inbox.id!, name: inbox.name, queued: waiting.count,
                longestWaitSeconds: waiting.first.map { Int(now.timeIntervalSince($0.queuedAt!)) } ?? 0,
                online: online, capacity: online * inbox.capacity,
                conversations: waiting.prefix(50).map {
                    .init(id: $0.id!, contactName: names[$0.contactID] ?? nil, waitingSeconds: Int(now.timeIntervalSince($0.queuedAt!)), queuedAt: $0.queuedAt!)
                })
        }
        let agentDTOs = users.map { user -> LiveDTO.AgentLive in
            let mine = open.filter { $0.assigneeID == user.id }.sorted { ($0.awaitingSince ?? .distantFuture) < ($1.awaitingSince ?? .distantFuture) }
            let inboxIDs = memberships[user.id!] ?? []
            let capacity = inboxIDs.compactMap { capacityByInbox[$0] }.max() ?? 0
            return LiveDTO.AgentLive(
                id: user.id!, displayName: user.displayName, agentNumber: user.agentNumber, status: statuses[user.id!] ?? .offline,
                load: mine.count, capacity: capacity, inboxIds: inboxIDs,
                conversations: mine.prefix(50).map {
                    .init(id: $0.id!, contactName: names[$0.contactID] ?? nil, lastMessageAt: $0.lastMessageAt, unanswered: $0.awaitingSince != nil,
                          awaitingSeconds: $0.awaitingSince.map { Int(now.timeIntervalSince($0)) })
                })
        }
        let events = try await ConversationEvent.query(on: db).filter(\.$accountID == accountID).filter(\.$kind == .reassigned)
            .filter(\.$createdAt >= now.addingTimeInterval(-3600)).sort(\.$createdAt, .descending).limit(50).all()
        return LiveDTO(inboxes: inboxDTOs, agents: agentDTOs,
                       timeouts: events.map { .init(conversationId: $0.conversationID, fromAgentId: $0.fromAgentID, toAgentId: $0.agentID, at: $0.createdAt) },
                       generatedAt: now)
    }
}
