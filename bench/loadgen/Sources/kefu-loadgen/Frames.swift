/// Just enough of the chat protocol's frames (docs/protocol.md) to time them, without a JSON
/// parser: Kefu writes frames with sorted keys, so the frame's own `type` is its last one.
enum Frames {
    static func send(_ text: String, clientMessageID: String, conversationID: String?) -> String {
        var frame = #"{"type":"message.send","clientMessageId":""# + clientMessageID + #"","text":""# + text + #"""#
        if let conversationID { frame += #","conversationId":""# + conversationID + #"""# }
        return frame + "}"
    }

    /// The value of the last `"key":"…"` in `frame` (the frame's own key for `type`).
    static func lastString(_ key: String, in frame: String) -> Substring? {
        guard let start = frame.range(of: #""\#(key)":""#, options: .backwards) else { return nil }
        let rest = frame[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return rest[..<end]
    }

    /// The value of the first `"key":"…"` in `frame`.
    static func firstString(_ key: String, in frame: String) -> Substring? {
        guard let start = frame.range(of: #""\#(key)":""#) else { return nil }
        let rest = frame[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return rest[..<end]
    }
}
