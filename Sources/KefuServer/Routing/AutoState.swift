import Foundation

/// When each automatic reply last fired in a conversation (`conversations.auto_state`):
/// "greeting" and "queued" once, "away" and "closed" with a cool-down, "kw:<rule id>" per rule.
struct AutoState: Codable, Equatable {
    var fired: [String: Date] = [:]

    static func decode(_ json: String?) -> AutoState {
        guard let json, let data = json.data(using: .utf8) else { return AutoState() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return (try? decoder.decode(AutoState.self, from: data)) ?? AutoState()
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    func firedWithin(_ key: String, seconds: TimeInterval, now: Date) -> Bool {
        guard let at = fired[key] else { return false }
        return now.timeIntervalSince(at) < seconds
    }
}
