import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Does one run's actions, in order, through the services that own the conversation or ticket
/// (their rules, timelines and events apply; the events name the rule as their actor). An
/// action that fails is logged with its reason and the next still runs.
struct AutomationExecutor {
    let app: Application
    let run: AutomationRunRow

    var accountID: UUID { run.accountID }
    var target: AutomationTarget { AutomationTarget(rawValue: run.targetType) ?? .conversation }

    /// Kefu acting for the rule: sees the whole shop, signs messages with the rule's name.
    var caller: Caller {
        .bot(accountID, sender: SenderDTO(id: run.ruleID, name: run.ruleName, agentNumber: nil), actor: .automation(ruleID: run.ruleID))
    }

    /// The results, and whether the customer was sent a message.
    func perform() async -> ([AutomationActionResult], Bool) {
        let actions = (try? JSONDecoder().decode([AutomationRuleBody.Action].self, from: Data(run.actionsJSON.utf8))) ?? []
        var results: [AutomationActionResult] = []
        var replied = false
        let body = AutomationRuleBody(name: run.ruleName, trigger: .init(kind: "event", event: EventKind.conversationOpened.rawValue), actions: actions)
        guard case .success(let parsed) = body.parse(id: run.ruleID, createdAt: run.createdAt) else {
            return ([AutomationActionResult(type: "rule", result: "failed", detail: "the rule's actions no longer parse")], false)
        }
        // Field changes next to each other are one change (one transaction, one event), as a
        // person making them in one edit would; messages, notices and escalation each on their own.
        var pending: [AutomationAction] = []
        func flush() async {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending = []
            do {
                let outcome = try await change(batch)
                // Each action says what it set; an action the object refused says why.
                results += batch.map { AutomationActionResult(type: $0.type, result: outcome.0, detail: outcome.0 == "ok" ? $0.summary ?? outcome.1 : outcome.1) }
            } catch {
                results += batch.map { AutomationActionResult(type: $0.type, result: "failed", detail: describe(error)) }
            }
        }
        for action in parsed.actions {
            if action.isFieldChange {
                pending.append(action)
                continue
            }
            await flush()
            do {
                let detail = try await perform(action, replied: &replied)
                results.append(AutomationActionResult(type: action.type, result: detail.0, detail: detail.1))
            } catch {
                results.append(AutomationActionResult(type: action.type, result: "failed", detail: describe(error)))
            }
        }
        await flush()
        if target == .conversation, results.contains(where: { $0.result == "ok" }) {
            // The thread's timeline says which rule acted.
            let line = Caller(viewer: caller.viewer, actor: caller.actor, sender: caller.sender, senderType: .system)
            _ = try? await app.conversations.send(MessageDraft(text: run.ruleName, isPrivate: true, event: "automation.fired"),
                                                  in: run.targetID, by: line)
        }
        return (results, replied)
    }

    private func describe(_ error: any Error) -> String {
        if let error = error as? DomainError { return error.message }
        app.logger.warning("automation action failed", metadata: ["rule": "\(run.ruleID)", "error": "\(String(reflecting: error))",
                                                                  "component": "automation"])
        return "\(error)"
    }

    private func subject() async throws -> AutomationSubject {
        let sql = app.db as! any SQLDatabase
        guard let subject = try await AutomationSubjects.load(target, run.targetID, accountID: accountID, now: app.kefu.clock.now(), on: sql) else {
            throw DomainError.notFound(target.rawValue)
        }
        return subject
    }

    /// Field changes made together.
    private func change(_ actions: [AutomationAction]) async throws -> (String, String?) {
        let s = try await subject()
        switch target {
        case .conversation: return try await conversation(actions, s)
        case .ticket: return try await ticket(actions, s)
        }
    }

    /// One action: ("ok" | "skipped" | "rate_limited", detail).
    private func perform(_ action: AutomationAction, replied: inout Bool) async throws -> (String, String?) {
        let sql = app.db as! any SQLDatabase
        let now = app.kefu.clock.now()
        let subject = try await subject()
        switch action {
        case .reply(let template), .note(let template):
            let text = ReplyTemplate.render(template, try await AutomationSubjects.variables(subject, accountID: accountID, on: sql))
            let isReply = action.messagesCustomer
            if isReply, let contact = subject.contactID,
               try await app.automationRuns.recentReplies(contactID: contact, now: now) >= AutomationGuard.repliesPerCustomer {
                return ("rate_limited", "at most \(AutomationGuard.repliesPerCustomer) messages from rules to one customer in \(Int(AutomationGuard.replyWindow / 60)) minutes")
            }
            switch target {
            case .conversation:
                _ = try await app.conversations.send(MessageDraft(text: text, isPrivate: !isReply), in: run.targetID, by: caller)
            case .ticket:
                _ = try await app.tickets.comment(run.targetID, kind: isReply ? .reply : .note, text: text, status: nil, by: caller)
            }
            if isReply { replied = true }
            return ("ok", text)
        case .notify(let recipients, let template):
            let text = ReplyTemplate.render(template, try await AutomationSubjects.variables(subject, accountID: accountID, on: sql))
            let sent = try await notify(recipients, text: text, subject: subject)
            return (sent ? "ok" : "skipped", sent ? text : "nobody to notify")
        case .webhook:
            try await app.write { unit in
                _ = try await Webhooks.emit(.automationFired, id: run.id!, accountID: accountID, data: AutomationFiredPayload(
                    ruleId: run.ruleID, ruleName: run.ruleName, targetType: run.targetType, targetId: run.targetID, trigger: run.trigger,
                    firedAt: run.createdAt), at: unit.now, on: unit.db)
            }
            app.jobs.kick(WebhookWorker.jobName)
            return ("ok", nil)
        case .escalate:
            switch target {
            case .conversation: return try await conversation([action], subject)
            case .ticket: return try await ticket([action], subject)
            }
        default:
            return ("skipped", nil)
        }
    }

    private func conversation(_ actions: [AutomationAction], _ s: AutomationSubject) async throws -> (String, String?) {
        var update = ConversationUpdate()
        var tags = s.tags
        var note: String?
        for action in actions {
            switch action {
            case .assignAgent(let id): update.assignee = .some(id)
            case .assignInbox(let id): update.inbox = id
            case .roundRobin:
                // Back to routing: nobody has it, and routing gives it to an agent with room in its inbox.
                update.assignee = .some(nil)
            case .setPriority(let v): update.priority = ConversationPriority(rawValue: v)
            case .addTags(let list): tags.formUnion(list)
            case .removeTags(let list): tags.subtract(list)
            case .setStatus(let v):
                guard let status = ConversationStatus(rawValue: v), status != .snoozed else {
                    return ("skipped", "a conversation cannot be set to \(v) by a rule")
                }
                update.status = status
            case .close: update.status = .resolved
            case .escalate:
                update.priority = ConversationPriority(rawValue: AutomationEngine.escalated(s.priority, target: .conversation))
                if let supervisor = try await supervisor(excluding: s.assigneeID) { update.assignee = .some(supervisor.id!) }
                note = "⚠ \(run.ruleName)"
            default: continue
            }
        }
        if tags != s.tags { update.tags = tags.sorted() }
        if update.status.map({ $0.rawValue == s.status }) == true { update.status = nil }
        let dto = try await app.conversations.update(run.targetID, update, note: note, by: caller)
        return ("ok", Self.summary(priority: dto.priority.rawValue, status: dto.status.rawValue, assignee: dto.assigneeId, tags: dto.tags))
    }

    private func ticket(_ actions: [AutomationAction], _ s: AutomationSubject) async throws -> (String, String?) {
        var patch = TicketPatch()
        var tags = s.tags
        var escalating = false
        for action in actions {
            switch action {
            case .assignAgent(let id): patch.assignee = .some(id)
            case .assignInbox(let id): patch.inbox = .some(id)
            case .roundRobin:
                guard let inbox = s.inboxID, let agent = try await leastBusy(inbox: inbox) else { return ("skipped", "the ticket's inbox has no active member") }
                patch.assignee = .some(agent)
            case .setPriority(let v): patch.priority = TicketPriority(rawValue: v)
            case .addTags(let list): tags.formUnion(list)
            case .removeTags(let list): tags.subtract(list)
            case .setStatus(let v): patch.status = TicketStatus(rawValue: v)
            case .close: patch.status = .solved
            case .escalate:
                patch.priority = TicketPriority(rawValue: AutomationEngine.escalated(s.priority, target: .ticket))
                if let supervisor = try await supervisor(excluding: s.assigneeID) { patch.assignee = .some(supervisor.id!) }
                escalating = true
            default: continue
            }
        }
        if tags != s.tags {
            patch.addTags = tags.subtracting(s.tags).sorted()
            patch.removeTags = s.tags.subtracting(tags).sorted()
        }
        if let status = patch.status, status.rawValue == s.status { patch.status = nil }
        let ticket = try await app.tickets.update(run.targetID, patch, by: caller)
        if escalating {
            _ = try await app.tickets.comment(run.targetID, kind: .note, text: "⚠ \(run.ruleName)", status: nil, by: caller)
        }
        return ("ok", Self.summary(priority: ticket.priority.rawValue, status: ticket.status.rawValue, assignee: ticket.assigneeID, tags: ticket.tagList))
    }

    static func summary(priority: String, status: String, assignee: UUID?, tags: [String]) -> String {
        "priority=\(priority) status=\(status) assignee=\(assignee?.uuidString.lowercased() ?? "-") tags=\(tags.sorted().joined(separator: ","))"
    }

    /// Who an escalation goes to: the least busy active member of the first role above the
    /// current assignee's (an agent's or nobody's → a supervisor, else an admin, else the owner;
    /// a supervisor's → an admin, else the owner). Nil when nobody ranks higher.
    private func supervisor(excluding current: UUID?) async throws -> User? {
        let users = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$active == true).all()
        let currentRole = users.first { $0.id == current }?.role ?? .agent
        for role in [Role.supervisor, .admin, .owner] where role > currentRole {
            let candidates = users.filter { $0.role == role && $0.id != current }
            guard !candidates.isEmpty else { continue }
            let load = try await loads(conversations: true)
            return candidates.min { (load[$0.id!] ?? 0, $0.agentNumber) < (load[$1.id!] ?? 0, $1.agentNumber) }
        }
        return nil
    }

    /// The inbox's active member with the fewest active tickets.
    private func leastBusy(inbox: UUID) async throws -> UUID? {
        let members = try await InboxMember.query(on: app.db).filter(\.$accountID == accountID).filter(\.$inboxID == inbox).all(\.$userID)
        let active = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$active == true).filter(\.$id ~~ members).all()
        let load = try await loads(conversations: false)
        return active.min { (load[$0.id!] ?? 0, $0.agentNumber) < (load[$1.id!] ?? 0, $1.agentNumber) }?.id
    }

    /// Each member's active tickets (and open conversations), in one query per table.
    private func loads(conversations: Bool) async throws -> [UUID: Int] {
        let sql = app.db as! any SQLDatabase
        var out: [UUID: Int] = [:]
        var queries: [SQLQueryString] = ["""
            SELECT assignee_id, COUNT(*) AS n FROM tickets WHERE account_id = \(bind: accountID) AND assignee_id IS NOT NULL
            AND status IN ('new', 'open', 'pending', 'on_hold') GROUP BY assignee_id
            """]
        if conversations {
            queries.append("""
                SELECT assignee_id, COUNT(*) AS n FROM conversations WHERE account_id = \(bind: accountID) AND assignee_id IS NOT NULL
                AND status = 'open' GROUP BY assignee_id
                """)
        }
        for query in queries {
            for row in try await sql.raw(query).all() {
                out[try row.decode(column: "assignee_id", as: UUID.self), default: 0] += try row.decode(column: "n", as: Int.self)
            }
        }
        return out
    }

    /// An `automation.notice` frame to the recipients; false when there is nobody.
    private func notify(_ recipients: AutomationRecipients, text: String, subject s: AutomationSubject) async throws -> Bool {
        let frame = FrameCoder.encode(ServerFrame.AutomationNotice(ruleId: run.ruleID, ruleName: run.ruleName, targetType: run.targetType,
                                                                   targetId: run.targetID, text: text, at: app.kefu.clock.now()))
        switch recipients {
        case .assignee:
            guard let assignee = s.assigneeID else { return false }
            app.chat.relay(HubEvent(accountID: accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false, toAgents: true,
                                    frame: frame, except: nil, toUser: assignee))
        case .supervisors:
            app.chat.relay(HubEvent(accountID: accountID, conversationID: nil, inboxID: nil, contactID: nil, toVisitor: false, toAgents: true,
                                    frame: frame, except: nil, staffOnly: true))
        case .inbox:
            guard let inbox = s.inboxID else { return false }
            app.chat.relay(HubEvent(accountID: accountID, conversationID: nil, inboxID: inbox, contactID: nil, toVisitor: false, toAgents: true,
                                    frame: frame, except: nil, staffOnly: true))
        }
        return true
    }
}

/// `automation.fired` (docs/api.md).
struct AutomationFiredPayload: Codable, Sendable {
    var ruleId: UUID
    var ruleName: String
    var targetType: String
    var targetId: UUID
    var trigger: String
    var firedAt: Date
}
