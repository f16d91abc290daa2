import Fluent
import Foundation
import KefuCore
import Logging
import Metrics
import NIOConcurrencyHelpers
import SQLKit

/// A message to store.
struct NewMessage: Sendable {
    var accountID: UUID
    var conversationID: UUID
    var senderType: SenderType
    var sender: SenderDTO?
    var clientMessageID: UUID?
    var text: String
    var isPrivate: Bool
    var attachments: [AttachmentDTO]
    var event: String?
    var payload: MessagePayload? = nil
    /// Kept from the original when messages are copied (merge); now otherwise.
    var createdAt: Date?
    /// Who caused it (the domain events carry it).
    var actor: EventActor
    /// What it is for the conversation's rules (``ConversationChange/message(_:)``).
    var role: MessageRole
    /// Automatic replies that fire with this message: their cool-downs start in its transaction.
    var autoFired: [String] = []
    /// A copy of a message of another conversation (merge): no rules, no events.
    var isCopy = false
}

extension NewMessage {
    /// What message search indexes of it: nothing for an event line or a message without text.
    var searchTerms: [String] { event == nil ? MessageSearchTerms.terms(of: text) : [] }
}

/// What the writer stored (or found stored, for a resend).
struct StoredMessage: Sendable {
    var accountID: UUID
    var message: MessageDTO
    var inboxID: UUID
    var contactID: UUID
    var duplicate: Bool
}

/// A message written, with what it did to its conversation.
struct WrittenMessage: Sendable {
    var stored: StoredMessage
    /// `message.created` first, then what the message changed (reopened, taken, answered …).
    var events: [DomainEvent]
    /// The conversation's listed fields changed (agents hear of it), or this is its first message.
    var announce: Bool
}

/// Where the writer stores a batch: SQLite's own connection (``SQLiteMessageStore``) or, on
/// PostgreSQL, a few array statements per batch (``PostgresMessageStore``). One batch, one transaction.
protocol MessageStore: Sendable {
    func write(_ messages: [NewMessage], now: Date, ids: any IDSource) async throws -> [WrittenMessage]
}

/// A message handed to the writer: its result once its batch has committed (or failed).
final class WriteTicket: @unchecked Sendable {
    private let lock = NIOLock()
    private var result: Result<WrittenMessage, any Error>?
    private var waiter: CheckedContinuation<WrittenMessage, any Error>?

    fileprivate func resolve(_ outcome: Result<WrittenMessage, any Error>) {
        let waiting: CheckedContinuation<WrittenMessage, any Error>? = lock.withLock {
            if waiter == nil { result = outcome }
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: outcome)
    }

    /// Waits for the commit.
    func value() async throws -> WrittenMessage {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<WrittenMessage, any Error>? = lock.withLock {
                if result == nil { waiter = continuation }
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// Writes messages with group commit: messages that arrive while a transaction runs wait and go
/// together into the next one. Each message gets the next sequence number of its conversation,
/// the conversation's rules are applied to it and its domain events go to the outbox, all in that
/// transaction; callers are answered only after the commit. The writer only publishes the stored
/// messages to the sockets: listeners run in the callers' tasks.
///
/// ``enqueue(_:)`` takes a message in the order it is called and returns at once, so a socket can
/// hand over its next message while the previous one commits (pipelining); ``write(_:)`` waits.
actor MessageWriter {
    /// Where batches go (tests hand it batches of their own).
    nonisolated let store: any MessageStore
    private let logger: Logger
    private let clock: any WallClock
    private let ids: any IDSource
    private let publish: @Sendable ([StoredMessage]) -> Void
    private var pending: [(NewMessage, WriteTicket)] = []
    private var flushing = false
    private var held = false
    static let maxBatch = 256
    /// Batches written and the largest one (operations and tests look at them).
    private(set) var batches = 0
    private(set) var largestBatch = 0
    private let batchSizes = Recorder(label: "kefu_message_write_batch_size")

    init(store: any MessageStore, logger: Logger, clock: any WallClock, ids: any IDSource,
         publish: @escaping @Sendable ([StoredMessage]) -> Void) {
        self.store = store
        self.logger = logger
        self.clock = clock
        self.ids = ids
        self.publish = publish
    }

    func write(_ message: NewMessage) async throws -> WrittenMessage {
        try await enqueue(message).value()
    }

    /// Takes `message` for the next batch; its ticket resolves after that batch's commit.
    func enqueue(_ message: NewMessage) -> WriteTicket {
        let ticket = WriteTicket()
        pending.append((message, ticket))
        startFlushing()
        return ticket
    }

    /// Messages taken and not yet in a batch.
    var waiting: Int { pending.count }

    /// Holds new batches back until ``release()`` (the batch being written finishes); what arrives
    /// meanwhile queues up and goes out together. For maintenance and for tests that need a
    /// queue to form whatever the machine's speed.
    func hold() { held = true }

    func release() {
        held = false
        startFlushing()
    }

    private func startFlushing() {
        guard !flushing, !held, !pending.isEmpty else { return }
        flushing = true
        Task { await self.flush() }
    }

    private func flush() async {
        while !pending.isEmpty, !held {
            let batch = Array(pending.prefix(Self.maxBatch))
            pending.removeFirst(batch.count)
            batches += 1
            largestBatch = max(largestBatch, batch.count)
            batchSizes.record(batch.count)
            do {
                let written = try await store.write(batch.map(\.0), now: clock.now(), ids: ids)
                let fresh = written.map(\.stored).filter { !$0.duplicate }
                if !fresh.isEmpty { publish(fresh) }
                for (i, item) in batch.enumerated() { item.1.resolve(.success(written[i])) }
            } catch {
                // One bad message must not fail the others: write them one by one.
                for item in batch {
                    do {
                        let written = try await store.write([item.0], now: clock.now(), ids: ids)
                        if !written[0].stored.duplicate { publish([written[0].stored]) }
                        item.1.resolve(.success(written[0]))
                    } catch {
                        logger.warning("message not stored", metadata: ["error": "\(error)", "component": "message-writer"])
                        item.1.resolve(.failure(error))
                    }
                }
            }
        }
        flushing = false
    }
}

/// Storing one message inside an open transaction: the writer's batches and the operations
/// that write a message together with other changes (reminders, merges, timeline entries).
enum MessageInsert {
    /// Inserts `m`, or finds the stored one for a client message id this sender already used.
    static func run(_ m: NewMessage, on sql: any SQLDatabase, now: Date, ids: any IDSource) async throws -> WrittenMessage {
        if let clientID = m.clientMessageID, let senderID = m.sender?.id,
           let row = try await sql.raw("""
               SELECT m.id, m.seq, m.created_at, m.text, m.private, m.attachments, m.event, m.payload, c.inbox_id, c.contact_id
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE m.conversation_id = \(bind: m.conversationID) AND m.sender_type = \(bind: m.senderType.rawValue)
                 AND m.sender_id = \(bind: senderID) AND m.client_message_id = \(bind: clientID) AND m.account_id = \(bind: m.accountID)
               """).first() {
            let dto = MessageDTO(
                id: try row.decode(column: "id", as: UUID.self), conversationId: m.conversationID,
                seq: try row.decode(column: "seq", as: Int.self), senderType: m.senderType, sender: m.sender,
                text: try row.decode(column: "text", as: String.self), private: try row.decode(column: "private", as: Bool.self),
                attachments: MessageRows.attachments(try row.decode(column: "attachments", as: String.self)),
                event: try row.decode(column: "event", as: String?.self),
                payload: MessagePayload.decode(try row.decode(column: "payload", as: String?.self)), clientMessageId: clientID,
                createdAt: try row.decode(column: "created_at", as: Date.self))
            let stored = StoredMessage(accountID: m.accountID, message: dto, inboxID: try row.decode(column: "inbox_id", as: UUID.self),
                                       contactID: try row.decode(column: "contact_id", as: UUID.self), duplicate: true)
            return WrittenMessage(stored: stored, events: [], announce: false)
        }

        let shape = Shape(m, now: now)
        let (at, micros, visible, preview, fromVisitor, toVisitor) = (shape.at, shape.micros, shape.visible, shape.preview, shape.fromVisitor,
                                                                      shape.toVisitor)
        guard let row = try await sql.raw("""
            UPDATE conversations SET last_seq = last_seq + 1, updated_at = \(bind: now),
              last_message_preview = CASE WHEN \(bind: visible) AND activity_us <= \(bind: micros)
                THEN \(bind: preview ?? "") ELSE last_message_preview END,
              last_message_at = CASE WHEN \(bind: visible) AND activity_us < \(bind: micros) THEN \(bind: at) ELSE last_message_at END,
              activity_us = CASE WHEN \(bind: visible) AND activity_us < \(bind: micros) THEN \(bind: micros) ELSE activity_us END,
              agent_unread = agent_unread + \(bind: fromVisitor), visitor_unread = visitor_unread + \(bind: toVisitor)
            WHERE id = \(bind: m.conversationID) AND account_id = \(bind: m.accountID)
            RETURNING last_seq, \(unsafeRaw: ConversationRows.stateColumns)
            """).first() else {
            throw DomainError.notFound("conversation")
        }
        let seq = try row.decode(column: "last_seq", as: Int.self)
        let (change, memory) = decide(m, state: try ConversationRows.state(row, id: m.conversationID),
                                      autoStateJSON: try row.decode(column: "auto_state", as: String?.self), now: now)
        if change.changed || memory != nil {
            try await ConversationRows.save(change.state, autoState: memory, accountID: m.accountID, now: now, on: sql)
        }
        let id = ids.make()
        try await sql.raw("""
            INSERT INTO messages (id, account_id, conversation_id, seq, sender_type, sender_id, client_message_id, text, private, attachments, event, payload, created_at)
            VALUES (\(bind: id), \(bind: m.accountID), \(bind: m.conversationID), \(bind: seq), \(bind: m.senderType.rawValue),
                    \(bind: m.sender?.id), \(bind: m.clientMessageID), \(bind: m.text), \(bind: m.isPrivate),
                    \(bind: MessageRows.encode(m.attachments)), \(bind: m.event),
                    \(bind: m.payload.map { FrameCoder.encode($0) }), \(bind: at))
            """).run()
        try await MessageSearchIndex.add(messageID: id, terms: m.searchTerms, on: sql)
        return written(m, id: id, seq: seq, change: change, at: at, now: now, ids: ids)
    }

    /// What a message looks like to its conversation's row: its time (kept from the original
    /// for a merged copy), whether it is listed (preview, activity) and whom it is unread for.
    struct Shape {
        var at: Date
        var micros: Int64
        var visible: Bool
        var preview: String?
        var fromVisitor: Int
        var toVisitor: Int

        init(_ m: NewMessage, now: Date) {
            at = m.createdAt ?? now
            micros = Conversation.micros(at)
            visible = !m.isPrivate && m.senderType != .system
            preview = visible ? String((m.text.isEmpty ? (m.attachments.isEmpty ? "" : "[image]") : m.text).prefix(120)) : nil
            fromVisitor = m.senderType == .visitor ? 1 : 0
            toVisitor = (m.senderType == .agent || m.senderType == .bot) && !m.isPrivate ? 1 : 0
        }
    }

    /// The conversation's rules for this message, and the automatic replies' memory when some fire.
    static func decide(_ m: NewMessage, state: ConversationState, autoStateJSON: String?, now: Date) -> (ConversationChange, AutoState?) {
        var change = ConversationChange(state, now: now)
        if !m.isCopy { change.message(m.role) }
        guard !m.autoFired.isEmpty else { return (change, nil) }
        var fired = AutoState.decode(autoStateJSON)
        for key in m.autoFired { fired.fired[key] = now }
        return (change, fired)
    }

    /// The stored message and its events: `message.created` first, then what it changed.
    static func written(_ m: NewMessage, id: UUID, seq: Int, change: ConversationChange, at: Date, now: Date,
                        ids: any IDSource) -> WrittenMessage {
        let dto = MessageDTO(id: id, conversationId: m.conversationID, seq: seq, senderType: m.senderType, sender: m.sender,
                             text: m.text, private: m.isPrivate, attachments: m.attachments, event: m.event, payload: m.payload,
                             clientMessageId: m.clientMessageID, createdAt: at)
        let state = change.state
        let stored = StoredMessage(accountID: m.accountID, message: dto, inboxID: state.inboxID, contactID: state.contactID, duplicate: false)
        guard !m.isCopy else { return WrittenMessage(stored: stored, events: [], announce: false) }
        let created = Fact.messageCreated(MessageCreated(
            conversation: state.snapshot, messageID: id, seq: seq, senderType: m.senderType, senderID: m.sender?.id, isPrivate: m.isPrivate,
            text: m.text, payloadType: m.payload?.type, systemEvent: m.event, attachments: m.attachments.count))
        let events = ([created] + change.facts).map {
            DomainEvent(id: ids.make(), accountID: m.accountID, occurredAt: now, actor: m.actor, fact: $0)
        }
        return WrittenMessage(stored: stored, events: events, announce: change.announce || seq == 1)
    }
}

/// Reading messages back.
enum MessageRows {
    static func encode(_ attachments: [AttachmentDTO]) -> String {
        attachments.isEmpty ? "[]" : FrameCoder.encode(attachments)
    }

    static func attachments(_ json: String) -> [AttachmentDTO] {
        guard json != "[]" else { return [] }
        return (try? JSONDecoder().decode([AttachmentDTO].self, from: Data(json.utf8))) ?? []
    }

    /// Messages of a conversation with `seq` in `range`, oldest first, with senders resolved.
    static func load(conversationID: UUID, accountID: UUID, afterSeq: Int? = nil, beforeSeq: Int? = nil, limit: Int,
                     includePrivate: Bool, on db: any Database) async throws -> [MessageDTO] {
        var query = Message.query(on: db).filter(\.$accountID == accountID).filter(\.$conversationID == conversationID)
        if let afterSeq { query = query.filter(\.$seq > afterSeq) }
        if let beforeSeq { query = query.filter(\.$seq < beforeSeq) }
        if !includePrivate { query = query.filter(\.$isPrivate == false) }
        // Newest `limit` before a point (paging up), or oldest `limit` after one (resume).
        let rows: [Message]
        if afterSeq != nil {
            rows = try await query.sort(\.$seq, .ascending).limit(limit).all()
        } else {
            rows = try await query.sort(\.$seq, .descending).limit(limit).all().reversed()
        }
        let senders = try await senderDirectory(for: rows, accountID: accountID, on: db)
        return rows.map { dto($0, senders: senders) }
    }

    static func senderDirectory(for rows: [Message], accountID: UUID, on db: any Database) async throws -> [UUID: SenderDTO] {
        // Agents, and the agent named in an automatic greeting (a bot message with a sender).
        let agentIDs = Set(rows.filter { $0.senderType == .agent || $0.senderType == .bot }.compactMap(\.senderID))
        let visitorIDs = Set(rows.filter { $0.senderType == .visitor }.compactMap(\.senderID))
        var result: [UUID: SenderDTO] = [:]
        if !agentIDs.isEmpty {
            for u in try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ agentIDs).all() {
                result[u.id!] = SenderDTO(id: u.id, name: u.displayName, agentNumber: u.agentNumber)
            }
        }
        if !visitorIDs.isEmpty {
            for c in try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ visitorIDs).all() {
                result[c.id!] = SenderDTO(id: c.id, name: c.name, agentNumber: nil)
            }
        }
        return result
    }

    static func dto(_ m: Message, senders: [UUID: SenderDTO]) -> MessageDTO {
        MessageDTO(id: m.id!, conversationId: m.conversationID, seq: m.seq, senderType: m.senderType,
                   sender: m.senderID.flatMap { senders[$0] } ?? m.senderID.map { SenderDTO(id: $0, name: nil, agentNumber: nil) },
                   text: m.text, private: m.isPrivate, attachments: attachments(m.attachments), event: m.event,
                   payload: MessagePayload.decode(m.payload), clientMessageId: m.clientMessageID, createdAt: m.createdAt)
    }
}
