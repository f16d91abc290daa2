import Foundation

/// A rule as the API and the editor write it (and as it is stored): plain strings, checked by
/// ``parse(id:createdAt:)`` into an ``AutomationRule`` with every problem naming its field.
public struct AutomationRuleBody: Codable, Hashable, Sendable {
    public struct Trigger: Codable, Hashable, Sendable {
        public var kind: String
        public var event: String?
        public var timer: String?
        public var minutes: Int?
        public init(kind: String, event: String? = nil, timer: String? = nil, minutes: Int? = nil) {
            self.kind = kind
            self.event = event
            self.timer = timer
            self.minutes = minutes
        }
    }

    /// A condition's value: one string, a list, or nothing.
    public enum Value: Codable, Hashable, Sendable {
        case none
        case one(String)
        case list([String])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .none } else if let s = try? c.decode(String.self) { self = .one(s) } else {
                self = .list(try c.decode([String].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .none: try c.encodeNil()
            case .one(let s): try c.encode(s)
            case .list(let l): try c.encode(l)
            }
        }

        public var strings: [String] {
            switch self {
            case .none: []
            case .one(let s): [s]
            case .list(let l): l
            }
        }
    }

    public struct Condition: Codable, Hashable, Sendable {
        public var field: String
        public var op: String
        public var value: Value
        public init(field: String, op: String, value: Value = .none) {
            self.field = field
            self.op = op
            self.value = value
        }
        enum CodingKeys: String, CodingKey { case field, op, value }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            field = try c.decode(String.self, forKey: .field)
            op = try c.decode(String.self, forKey: .op)
            value = try c.decodeIfPresent(Value.self, forKey: .value) ?? .none
        }
    }

    public struct Conditions: Codable, Hashable, Sendable {
        public var all: [Condition]
        public var any: [Condition]
        public init(all: [Condition] = [], any: [Condition] = []) {
            self.all = all
            self.any = any
        }
        enum CodingKeys: String, CodingKey { case all, any }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            all = try c.decodeIfPresent([Condition].self, forKey: .all) ?? []
            any = try c.decodeIfPresent([Condition].self, forKey: .any) ?? []
        }
    }

    public struct Action: Codable, Hashable, Sendable {
        public var type: String
        public var agentId: UUID?
        public var inboxId: UUID?
        public var value: String?
        public var tags: [String]?
        public var text: String?
        public var recipients: String?
        public init(type: String, agentId: UUID? = nil, inboxId: UUID? = nil, value: String? = nil, tags: [String]? = nil, text: String? = nil,
                    recipients: String? = nil) {
            self.type = type
            self.agentId = agentId
            self.inboxId = inboxId
            self.value = value
            self.tags = tags
            self.text = text
            self.recipients = recipients
        }
    }

    public var name: String
    public var enabled: Bool
    public var trigger: Trigger
    public var conditions: Conditions
    public var actions: [Action]

    public init(name: String, enabled: Bool = true, trigger: Trigger, conditions: Conditions = Conditions(), actions: [Action]) {
        self.name = name
        self.enabled = enabled
        self.trigger = trigger
        self.conditions = conditions
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey { case name, enabled, trigger, conditions, actions }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        trigger = try c.decode(Trigger.self, forKey: .trigger)
        conditions = try c.decodeIfPresent(Conditions.self, forKey: .conditions) ?? Conditions()
        actions = try c.decodeIfPresent([Action].self, forKey: .actions) ?? []
    }

    public static let maxName = 80
    public static let maxConditions = 20
    public static let maxActions = 10
    public static let maxValues = 100
    public static let maxValueLength = 200
    public static let maxText = 2000
    public static let maxTags = 20
    /// Thirty days.
    public static let maxMinutes = 43_200

    /// The rule, or every problem of the body (each naming its field: `trigger.minutes`,
    /// `conditions.all[0].value`, `actions[1].text` …).
    public func parse(id: UUID, createdAt: Date) -> Result<AutomationRule, DomainError> {
        var problems: [FieldProblem] = []
        func add(_ field: String, _ message: String) { problems.append(FieldProblem(field: field, message: message)) }

        let cleanName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if cleanName.isEmpty || cleanName.count > Self.maxName { add("name", "name must be 1 to \(Self.maxName) characters") }

        var parsedTrigger: AutomationTrigger?
        switch trigger.kind {
        case "event":
            if let raw = trigger.event, let kind = EventKind(rawValue: raw), AutomationTrigger.events.contains(kind) {
                parsedTrigger = .event(kind)
            } else {
                add("trigger.event", "trigger.event must be one of " + AutomationTrigger.events.map(\.rawValue).joined(separator: ", "))
            }
        case "time":
            let timer = trigger.timer.flatMap(AutomationTimer.init(rawValue:))
            if timer == nil {
                add("trigger.timer", "trigger.timer must be one of " + AutomationTimer.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let minutes = trigger.minutes ?? 0
            if !(1...Self.maxMinutes).contains(minutes) {
                add("trigger.minutes", "trigger.minutes must be 1 to \(Self.maxMinutes); got \(trigger.minutes.map(String.init) ?? "nothing")")
            }
            if let timer, (1...Self.maxMinutes).contains(minutes) { parsedTrigger = .time(timer, minutes: minutes) }
        default:
            add("trigger.kind", "trigger.kind must be event or time")
        }

        func conditions(_ list: [Condition], _ group: String) -> [AutomationCondition] {
            if list.count > Self.maxConditions { add("conditions.\(group)", "conditions.\(group): at most \(Self.maxConditions)") }
            var out: [AutomationCondition] = []
            for (index, raw) in list.enumerated() {
                let path = "conditions.\(group)[\(index)]"
                guard let field = AutomationField(rawValue: raw.field) else {
                    add("\(path).field", "\(path).field must be one of " + AutomationField.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                guard let op = AutomationOp(rawValue: raw.op), field.ops.contains(op) else {
                    add("\(path).op", "\(path).op for \(field.rawValue) must be one of " + field.ops.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                let values = raw.value.strings.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                switch op.arity {
                case .none:
                    if !values.isEmpty { add("\(path).value", "\(path).value: \(op.rawValue) takes no value") }
                case .one:
                    if values.count != 1 { add("\(path).value", "\(path).value: \(op.rawValue) takes one value") }
                case .list:
                    if values.isEmpty { add("\(path).value", "\(path).value: give at least one value") }
                }
                if values.count > Self.maxValues { add("\(path).value", "\(path).value: at most \(Self.maxValues) values") }
                for value in values where value.isEmpty || value.count > Self.maxValueLength {
                    add("\(path).value", "\(path).value: each value must be 1 to \(Self.maxValueLength) characters")
                    break
                }
                if let choices = field.choices, let bad = values.first(where: { !choices.contains($0) }) {
                    add("\(path).value", "\(path).value: '\(bad)' is not one of " + choices.joined(separator: ", "))
                }
                if field.isID, let bad = values.first(where: { UUID(uuidString: $0) == nil }) {
                    add("\(path).value", "\(path).value: '\(bad)' is not an id")
                }
                out.append(AutomationCondition(field: field, op: op, values: field.isID ? values.map { $0.lowercased() } : values))
            }
            return out
        }
        let all = conditions(self.conditions.all, "all")
        let any = conditions(self.conditions.any, "any")

        let targets = parsedTrigger?.targets ?? Set(AutomationTarget.allCases)
        var parsedActions: [AutomationAction] = []
        if actions.isEmpty { add("actions", "actions: give at least one action") }
        if actions.count > Self.maxActions { add("actions", "actions: at most \(Self.maxActions)") }
        for (index, raw) in actions.enumerated() {
            let path = "actions[\(index)]"
            func text() -> String? {
                let value = (raw.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !value.isEmpty, value.count <= Self.maxText else {
                    add("\(path).text", "\(path).text must be 1 to \(Self.maxText) characters")
                    return nil
                }
                return value
            }
            func tags() -> [String]? {
                let list = (raw.tags ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard !list.isEmpty, list.count <= Self.maxTags, list.allSatisfy({ !$0.isEmpty && $0.count <= 32 && !$0.contains(",") }) else {
                    add("\(path).tags", "\(path).tags: 1 to \(Self.maxTags) tags of 1 to 32 characters, without commas")
                    return nil
                }
                var seen = Set<String>()
                return list.filter { seen.insert($0).inserted }
            }
            func value(_ choices: [String], _ what: String) -> String? {
                guard let v = raw.value, choices.contains(v) else {
                    add("\(path).value", "\(path).value: the \(what) must be one of " + choices.joined(separator: ", "))
                    return nil
                }
                return v
            }
            let action: AutomationAction?
            switch raw.type {
            case "assign_agent":
                action = raw.agentId.map(AutomationAction.assignAgent)
                if action == nil { add("\(path).agentId", "\(path).agentId: name the member to assign") }
            case "assign_inbox":
                action = raw.inboxId.map(AutomationAction.assignInbox)
                if action == nil { add("\(path).inboxId", "\(path).inboxId: name the inbox") }
            case "round_robin": action = .roundRobin
            case "set_priority":
                action = value(Self.values(targets, conversation: ConversationPriority.allCases.map(\.rawValue),
                                           ticket: TicketPriority.allCases.map(\.rawValue)), "priority").map(AutomationAction.setPriority)
            case "add_tags": action = tags().map(AutomationAction.addTags)
            case "remove_tags": action = tags().map(AutomationAction.removeTags)
            case "set_status":
                action = value(Self.values(targets, conversation: ConversationStatus.allCases.map(\.rawValue),
                                           ticket: TicketStatus.allCases.filter { $0 != .new }.map(\.rawValue)), "status")
                    .map(AutomationAction.setStatus)
            case "close": action = .close
            case "reply": action = text().map(AutomationAction.reply)
            case "note": action = text().map(AutomationAction.note)
            case "notify":
                let recipients = raw.recipients.flatMap(AutomationRecipients.init(rawValue:))
                if recipients == nil {
                    add("\(path).recipients", "\(path).recipients must be one of " + AutomationRecipients.allCases.map(\.rawValue).joined(separator: ", "))
                }
                let body = text()
                action = recipients.flatMap { r in body.map { AutomationAction.notify(r, $0) } }
            case "escalate": action = .escalate
            case "webhook": action = .webhook
            default:
                add("\(path).type", "\(path).type must be one of " + AutomationAction.types.joined(separator: ", "))
                action = nil
            }
            if let action { parsedActions.append(action) }
        }

        if let error = DomainError.invalid(problems) { return .failure(error) }
        return .success(AutomationRule(id: id, name: cleanName, enabled: enabled, trigger: parsedTrigger!, all: all, any: any,
                                       actions: parsedActions, createdAt: createdAt))
    }

    /// The values valid for every object the trigger concerns (an SLA rule may act on either).
    private static func values(_ targets: Set<AutomationTarget>, conversation: [String], ticket: [String]) -> [String] {
        switch targets {
        case [.conversation]: conversation
        case [.ticket]: ticket
        default: conversation.filter(ticket.contains)
        }
    }
}

extension AutomationRule {
    /// The body that parses back into this rule.
    public var body: AutomationRuleBody {
        let trigger: AutomationRuleBody.Trigger = switch self.trigger {
        case .event(let kind): .init(kind: "event", event: kind.rawValue)
        case .time(let timer, let minutes): .init(kind: "time", timer: timer.rawValue, minutes: minutes)
        }
        func condition(_ c: AutomationCondition) -> AutomationRuleBody.Condition {
            let value: AutomationRuleBody.Value = switch c.op.arity {
            case .none: .none
            case .one: .one(c.values.first ?? "")
            case .list: .list(c.values)
            }
            return .init(field: c.field.rawValue, op: c.op.rawValue, value: value)
        }
        let actions: [AutomationRuleBody.Action] = self.actions.map { action in
            switch action {
            case .assignAgent(let id): .init(type: action.type, agentId: id)
            case .assignInbox(let id): .init(type: action.type, inboxId: id)
            case .setPriority(let v), .setStatus(let v): .init(type: action.type, value: v)
            case .addTags(let t), .removeTags(let t): .init(type: action.type, tags: t)
            case .reply(let t), .note(let t): .init(type: action.type, text: t)
            case .notify(let r, let t): .init(type: action.type, text: t, recipients: r.rawValue)
            case .roundRobin, .close, .escalate, .webhook: .init(type: action.type)
            }
        }
        return AutomationRuleBody(name: name, enabled: enabled, trigger: trigger,
                                  conditions: .init(all: all.map(condition), any: any.map(condition)), actions: actions)
    }
}
