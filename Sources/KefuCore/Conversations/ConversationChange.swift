import Foundation

/// One operation on a conversation, decided by the rules below: the state it leaves and the
/// facts it records, in order. Every path that changes a conversation (socket, REST, cards,
/// routing, the bot, jobs) goes through these rules, so one operation has one rule set.
///
/// - A shopper's message reopens a resolved or snoozed conversation (and gives it back to
///   the FAQ bot if the inbox's bot would take it and nobody has it) and starts the answer
///   clock unless the bot answers.
/// - A member's public reply reopens it, ends the bot's turn, takes it if nobody has it,
///   stops the answer clock and, the first time, records the first human reply. An
///   integration's reply only reopens it; automatic replies, notes and timeline entries
///   change nothing.
/// - A reassignment (the conversation's menu, a transfer, the API) moves it to another
///   agent and/or inbox; a new inbox without a named agent leaves it to that inbox's routing.
///   It ends the bot's turn and reopens a closed conversation unless the same operation sets
///   a status. Assigning clears the queue; the queue wait is recorded with it.
/// - Leaving `open` stops the queue and the answer clock; snoozing needs a time in the future.
public struct ConversationChange: Sendable {
    public let before: ConversationState
    public private(set) var state: ConversationState
    private var recorded: [Fact] = []
    public let now: Date

    public init(_ state: ConversationState, now: Date) {
        before = state
        self.state = state
        self.now = now
    }

    /// The facts, each carrying the conversation as it stands after the whole operation.
    public var facts: [Fact] { recorded.map { $0.with(state.snapshot) } }
    public var changed: Bool { state != before }
    /// Agents' lists should hear of it (see ``ConversationState/listedFieldsDiffer(from:)``).
    public var announce: Bool { state.listedFieldsDiffer(from: before) }

    // MARK: messages

    public mutating func message(_ role: MessageRole) {
        switch role {
        case .shopper(let botStartsOnReopen):
            if reopen(), state.assigneeID == nil, !state.botActive, botStartsOnReopen { state.botActive = true }
            if !state.botActive, state.awaitingSince == nil { state.awaitingSince = now }
        case .teamReply(let agentID):
            reopen()
            guard let agentID else { return }
            endBot(.agentReplied)
            if state.assigneeID == nil { assign(agentID, reason: .replied) }
            state.awaitingSince = nil
            if state.firstResponseAt == nil {
                state.firstResponseAt = now
                recorded.append(.firstHumanReply(FirstHumanReply(conversation: state.snapshot, agentID: agentID,
                                                                 seconds: max(0, now.timeIntervalSince(state.createdAt)))))
            }
        case .automatic, .note, .system:
            break
        }
    }

    // MARK: assignment

    /// A person moves the conversation to `assignee` (`.some(nil)`: to nobody) and/or to
    /// `inbox`. Naming an inbox without an agent hands the conversation to that inbox's
    /// routing, even its own inbox (back to the queue). A move that changes nothing is
    /// refused. `keepStatus`: the same operation sets the status itself.
    public mutating func reassign(assignee: UUID??, inbox: UUID?, keepStatus: Bool) throws(DomainError) {
        guard assignee != nil || inbox != nil else { return }
        let newInbox = inbox ?? state.inboxID
        let newAssignee: UUID? = assignee ?? (inbox != nil ? nil : state.assigneeID)
        guard newInbox != state.inboxID || newAssignee != state.assigneeID else {
            if newAssignee != nil { throw .invalid("assigneeId", "the conversation is already with this agent") }
            throw .invalid(inbox != nil ? "inboxId" : "assigneeId", "the conversation already waits for an agent of this inbox")
        }
        if newInbox != state.inboxID {
            let from = state.inboxID
            state.inboxID = newInbox
            recorded.append(.inboxChanged(InboxChanged(conversation: state.snapshot, from: from, to: newInbox)))
        }
        if newAssignee != state.assigneeID { assign(newAssignee, reason: .manual) }
        endBot(.reassigned)
        if !keepStatus { reopen() }
    }

    /// Routing gives the conversation to `agentID` (a place freed up, or the assignee did
    /// not answer in time). The answer clock, if running, starts again for the new agent.
    public mutating func route(to agentID: UUID, reason: AssignmentReason) {
        assign(agentID, reason: reason)
        if state.awaitingSince != nil { state.awaitingSince = now }
    }

    /// The conversation joins its inbox's queue (nobody had room). No change when it
    /// waits already or does not need an agent.
    public mutating func enqueue(position: Int, etaSeconds: Int) {
        guard state.queuedAt == nil, state.needsAgent else { return }
        state.queuedAt = now
        recorded.append(.queued(Queued(conversation: state.snapshot, position: position, etaSeconds: etaSeconds)))
    }

    /// The bot's turn ends because the shopper asked for a person or left a message.
    public mutating func handOver(_ reason: HandoverReason) {
        guard state.botActive else { return }
        endBot(reason)
        reopen()
    }

    // MARK: status and attributes

    public mutating func setStatus(_ status: ConversationStatus, snoozedUntil: Date? = nil) throws(DomainError) {
        if status == .snoozed {
            guard let until = snoozedUntil, until > now else {
                throw .invalid("snoozedUntil", "snoozing needs snoozedUntil in the future")
            }
            guard status != state.status || until != state.snoozedUntil else { return }
            state.snoozedUntil = until
        } else {
            guard status != state.status else { return }
            state.snoozedUntil = nil
        }
        let from = state.status
        state.status = status
        if status != .open {
            state.queuedAt = nil
            state.awaitingSince = nil
        }
        recorded.append(.statusChanged(StatusChanged(conversation: state.snapshot, from: from, to: status, snoozedUntil: state.snoozedUntil)))
    }

    public mutating func setAttributes(priority: ConversationPriority?, tags: [String]?) {
        var fact = AttributesChanged(conversation: state.snapshot)
        if let priority, priority != state.priority {
            fact.priorityFrom = state.priority
            fact.priorityTo = priority
            state.priority = priority
        }
        if let tags, tags != state.tags {
            fact.tagsAdded = tags.filter { !state.tags.contains($0) }
            fact.tagsRemoved = state.tags.filter { !tags.contains($0) }
            state.tags = tags
        }
        if fact.priorityTo != nil || !fact.tagsAdded.isEmpty || !fact.tagsRemoved.isEmpty { recorded.append(.attributesChanged(fact)) }
    }

    /// This conversation was merged into `target`: it ends there.
    public mutating func mergeAway(into target: UUID) throws(DomainError) {
        guard state.mergedIntoID == nil else { throw .conflict("sourceConversationId", "that conversation was already merged") }
        state.mergedIntoID = target
        if state.status != .resolved { try setStatus(.resolved) }
    }

    /// Another conversation's `messages` were appended to this one.
    public mutating func merged(from source: UUID, messages: Int) {
        recorded.append(.merged(ConversationMerged(conversation: state.snapshot, sourceID: source, messages: messages)))
    }

    // MARK: parts

    private mutating func assign(_ agentID: UUID?, reason: AssignmentReason) {
        let from = state.assigneeID
        var waited: Double?
        switch reason {
        case .answerTimeout: waited = state.awaitingSince.map { max(0, now.timeIntervalSince($0)) }
        case .manual, .routed, .replied:
            if from == nil, agentID != nil { waited = state.queuedAt.map { max(0, now.timeIntervalSince($0)) } ?? 0 }
        }
        state.assigneeID = agentID
        if agentID != nil {
            state.assignedAt = now
            state.queuedAt = nil
        }
        recorded.append(.assigneeChanged(AssigneeChanged(conversation: state.snapshot, from: from, to: agentID, reason: reason,
                                                         waitedSeconds: waited)))
    }

    @discardableResult
    private mutating func reopen() -> Bool {
        guard state.status == .resolved || state.status == .snoozed else { return false }
        let from = state.status
        state.status = .open
        state.snoozedUntil = nil
        recorded.append(.statusChanged(StatusChanged(conversation: state.snapshot, from: from, to: .open)))
        return true
    }

    private mutating func endBot(_ reason: HandoverReason) {
        guard state.botActive else { return }
        state.botActive = false
        recorded.append(.botHandedOver(BotHandedOver(conversation: state.snapshot, reason: reason)))
    }
}
