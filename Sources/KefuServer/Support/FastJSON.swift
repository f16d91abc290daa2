import Foundation
import KefuCore

/// Hand-written JSON for the frames and events every message produces (an `ack`, a `message`
/// frame, the `message.created` outbox row): the same JSON as `JSONEncoder` with sorted keys
/// would write, in a fraction of the time. Everything else goes through `FrameCoder`.
enum FastJSON {
    /// `value` as a JSON string literal, quotes included.
    static func string(_ value: String, into out: inout String) {
        out.append("\"")
        var start = value.utf8.startIndex
        let utf8 = value.utf8
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                out.append(contentsOf: value[start..<index])
                switch byte {
                case 0x22: out.append("\\\"")
                case 0x5C: out.append("\\\\")
                case 0x0A: out.append("\\n")
                case 0x0D: out.append("\\r")
                case 0x09: out.append("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    out.append("\\u00" + (hex.count == 1 ? "0" + hex : hex))
                }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out.append(contentsOf: value[start..<utf8.endIndex])
        out.append("\"")
    }

    static func string(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count + 2)
        string(value, into: &out)
        return out
    }

    /// ISO 8601 to the second in UTC, as `JSONEncoder.DateEncodingStrategy.iso8601` writes it.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

extension ServerFrame.Ack {
    /// `FrameCoder.encode(self)`, faster.
    var json: String {
        "{\"clientMessageId\":\"\(clientMessageId.uuidString)\",\"conversationId\":\"\(conversationId.uuidString)\",\"createdAt\":\""
            + FastJSON.iso8601(createdAt) + "\",\"duplicate\":\(duplicate),\"messageId\":\"\(messageId.uuidString)\",\"seq\":\(seq),\"type\":\"ack\"}"
    }
}

extension MessageDTO {
    /// This message as JSON (`FrameCoder.encode(self)`, faster for the usual messages; one with
    /// a payload — cards, the bot's articles — goes through the encoder).
    var json: String {
        if payload != nil { return FrameCoder.encode(self) }
        var out = "{\"attachments\":"
        if attachments.isEmpty {
            out += "[]"
        } else {
            out += "["
            for (i, a) in attachments.enumerated() {
                if i > 0 { out += "," }
                out += "{\"contentType\":"
                FastJSON.string(a.contentType, into: &out)
                out += ",\"id\":"
                FastJSON.string(a.id, into: &out)
                out += ",\"name\":"
                FastJSON.string(a.name, into: &out)
                out += ",\"size\":\(a.size),\"url\":"
                FastJSON.string(a.url, into: &out)
                out += "}"
            }
            out += "]"
        }
        if let clientMessageId { out += ",\"clientMessageId\":\"\(clientMessageId.uuidString)\"" }
        out += ",\"conversationId\":\"\(conversationId.uuidString)\",\"createdAt\":\"" + FastJSON.iso8601(createdAt) + "\""
        if let event {
            out += ",\"event\":"
            FastJSON.string(event, into: &out)
        }
        out += ",\"id\":\"\(id.uuidString)\",\"private\":\(`private`)"
        if let sender {
            out += ",\"sender\":{"
            var first = true
            if let number = sender.agentNumber { out += "\"agentNumber\":\(number)"; first = false }
            if let id = sender.id { out += (first ? "" : ",") + "\"id\":\"\(id.uuidString)\""; first = false }
            if let name = sender.name {
                out += (first ? "" : ",") + "\"name\":"
                FastJSON.string(name, into: &out)
            }
            out += "}"
        }
        out += ",\"senderType\":\"\(senderType.rawValue)\",\"seq\":\(seq),\"text\":"
        FastJSON.string(text, into: &out)
        out += "}"
        return out
    }
}

extension ServerFrame.MessageFrame {
    var json: String { "{\"conversationId\":\"\(conversationId.uuidString)\",\"message\":" + message.json + ",\"type\":\"message\"}" }
}

extension EventActor {
    var json: String {
        switch self {
        case .visitor(let id): "{\"type\":\"visitor\",\"id\":\"\(id.uuidString)\"}"
        case .agent(let id): "{\"type\":\"agent\",\"id\":\"\(id.uuidString)\"}"
        case .token(let id): "{\"type\":\"token\",\"id\":\"\(id.uuidString)\"}"
        case .bot: "{\"type\":\"bot\"}"
        case .automation(let id): "{\"type\":\"automation\",\"id\":\"\(id.uuidString)\"}"
        case .system: "{\"type\":\"system\"}"
        }
    }
}

extension ConversationSnapshot {
    var json: String {
        var out = "{\"id\":\"\(id.uuidString)\",\"inboxID\":\"\(inboxID.uuidString)\",\"contactID\":\"\(contactID.uuidString)\",\"status\":\"\(status.rawValue)\""
        if let assigneeID { out += ",\"assigneeID\":\"\(assigneeID.uuidString)\"" }
        out += ",\"botActive\":\(botActive)"
        if let queuedAt { out += ",\"queuedAt\":\(queuedAt.timeIntervalSinceReferenceDate)" }
        return out + "}"
    }
}

extension DomainEvent {
    /// The outbox's JSON of this event: `message.created` (one per message) by hand, the rest
    /// with `JSONEncoder`; both decode with ``DomainEvent``'s `Decodable`.
    var outboxJSON: String {
        guard case .messageCreated(let m) = fact else {
            return String(decoding: (try? EventOutbox.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
        }
        var data = "{\"conversation\":" + m.conversation.json + ",\"messageID\":\"\(m.messageID.uuidString)\",\"seq\":\(m.seq)"
        data += ",\"senderType\":\"\(m.senderType.rawValue)\""
        if let sender = m.senderID { data += ",\"senderID\":\"\(sender.uuidString)\"" }
        data += ",\"isPrivate\":\(m.isPrivate),\"text\":"
        FastJSON.string(m.text, into: &data)
        if let kind = m.payloadType { data += ",\"payloadType\":\"\(kind.rawValue)\"" }
        if let event = m.systemEvent {
            data += ",\"systemEvent\":"
            FastJSON.string(event, into: &data)
        }
        data += ",\"attachments\":\(m.attachments)}"
        return "{\"id\":\"\(id.uuidString)\",\"accountId\":\"\(accountID.uuidString)\",\"occurredAt\":\(occurredAt.timeIntervalSinceReferenceDate)"
            + ",\"actor\":" + actor.json + ",\"kind\":\"message.created\",\"data\":" + data + "}"
    }
}
