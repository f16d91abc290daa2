import Foundation

/// Who caused a domain event. Automation ignores what it caused itself, reports tell a
/// person's work from the bot's, and the audit trail names the caller.
public enum EventActor: Hashable, Sendable {
    /// A shopper, through the widget.
    case visitor(contactID: UUID)
    /// A signed-in team member.
    case agent(userID: UUID)
    /// A shop platform or integration, through an API token.
    case token(tokenID: UUID)
    /// The FAQ bot and the automatic replies.
    case bot
    /// An automation rule.
    case automation(ruleID: UUID)
    /// Kefu itself: routing, timers, jobs.
    case system

    /// The member behind the event, if a person on the team caused it.
    public var userID: UUID? {
        if case .agent(let id) = self { return id }
        return nil
    }

    /// A person (shopper or member) caused it, not Kefu, the bot or a rule.
    public var isPerson: Bool {
        switch self {
        case .visitor, .agent: true
        case .token, .bot, .automation, .system: false
        }
    }
}

extension EventActor: Codable {
    private enum Keys: String, CodingKey { case type, id }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "visitor": self = .visitor(contactID: try c.decode(UUID.self, forKey: .id))
        case "agent": self = .agent(userID: try c.decode(UUID.self, forKey: .id))
        case "token": self = .token(tokenID: try c.decode(UUID.self, forKey: .id))
        case "bot": self = .bot
        case "automation": self = .automation(ruleID: try c.decode(UUID.self, forKey: .id))
        case "system": self = .system
        default: throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown actor type \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .visitor(let id): try c.encode("visitor", forKey: .type); try c.encode(id, forKey: .id)
        case .agent(let id): try c.encode("agent", forKey: .type); try c.encode(id, forKey: .id)
        case .token(let id): try c.encode("token", forKey: .type); try c.encode(id, forKey: .id)
        case .bot: try c.encode("bot", forKey: .type)
        case .automation(let id): try c.encode("automation", forKey: .type); try c.encode(id, forKey: .id)
        case .system: try c.encode("system", forKey: .type)
        }
    }
}
