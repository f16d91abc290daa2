import Fluent
import Foundation
import KefuCore
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The live-chat engine of one instance: stores messages through the writer,
/// fans events out to local sockets through the hub, and tells other instances
/// through the cluster bus (PostgreSQL only).
final class ChatService: Sendable {
    let hub = RealtimeHub()
    let presence = PresenceRegistry()
    /// Each shop's `agent_presence` rows, for 5 s (``AgentAvailability/status(of:accountID:now:app:)``);
    /// what this instance records is applied to the cached copy at once (``notePresence``).
    let presenceRows = TTLCache<UUID, [UUID: AgentAvailability.Presence]>(ttl: .seconds(5), limit: 10_000)

    /// This instance recorded a member's presence: the cached copy follows.
    func notePresence(_ userID: UUID, accountID: UUID, status: PresenceStatus, connections: Int, at now: Date) {
        presenceRows.update(accountID) { $0[userID] = AgentAvailability.Presence(status: status, connections: connections, seenAt: now) }
    }
    private let db: any Database
    private let logger: Logger
    private let busBox = NIOLockedValueBox<ClusterBus?>(nil)
    private let writerBox = NIOLockedValueBox<MessageWriter?>(nil)

    private let directory: ConversationDirectory

    init(db: any Database, store: any MessageStore, directory: ConversationDirectory, logger: Logger, clock: any WallClock, ids: any IDSource) {
        self.db = db
        self.directory = directory
        self.logger = logger
        let writer = MessageWriter(store: store, logger: logger, clock: clock, ids: ids) { [weak self] stored in
            self?.messagesStored(stored)
        }
        writerBox.withLockedValue { $0 = writer }
        let fanout = PresenceFanout { [weak self] event in self?.relay(event) }
        fanoutBox.withLockedValue { $0 = fanout }
    }

    var writer: MessageWriter { writerBox.withLockedValue { $0! } }

    /// Teammates' presence changes, coalesced (``PresenceFanout``).
    var presenceFanout: PresenceFanout { fanoutBox.withLockedValue { $0! } }
    private let fanoutBox = NIOLockedValueBox<PresenceFanout?>(nil)

    // MARK: sessions

    private let sessions = NIOLockedValueBox<(tasks: [UUID: Task<Void, Never>], draining: Bool)>(([:], false))

    /// Runs a socket session as a tracked task, so shutdown can wait for it.
    func runSession(_ body: @escaping @Sendable () async -> Void) {
        let id = UUID()
        sessions.withLockedValue { state in
            guard !state.draining else { return }
            state.tasks[id] = Task {
                await body()
                _ = self.sessions.withLockedValue { $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    /// True once shutdown began: new sockets are refused (503) so clients reconnect elsewhere.
    var isDraining: Bool { sessions.withLockedValue { $0.draining } }

    /// Closes every socket with "going away" (clients reconnect and resume) and
    /// waits up to `seconds` for the sessions to end, before the database closes.
    func drain(seconds: Double = 5) async {
        sessions.withLockedValue { $0.draining = true }
        hub.closeAll()
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        while ContinuousClock.now < deadline, !sessions.withLockedValue({ $0.tasks.isEmpty }) {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        for task in sessions.withLockedValue({ Array($0.tasks.values) }) { task.cancel() }
    }
    var bus: ClusterBus? { busBox.withLockedValue { $0 } }

    func attach(bus: ClusterBus) { busBox.withLockedValue { $0 = bus } }

    // MARK: publishing

    /// After commit: deliver new messages here and tell the other instances (the writer calls
    /// it; so does code that inserts messages inside its own transaction).
    func messagesStored(_ stored: [StoredMessage]) {
        for s in stored { publishLocally(s) }
        guard let bus else { return }
        let grouped = Dictionary(grouping: stored, by: { $0.message.conversationId })
        for (conversationID, items) in grouped {
            let seqs = items.map(\.message.seq)
            let first = items[0]
            bus.notify(BusEvent(kind: .messages, origin: bus.instanceID, accountID: first.accountID, conversationID: conversationID,
                                inboxID: first.inboxID, contactID: first.contactID, fromSeq: seqs.min()! - 1, toSeq: seqs.max()!))
        }
    }

    private func publishLocally(_ s: StoredMessage) {
        let frame = ServerFrame.MessageFrame(conversationId: s.message.conversationId, message: s.message).json
        hub.publish(HubEvent(accountID: s.accountID, conversationID: s.message.conversationId, inboxID: s.inboxID, contactID: s.contactID,
                             toVisitor: !s.message.private, toAgents: true, frame: frame, except: nil))
    }

    /// A conversation changed (status, assignee, new …): agents of its inbox and its visitor hear of it.
    func conversationChanged(_ dto: ConversationDTO, accountID: UUID) {
        hub.publish(HubEvent(accountID: accountID, conversationID: dto.id, inboxID: dto.inboxId,
                             contactID: dto.contactId, toVisitor: false, toAgents: true,
                             frame: FrameCoder.encode(ServerFrame.ConversationUpdated(conversation: dto)), except: nil))
        if let bus {
            bus.notify(BusEvent(kind: .conversation, origin: bus.instanceID, accountID: accountID,
                                conversationID: dto.id, inboxID: dto.inboxId, contactID: dto.contactId))
        }
    }

    /// A small frame that is not stored (typing, read, presence).
    func relay(_ event: HubEvent) {
        hub.publish(event)
        if let bus {
            bus.notify(BusEvent(kind: .frame, origin: bus.instanceID, accountID: event.accountID, conversationID: event.conversationID,
                                inboxID: event.inboxID, contactID: event.contactID, toVisitor: event.toVisitor,
                                toAgents: event.toAgents, frame: event.frame, userID: event.toUser, staffOnly: event.staffOnly ? true : nil))
        }
    }

    /// Closes a member's sockets here and on the other instances.
    func disconnect(userID: UUID, accountID: UUID, onlySession: UUID? = nil, exceptSession: UUID? = nil) {
        hub.disconnect(userID: userID, accountID: accountID, onlySession: onlySession, exceptSession: exceptSession)
        if let bus {
            bus.notify(BusEvent(kind: .disconnect, origin: bus.instanceID, accountID: accountID, userID: userID,
                                onlySession: onlySession, exceptSession: exceptSession))
        }
    }

    /// An event from another instance.
    func receive(_ event: BusEvent) async {
        switch event.kind {
        case .inbox:
            break   // the inbox directory's (ChatLifecycle)
        case .disconnect:
            guard let userID = event.userID else { return }
            hub.disconnect(userID: userID, accountID: event.accountID, onlySession: event.onlySession, exceptSession: event.exceptSession)
        case .frame:
            guard let frame = event.frame else { return }
            hub.publish(HubEvent(accountID: event.accountID, conversationID: event.conversationID, inboxID: event.inboxID,
                                 contactID: event.contactID, toVisitor: event.toVisitor ?? false, toAgents: event.toAgents ?? true,
                                 frame: frame, except: nil, toUser: event.userID, staffOnly: event.staffOnly ?? false))
        case .messages:
            guard let conversationID = event.conversationID, let from = event.fromSeq, let to = event.toSeq,
                  let inboxID = event.inboxID, let contactID = event.contactID else { return }
            do {
                let messages = try await MessageRows.load(conversationID: conversationID, accountID: event.accountID, afterSeq: from,
                                                          limit: max(1, to - from), includePrivate: true, on: db)
                for m in messages where m.seq <= to {
                    publishLocally(StoredMessage(accountID: event.accountID, message: m, inboxID: inboxID, contactID: contactID, duplicate: false))
                }
            } catch {
                logger.warning("could not load messages announced by another instance", metadata: ["error": "\(error)", "component": "realtime"])
            }
        case .conversation:
            // Changed on another instance: what this one knows of its access may be stale.
            if let id = event.conversationID { directory.forget(id) }
            guard let id = event.conversationID,
                  let dto = try? await ConversationListing.one(id, accountID: event.accountID, on: db as! any SQLDatabase)
            else { return }
            hub.publish(HubEvent(accountID: event.accountID, conversationID: id, inboxID: dto.inboxId, contactID: dto.contactId,
                                 toVisitor: false, toAgents: true, frame: FrameCoder.encode(ServerFrame.ConversationUpdated(conversation: dto)),
                                 except: nil))
        }
    }
}

/// Agents' chosen status on this instance (online / busy / away / offline).
final class PresenceRegistry: Sendable {
    private let statuses = NIOLockedValueBox<[UUID: PresenceStatus]>([:])

    func set(_ status: PresenceStatus, for userID: UUID) { statuses.withLockedValue { $0[userID] = status } }
    func status(of userID: UUID) -> PresenceStatus { statuses.withLockedValue { $0[userID] } ?? .offline }
    func clear(_ userID: UUID) { statuses.withLockedValue { $0[userID] = nil } }
}

private struct ChatServiceKey: StorageKey { typealias Value = ChatService }

extension Application {
    var chat: ChatService {
        get { configured(ChatServiceKey.self) }
        set { storage[ChatServiceKey.self] = newValue }
    }
}
