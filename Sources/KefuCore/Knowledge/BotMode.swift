import Foundation

/// When an inbox's FAQ bot answers shoppers before an agent does.
public enum BotMode: String, Codable, CaseIterable, Sendable {
    /// Never: every conversation goes to agents.
    case off
    /// Always first: the bot answers until the shopper asks for an agent (or an agent replies).
    case first
    /// Only while the inbox is closed (outside its business hours); agents answer otherwise.
    case outsideHours = "outside_hours"

    public static func parse(_ raw: String, field: String = "botMode") throws(DomainError) -> BotMode {
        guard let mode = BotMode(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return mode
    }

    /// Whether a conversation starting at `now` is the bot's. With `outsideHours` and no
    /// business hours set, the inbox counts as always open, so the bot stays quiet.
    public func botAnswers(hours: BusinessHours?, at now: Date) -> Bool {
        switch self {
        case .off: return false
        case .first: return true
        case .outsideHours: return hours.map { !$0.isOpen(at: now) } ?? false
        }
    }
}
