/// A locale's messages: flat keys ("auth.signIn") to text with `{name}` variables.
public struct MessageCatalog: Sendable, Equatable {
    public let locale: UILocale
    public let messages: [String: String]

    public init(locale: UILocale, messages: [String: String]) {
        self.locale = locale
        self.messages = messages
    }

    /// The text for `key` with `{variables}` filled; the key itself when missing,
    /// so a missing translation is visible rather than blank.
    public func text(_ key: String, _ variables: [String: String] = [:]) -> String {
        guard var text = messages[key] else { return key }
        for (name, value) in variables {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// Keys that `reference` has and this catalogue lacks.
    public func missingKeys(comparedTo reference: MessageCatalog) -> [String] {
        reference.messages.keys.filter { messages[$0] == nil }.sorted()
    }
}

import Foundation
