import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// A change to a conversation's status, assignee, inbox, priority or tags (PATCH, transfer,
/// the snooze timer).
struct ConversationUpdate: Sendable {
    var status: ConversationStatus?
    var snoozedUntil: Date?
    /// `.some(nil)`: to nobody.
    var assignee: UUID??
    var inbox: UUID?
    var priority: ConversationPriority?
    var tags: [String]?
}

extension Conversations {
    /// Changes a conversation the caller can see; one rule set for `PATCH` and for transfers
    /// (``ConversationChange/reassign(assignee:inbox:keepStatus:)``): the inbox must be an
    /// active inbox of the shop, the assignee an active member who works in the (new) inbox
    /// (supervisors and above work in every inbox). The change, its timeline entries, a
    /// transfer's note and the domain events commit together; routing then takes a
    /// conversation left to an inbox (an inline listener). Answers with the conversation as
    /// it is now (the caller may no longer see it after moving it to another inbox).
    ///
    /// A macro adds a public `reply` (stored first, with the conversation's rules, so a status the
    /// macro sets comes after it) and runs `audit` in the same transaction.
    func update(_ id: UUID, _ update: ConversationUpdate, note: String? = nil, reply: String? = nil, by caller: Caller,
                audit: (@Sendable (UnitOfWork) async throws -> Void)? = nil) async throws -> ConversationDTO {
        let conversation = try await find(id, as: caller)
        let accountID = caller.accountID
        if update.snoozedUntil != nil, update.status == nil {
            throw DomainError.invalid("snoozedUntil", "snoozedUntil goes with status snoozed")
        }
        if let inboxID = update.inbox {
            guard try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$id == inboxID).filter(\.$active == true)
                .first() != nil else { throw DomainError.invalid("inboxId", "inboxId names no active inbox of this shop") }
        }
        if case .some(.some(let agentID)) = update.assignee {
            try await checkAssignee(agentID, inboxID: update.inbox ?? conversation.inboxID, accountID: accountID)
        }
        try await app.write { unit in
            if let reply {
                try await unit.insert(NewMessage(
                    accountID: accountID, conversationID: id, senderType: caller.senderType, sender: caller.sender, clientMessageID: nil,
                    text: String(reply.prefix(ChatLimits.maxTextCharacters)), isPrivate: false, attachments: [], event: nil, createdAt: nil,
                    actor: caller.actor, role: caller.role(isPrivate: false)))
            }
            guard let (state, _) = try await ConversationRows.load(id, accountID: accountID, on: unit.sql) else {
                throw DomainError.notFound("conversation")
            }
            var change = ConversationChange(state, now: unit.now)
            try change.reassign(assignee: update.assignee, inbox: update.inbox, keepStatus: update.status != nil)
            if let status = update.status { try change.setStatus(status, snoozedUntil: update.snoozedUntil) }
            change.setAttributes(priority: update.priority, tags: update.tags)
            if change.changed {
                try await ConversationRows.save(change.state, accountID: accountID, now: unit.now, on: unit.sql)
                if change.state.inboxID != state.inboxID { app.conversationDirectory.forget(id) }
                unit.record(change.facts, accountID: accountID, actor: caller.actor)
                if change.announce { unit.announce(id, accountID: accountID) }
                try await timeline(change.facts, in: id, by: caller, unit: unit)
            }
            if let note {
                try await unit.insert(NewMessage(
                    accountID: accountID, conversationID: id, senderType: caller.senderType == .system ? .bot : caller.senderType,
                    sender: caller.sender, clientMessageID: nil, text: note, isPrivate: true, attachments: [], event: nil, createdAt: nil,
                    actor: caller.actor, role: .note))
            }
            try await audit?(unit)
        }
        return try await dto(id, as: .system(accountID))
    }

    /// Hands a conversation to another agent and/or inbox with a note for them (the transfer
    /// dialog): ``update(_:_:note:by:)`` with only a reassignment.
    func transfer(_ id: UUID, assignee: UUID?, inbox: UUID?, note: String?, by caller: Caller) async throws -> ConversationDTO {
        guard assignee != nil || inbox != nil else {
            throw DomainError.invalid("assigneeId", "name the agent (assigneeId) or the inbox (inboxId) to transfer to")
        }
        return try await update(id, ConversationUpdate(assignee: assignee.map { .some($0) }, inbox: inbox), note: note, by: caller)
    }

    /// An assignee must be an active member of the shop who works in the inbox.
    private func checkAssignee(_ agentID: UUID, inboxID: UUID, accountID: UUID) async throws {
        guard let user = try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id == agentID)
            .filter(\.$active == true).first() else {
            throw DomainError.invalid("assigneeId", "assigneeId names no active member of this shop")
        }
        if user.role == .agent, try await InboxMember.query(on: db).filter(\.$accountID == accountID).filter(\.$userID == agentID)
            .filter(\.$inboxID == inboxID).first() == nil {
            throw DomainError.invalid("assigneeId", "\(user.displayName) does not work in this conversation's inbox; add them to it or transfer to that inbox")
        }
    }

    // MARK: routing

    /// Routing gives a conversation to the agent `choose` picks, under the shop's routing
    /// lock, if the conversation still waits as routing saw it (open, the bot not answering,
    /// assigned to `previous`). `choose` reads agents' loads in the same transaction.
    func route(_ id: UUID, accountID: UUID, expecting previous: UUID?, reason: AssignmentReason,
               choose: @escaping @Sendable (ConversationState, UnitOfWork) async throws -> UUID?) async throws -> UUID? {
        try await app.write(lockingShop: accountID) { unit in
            guard let (state, _) = try await ConversationRows.load(id, accountID: accountID, on: unit.sql),
                  state.status == .open, state.assigneeID == previous, !state.botActive, state.mergedIntoID == nil,
                  let agentID = try await choose(state, unit) else { return nil }
            var change = ConversationChange(state, now: unit.now)
            change.route(to: agentID, reason: reason)
            try await ConversationRows.save(change.state, accountID: accountID, now: unit.now, on: unit.sql)
            unit.record(change.facts, accountID: accountID, actor: .system)
            unit.announce(id, accountID: accountID)
            try await timeline(change.facts, in: id, by: .system(accountID), unit: unit)
            return agentID
        }
    }

    /// The conversation joins its inbox's queue; false when it waited already (or needs nobody).
    @discardableResult
    func enqueue(_ id: UUID, accountID: UUID, position: Int, etaSeconds: Int) async throws -> Bool {
        try await app.write { unit in
            guard let (state, _) = try await ConversationRows.load(id, accountID: accountID, on: unit.sql) else { return false }
            var change = ConversationChange(state, now: unit.now)
            change.enqueue(position: position, etaSeconds: etaSeconds)
            guard change.changed else { return false }
            try await ConversationRows.save(change.state, accountID: accountID, now: unit.now, on: unit.sql)
            unit.record(change.facts, accountID: accountID, actor: .system)
            unit.announce(id, accountID: accountID)
            return true
        }
    }

    // MARK: the bot

    /// The FAQ bot's turn ends (the shopper asked for a person, or left a message), with a
    /// timeline entry saying so when `timelineText` is given; routing then looks for an agent.
    func handOver(_ id: UUID, reason: HandoverReason, timelineText: String?, by caller: Caller) async throws {
        let conversation = try await find(id, as: caller)
        let accountID = caller.accountID
        try await app.write { unit in
            guard let (state, _) = try await ConversationRows.load(conversation.id!, accountID: accountID, on: unit.sql) else { return }
            var change = ConversationChange(state, now: unit.now)
            change.handOver(reason)
            guard change.changed else { return }
            try await ConversationRows.save(change.state, accountID: accountID, now: unit.now, on: unit.sql)
            unit.record(change.facts, accountID: accountID, actor: caller.actor)
            unit.announce(id, accountID: accountID)
            guard let timelineText else { return }
            try await unit.insert(NewMessage(
                accountID: accountID, conversationID: id, senderType: .system, sender: nil, clientMessageID: nil, text: timelineText,
                isPrivate: true, attachments: [], event: "conversation.handover", createdAt: nil, actor: caller.actor, role: .system))
        }
    }

    // MARK: timers

    /// Snoozed conversations whose time has come open again. Returns how many.
    func wakeSnoozed(now: Date) async throws -> Int {
        let due = try await Conversation.query(on: db).filter(\.$status == .snoozed).filter(\.$snoozedUntil <= now).limit(500).all()
        for conversation in due {
            _ = try await update(conversation.id!, ConversationUpdate(status: .open), by: .system(conversation.accountID))
        }
        return due.count
    }
}

extension Application {
    /// ``write(_:)`` holding the shop's routing lock: a PostgreSQL advisory transaction lock
    /// per shop (SQLite's `BEGIN IMMEDIATE` already serialises every writer).
    func write<T: Sendable>(lockingShop accountID: UUID, _ body: @escaping @Sendable (UnitOfWork) async throws -> T) async throws -> T {
        try await write { unit in
            if unit.sql.dialect.name == "postgresql" {
                try await unit.sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "kefu-routing-" + accountID.uuidString)))").run()
            }
            return try await body(unit)
        }
    }
}
