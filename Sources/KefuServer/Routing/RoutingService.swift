import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Gives conversations to agents and keeps the queue moving. It decides; the
/// ``Conversations`` service writes (assignment and queueing are its operations), and the
/// greeting and the queued reply follow from their events (``AutoReplyListener``).
///
/// - A conversation that needs an agent (the shopper's first message with the bot not
///   answering, a handover from the bot, a move to an inbox, a left message — see
///   ``RoutingListener``) is routed at once: an online agent of the inbox with room (the
///   customer's last agent first, if the inbox prefers that) gets it; with nobody free it
///   joins the inbox's queue and the shopper is told the position and the estimated wait.
/// - Every second the sweep (a job) assigns queued conversations as agents free up, updates
///   waiting shoppers' positions, and offers conversations left unanswered past the inbox's
///   answer timeout to the next agent.
/// Decisions for one shop are serialised by this actor and, on PostgreSQL, by a transaction
/// advisory lock per shop, so two instances never give the same conversation twice or push an
/// agent past capacity.
actor RoutingService {
    static let sweepJob = "routing.sweep"
    private let app: Application
    /// Queue positions last told to each waiting conversation, and when. Far back in a long
    /// queue the place changes with every assignment, so it is told at most every
    /// ``placeInterval`` s there (at once near the front and when the turn comes), and a changed
    /// estimate for the same place at most every ``estimateInterval`` s.
    private var told: [UUID: (position: Int, eta: Int, at: Date)] = [:]
    static let estimateInterval: TimeInterval = 10
    static let placeInterval: TimeInterval = 3
    static let frontOfTheLine = 5
    /// Timed-out conversations no other agent could take: when that was last tried (offered
    /// again every 30 s while still unanswered).
    private var timeoutTried: [UUID: Date] = [:]
    /// Each inbox's recent handle time, kept a minute: it only feeds the waiting-time estimate.
    private var handleTimes: [UUID: (seconds: Double, at: Date)] = [:]

    init(app: Application) {
        self.app = app
    }

    enum Outcome: Equatable {
        case assigned(UUID)
        case queued(position: Int)
        case unchanged
    }

    private var now: Date { app.kefu.clock.now() }

    // MARK: routing one conversation

    /// Routes a conversation that needs an agent; see the type's documentation.
    @discardableResult
    func route(_ conversationID: UUID, accountID: UUID) async throws -> Outcome {
        let db = app.db
        guard let conversation = try await Self.load(conversationID, accountID: accountID, on: db), conversation.state.needsAgent,
              let inbox = try await ConversationOps.inbox(conversation.inboxID, accountID: accountID, on: db) else { return .unchanged }
        // First come, first served: a newcomer is assigned directly only when nobody waits
        // before it in the inbox; otherwise it queues and the drain serves the queue in order.
        if try await !hasOlderWaiting(conversation),
           let agentID = try await assignIfPossible(conversation, inbox: inbox, excluded: []) {
            return .assigned(agentID)
        }
        let (position, eta) = try await queuePlace(conversation, inbox: inbox)
        try await app.conversations.enqueue(conversationID, accountID: accountID, position: position, etaSeconds: eta)
        tell(conversation, position: position, eta: eta)
        kick()
        return .queued(position: position)
    }

    private func hasOlderWaiting(_ conversation: Conversation) async throws -> Bool {
        var query = Conversation.query(on: app.db).filter(\.$accountID == conversation.accountID)
            .filter(\.$inboxID == conversation.inboxID).filter(\.$queuedAt != nil).filter(\.$status == .open)
            .filter(\.$assigneeID == nil).filter(\.$botActive == false).filter(\.$id != conversation.id!)
        if let since = conversation.queuedAt { query = query.filter(\.$queuedAt < since) }
        return try await query.first() != nil
    }

    /// Something freed a place or queued a shopper (a resolution, a new status, a transfer):
    /// run a sweep now instead of waiting for the next tick (coalesced by the job runner).
    nonisolated func kick() {
        app.jobs.kick(Self.sweepJob)
    }

    /// Picks an agent and assigns, through the conversations service, under the shop's lock.
    private func assignIfPossible(_ conversation: Conversation, inbox: Inbox, excluded: Set<UUID>) async throws -> UUID? {
        guard inbox.routing != .manual else { return nil }
        let db = app.db
        let preferred = inbox.preferLastAgent ? try await lastAgent(of: conversation, on: db) : nil
        let relay = app.chat
        let chosen = try await app.conversations.route(
            conversation.id!, accountID: conversation.accountID, expecting: conversation.assigneeID,
            reason: excluded.isEmpty ? .routed : .answerTimeout
        ) { state, unit in
            // Loads read under the lock: another sweep or instance may have acted meanwhile.
            let slots = try await AgentAvailability.slots(for: inbox, on: unit.db, now: unit.now)
            guard let agentID = Router.choose(RoutingRequest(strategy: inbox.routing, preferredAgent: preferred, excluded: excluded),
                                              among: slots) else { return nil }
            try await AgentPresence.query(on: unit.db).filter(\.$accountID == inbox.accountID)
                .filter(\.$userID == agentID).set(\.$lastAssignedAt, to: unit.now).update()
            // The shopper hears that their turn came before the greeting arrives.
            unit.onCommit { relay.relay(Self.queueFrame(state, position: 0, eta: 0, accountID: inbox.accountID)) }
            return agentID
        }
        guard let agentID = chosen else { return nil }
        told[conversation.id!] = nil
        return agentID
    }

    /// The agent who last served this customer in another conversation of the shop.
    private func lastAgent(of conversation: Conversation, on db: any Database) async throws -> UUID? {
        try await Conversation.query(on: db).filter(\.$accountID == conversation.accountID).filter(\.$contactID == conversation.contactID)
            .filter(\.$id != conversation.id!).filter(\.$assigneeID != nil).sort(\.$updatedAt, .descending).first()?.assigneeID
    }

    // MARK: the queue

    /// 1-based place in the inbox's queue (everyone queued before it, or everyone queued if
    /// it has not joined yet) and the estimated wait.
    func queuePlace(_ conversation: Conversation, inbox: Inbox) async throws -> (Int, Int) {
        var ahead = Conversation.query(on: app.db).filter(\.$accountID == conversation.accountID)
            .filter(\.$inboxID == conversation.inboxID).filter(\.$queuedAt != nil).filter(\.$status == .open)
            .filter(\.$assigneeID == nil).filter(\.$id != conversation.id!)  // dates round-trip through floating point: never count itself
        if let since = conversation.queuedAt { ahead = ahead.filter(\.$queuedAt < since) }
        let position = try await ahead.count() + 1
        let slots = try await AgentAvailability.slots(for: inbox, on: app.db, now: now)
        let online = slots.filter { $0.status == .online }.count
        let handle = try await averageHandleSeconds(inbox)
        let eta = QueueEstimate.etaSeconds(position: position, agentsOnline: online, capacityPerAgent: inbox.capacity,
                                           averageHandleSeconds: handle, secondsUntilOpening: openingWait(inbox))
        return (position, eta)
    }

    /// Mean time agents of this inbox spent per conversation recently (assignment → resolution).
    /// Newest first by last activity (the inbox index's order): sorting by `updated_at` read every
    /// resolved conversation of the inbox, ≈ 1 s per inbox per sweep at 1,000,000 conversations.
    private func averageHandleSeconds(_ inbox: Inbox) async throws -> Double {
        let now = self.now
        if let cached = handleTimes[inbox.id!], now.timeIntervalSince(cached.at) < 60 { return cached.seconds }
        let recent = try await Conversation.query(on: app.db).filter(\.$accountID == inbox.accountID).filter(\.$inboxID == inbox.id!)
            .filter(\.$status == .resolved).filter(\.$assignedAt != nil).sort(\.$activityMicros, .descending).limit(50).all()
        let durations = recent.compactMap { c in c.assignedAt.map { c.updatedAt.timeIntervalSince($0) } }
        let seconds = QueueEstimate.averageHandleSeconds(durations: durations)
        handleTimes[inbox.id!] = (seconds, now)
        return seconds
    }

    /// A queued conversation as the sweep sees it: no more than the frame and the order need.
    struct Waiting: Sendable {
        var id: UUID
        var accountID: UUID
        var inboxID: UUID
        var contactID: UUID
    }

    private func tell(_ conversation: Conversation, position: Int, eta: Int) {
        tell(Waiting(id: conversation.id!, accountID: conversation.accountID, inboxID: conversation.inboxID, contactID: conversation.contactID),
             position: position, eta: eta)
    }

    private func tell(_ waiting: Waiting, position: Int, eta: Int) {
        let now = self.now
        if let last = told[waiting.id] {
            let since = now.timeIntervalSince(last.at)
            if last.position == position, last.eta == eta || since < Self.estimateInterval { return }
            if last.position != position, position > Self.frontOfTheLine, since < Self.placeInterval { return }
        }
        told[waiting.id] = position == 0 ? nil : (position, eta, now)
        app.chat.relay(Self.queueFrame(id: waiting.id, inboxID: waiting.inboxID, contactID: waiting.contactID, position: position, eta: eta,
                                       accountID: waiting.accountID))
    }

    static func queueFrame(_ state: ConversationState, position: Int, eta: Int, accountID: UUID) -> HubEvent {
        queueFrame(id: state.id, inboxID: state.inboxID, contactID: state.contactID, position: position, eta: eta, accountID: accountID)
    }

    static func queueFrame(id: UUID, inboxID: UUID, contactID: UUID, position: Int, eta: Int, accountID: UUID) -> HubEvent {
        HubEvent(accountID: accountID, conversationID: id, inboxID: inboxID, contactID: contactID, toVisitor: true,
                 toAgents: false, frame: FrameCoder.encode(ServerFrame.Queue(conversationId: id, position: position, etaSeconds: eta)),
                 except: nil)
    }

    // MARK: the sweep

    /// One sweep (the `routing.sweep` job, every second and when kicked): the queue, then
    /// answer timeouts. The job runner never runs two at once.
    func sweep() async {
        let now = self.now
        do {
            try await drainQueues()
            try await offerTimedOut(now: now)
        } catch {
            app.logger.warning("routing sweep failed", metadata: ["error": "\(error)", "component": "routing"])
        }
    }

    /// Serves every inbox's queue in order while agents have room, then tells the shoppers
    /// still waiting their place. The places, online agents and handle time are computed once
    /// per inbox per sweep (not per shopper), so a long queue does not slow the sweep down.
    private func drainQueues() async throws {
        // Ids only: decoding every queued conversation as a model each second cost ≈ 1 ms per row
        // (0.75 cores with 768 waiting); a conversation is loaded when it is offered.
        let sql = app.db as! any SQLDatabase
        let queued = try await sql.raw("""
            SELECT id, account_id, inbox_id, contact_id FROM conversations
            WHERE status = \(bind: ConversationStatus.open.rawValue) AND assignee_id IS NULL AND queued_at IS NOT NULL
              AND bot_active = \(bind: false)
            ORDER BY queued_at LIMIT 5000
            """).all().map { row in
                Waiting(id: try row.decode(column: "id", as: UUID.self), accountID: try row.decode(column: "account_id", as: UUID.self),
                        inboxID: try row.decode(column: "inbox_id", as: UUID.self), contactID: try row.decode(column: "contact_id", as: UUID.self))
            }
        if queued.isEmpty { told.removeAll(); return }
        var waiting: [UUID: [Waiting]] = [:]
        var order: [UUID] = []
        for conversation in queued {
            if waiting[conversation.inboxID] == nil { order.append(conversation.inboxID) }
            waiting[conversation.inboxID, default: []].append(conversation)
        }
        var stillQueued = Set<UUID>()
        for inboxID in order {
            guard let first = waiting[inboxID]?.first,
                  let inbox = try await ConversationOps.inbox(inboxID, accountID: first.accountID, on: app.db) else { continue }
            var rest: [Waiting] = []
            var blocked = inbox.routing == .manual
            for next in waiting[inboxID] ?? [] {
                if !blocked, let conversation = try await Self.load(next.id, accountID: next.accountID, on: app.db),
                   try await assignIfPossible(conversation, inbox: inbox, excluded: []) != nil { continue }
                blocked = true
                rest.append(next)
            }
            guard !rest.isEmpty else { continue }
            let slots = try await AgentAvailability.slots(for: inbox, on: app.db, now: now)
            let online = slots.filter { $0.status == .online }.count
            let handle = try await averageHandleSeconds(inbox)
            let untilOpen = openingWait(inbox)
            for (index, conversation) in rest.enumerated() {
                stillQueued.insert(conversation.id)
                guard app.chat.hub.hasVisitor(contactID: conversation.contactID) else { continue }
                let eta = QueueEstimate.etaSeconds(position: index + 1, agentsOnline: online, capacityPerAgent: inbox.capacity,
                                                   averageHandleSeconds: handle, secondsUntilOpening: untilOpen)
                tell(conversation, position: index + 1, eta: eta)
            }
        }
        told = told.filter { stillQueued.contains($0.key) }
    }

    private func openingWait(_ inbox: Inbox) -> TimeInterval? {
        let now = self.now
        return inbox.businessHours.flatMap { $0.isOpen(at: now) ? nil : $0.nextOpening(after: now) }.map { $0.timeIntervalSince(now) }
    }

    private func offerTimedOut(now: Date) async throws {
        // Only what has waited longer than the shortest answer time-out of any inbox is a
        // candidate; ids first, the conversation itself only when it is offered.
        let sql = app.db as! any SQLDatabase
        guard let shortest = try await sql.raw("""
            SELECT MIN(answer_timeout_seconds) AS t FROM inboxes WHERE answer_timeout_seconds > 0
            """).first()?.decode(column: "t", as: Int?.self) else { return }
        let candidates = try await sql.raw("""
            SELECT id, account_id, inbox_id, assignee_id, awaiting_since FROM conversations
            WHERE status = \(bind: ConversationStatus.open.rawValue) AND assignee_id IS NOT NULL AND bot_active = \(bind: false)
              AND awaiting_since < \(bind: now.addingTimeInterval(-Double(shortest)))
            ORDER BY awaiting_since LIMIT 500
            """).all()
        var inboxes: [UUID: Inbox] = [:]
        // Who has room in each inbox, read once per sweep: after a night a large shop has
        // thousands of conversations past their answer time-out and nobody online to take them,
        // and trying each one (its last agent, the slots, the lock) kept a core busy.
        var room: [UUID: [AgentSlot]] = [:]
        for row in candidates {
            let id = try row.decode(column: "id", as: UUID.self)
            let accountID = try row.decode(column: "account_id", as: UUID.self)
            let inboxID = try row.decode(column: "inbox_id", as: UUID.self)
            let since = try row.decode(column: "awaiting_since", as: Date.self)
            let assignee = try row.decode(column: "assignee_id", as: UUID.self)
            if let tried = timeoutTried[id], now.timeIntervalSince(tried) < 30 { continue }
            if inboxes[inboxID] == nil {
                inboxes[inboxID] = try await ConversationOps.inbox(inboxID, accountID: accountID, on: app.db)
            }
            guard let inbox = inboxes[inboxID], inbox.answerTimeoutSeconds > 0,
                  now.timeIntervalSince(since) >= Double(inbox.answerTimeoutSeconds) else { continue }
            if room[inboxID] == nil {
                room[inboxID] = try await AgentAvailability.slots(for: inbox, on: app.db, now: now).filter(\.hasRoom)
            }
            guard room[inboxID]!.contains(where: { $0.id != assignee }) else {
                timeoutTried[id] = now
                continue
            }
            guard let conversation = try await Self.load(id, accountID: accountID, on: app.db),
                  conversation.status == .open, !conversation.botActive, let current = conversation.assigneeID else { continue }
            if try await assignIfPossible(conversation, inbox: inbox, excluded: [current]) == nil {
                timeoutTried[id] = now
            } else {
                timeoutTried[id] = nil
            }
        }
        if timeoutTried.count > 10_000 { timeoutTried.removeAll() }
    }

    // MARK: helpers

    static func load(_ id: UUID, accountID: UUID, on db: any Database) async throws -> Conversation? {
        try await Conversation.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first()
    }
}

private struct RoutingServiceKey: StorageKey { typealias Value = RoutingService }

extension Application {
    /// Set once in `configure`.
    var routing: RoutingService {
        get { configured(RoutingServiceKey.self) }
        set { storage[RoutingServiceKey.self] = newValue }
    }
}
