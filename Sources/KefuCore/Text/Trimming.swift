extension StringProtocol {
    /// The text without leading and trailing white space and line breaks (Unicode's White_Space
    /// property, as `CharacterSet.whitespacesAndNewlines`), by walking the scalars from both ends:
    /// Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and cost the chat
    /// path microseconds per message.
    public func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
