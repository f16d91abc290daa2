import Foundation

/// A macro as the API and the editor write it: a named list of steps an agent applies to a
/// conversation or a ticket with one click (a reply with variables, a note, status, priority,
/// tags, an assignee), personal or shared with the team.
public struct MacroBody: Codable, Hashable, Sendable {
    public var name: String
    /// conversation or ticket: what it applies to.
    public var target: String
    /// Shared with the team (supervisors and above write shared macros); otherwise the author's own.
    public var shared: Bool
    public var actions: [AutomationRuleBody.Action]

    public init(name: String, target: String, shared: Bool = false, actions: [AutomationRuleBody.Action]) {
        self.name = name
        self.target = target
        self.shared = shared
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey { case name, target, shared, actions }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        target = try c.decode(String.self, forKey: .target)
        shared = try c.decodeIfPresent(Bool.self, forKey: .shared) ?? false
        actions = try c.decodeIfPresent([AutomationRuleBody.Action].self, forKey: .actions) ?? []
    }

    /// The steps a macro may take (no notices, webhooks or routing: those are rules' work).
    public static let types = ["reply", "note", "set_status", "set_priority", "add_tags", "remove_tags", "close", "assign_agent"]
    public static let maxName = 60

    /// The macro, or every problem naming its field (`name`, `target`, `actions[1].text` …).
    public func parse() -> Result<Macro, DomainError> {
        var problems: [FieldProblem] = []
        let cleanName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if cleanName.isEmpty || cleanName.count > Self.maxName {
            problems.append(FieldProblem(field: "name", message: "name must be 1 to \(Self.maxName) characters"))
        }
        guard let target = AutomationTarget(rawValue: target) else {
            problems.append(FieldProblem(field: "target", message: "target must be conversation or ticket"))
            return .failure(DomainError.invalid(problems)!)
        }
        // The actions are checked as a rule's would be, for a rule on this kind of object.
        let event = target == .conversation ? EventKind.messageCreated : EventKind.ticketCreated
        let asRule = AutomationRuleBody(name: "macro", trigger: .init(kind: "event", event: event.rawValue), actions: actions)
        var parsed: [AutomationAction] = []
        switch asRule.parse(id: UUID(), createdAt: Date(timeIntervalSince1970: 0)) {
        case .success(let rule): parsed = rule.actions
        case .failure(let error): problems += error.problems.isEmpty ? [FieldProblem(field: error.field ?? "actions", message: error.message)] : error.problems
        }
        for (index, action) in actions.enumerated() where !Self.types.contains(action.type) && AutomationAction.types.contains(action.type) {
            problems.append(FieldProblem(field: "actions[\(index)].type", message: "actions[\(index)].type: a macro's steps are " + Self.types.joined(separator: ", ")))
        }
        for kind in ["reply", "note"] where actions.filter({ $0.type == kind }).count > 1 {
            let index = actions.lastIndex { $0.type == kind }!
            problems.append(FieldProblem(field: "actions[\(index)]", message: "actions[\(index)]: a macro writes one \(kind)"))
        }
        if target == .conversation, let index = actions.firstIndex(where: { $0.type == "set_status" && $0.value == "snoozed" }) {
            problems.append(FieldProblem(field: "actions[\(index)].value", message: "actions[\(index)].value: snoozing needs a time; snooze from the conversation"))
        }
        if let error = DomainError.invalid(problems) { return .failure(error) }
        return .success(Macro(name: cleanName, target: target, shared: shared, actions: parsed))
    }
}

/// A checked macro.
public struct Macro: Hashable, Sendable {
    public var name: String
    public var target: AutomationTarget
    public var shared: Bool
    public var actions: [AutomationAction]

    /// What applying it to an object with `tags` and `priority` does, with its texts rendered from `variables`.
    public func plan(tags: Set<String>, priority: String, variables: [String: String]) -> MacroPlan {
        var plan = MacroPlan(tags: tags)
        for action in actions {
            switch action {
            case .reply(let t): plan.reply = ReplyTemplate.render(t, variables)
            case .note(let t): plan.note = ReplyTemplate.render(t, variables)
            case .setStatus(let v): plan.status = v
            case .close: plan.status = target == .conversation ? ConversationStatus.resolved.rawValue : TicketStatus.solved.rawValue
            case .setPriority(let v): plan.priority = v
            case .addTags(let list): plan.tags.formUnion(list)
            case .removeTags(let list): plan.tags.subtract(list)
            case .assignAgent(let id): plan.assignee = id
            case .escalate: plan.priority = AutomationEngine.escalated(priority, target: target)
            case .assignInbox, .roundRobin, .notify, .webhook: break
            }
        }
        return plan
    }
}

/// The net effect of a macro on one object.
public struct MacroPlan: Hashable, Sendable {
    public var reply: String?
    public var note: String?
    public var status: String?
    public var priority: String?
    public var tags: Set<String>
    public var assignee: UUID?

    public init(reply: String? = nil, note: String? = nil, status: String? = nil, priority: String? = nil, tags: Set<String>, assignee: UUID? = nil) {
        self.reply = reply
        self.note = note
        self.status = status
        self.priority = priority
        self.tags = tags
        self.assignee = assignee
    }
}
