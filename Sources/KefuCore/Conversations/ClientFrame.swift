import Foundation

/// A frame a chat client sent, parsed and checked. Parsing never throws anything
/// but a `DomainError` with a protocol error code, so the socket can answer with
/// an `error` frame and stay open.
public enum ClientFrame: Equatable, Sendable {
    case send(SendMessage)
    case resume(conversationID: UUID, afterSeq: Int)
    case typing(conversationID: UUID, typing: Bool)
    case read(conversationID: UUID, seq: Int)
    case presence(PresenceStatus)
    case ping

    public struct SendMessage: Equatable, Sendable {
        public var clientMessageID: UUID
        public var conversationID: UUID?
        public var text: String
        public var attachmentIDs: [String]
        public var isPrivate: Bool

        public init(clientMessageID: UUID, conversationID: UUID?, text: String, attachmentIDs: [String], isPrivate: Bool) {
            self.clientMessageID = clientMessageID
            self.conversationID = conversationID
            self.text = text
            self.attachmentIDs = attachmentIDs
            self.isPrivate = isPrivate
        }
    }

    /// The frame's `type`, for error references.
    public var type: String {
        switch self {
        case .send: "message.send"
        case .resume: "resume"
        case .typing: "typing"
        case .read: "read"
        case .presence: "presence"
        case .ping: "ping"
        }
    }

    public static func parse(_ text: String) throws(DomainError) -> ClientFrame {
        guard text.utf8.count <= ChatLimits.maxFrameBytes else {
            throw DomainError(.tooLarge, code: "frame_too_large", message: "a frame may have at most \(ChatLimits.maxFrameBytes) bytes")
        }
        guard let value = try? JSONParser.parse(text),
              case .object(let json) = value else {
            throw DomainError(.invalid, code: "malformed_frame", message: "a frame must be a JSON object")
        }
        guard case .string(let type) = json["type"] else {
            throw DomainError(.invalid, code: "malformed_frame", message: "a frame needs a string field 'type'", field: "type")
        }
        let fields = Fields(json: json)
        switch type {
        case "message.send":
            let attachments = try fields.stringArray("attachments") ?? []
            guard attachments.count <= ChatLimits.maxAttachmentsPerMessage else {
                throw .invalid("attachments", "at most \(ChatLimits.maxAttachmentsPerMessage) attachments per message")
            }
            let text = try ChatValidate.text(try fields.string("text") ?? "", hasAttachments: !attachments.isEmpty)
            return .send(SendMessage(
                clientMessageID: try fields.requiredUUID("clientMessageId"),
                conversationID: try fields.uuid("conversationId"),
                text: text, attachmentIDs: attachments, isPrivate: try fields.bool("private") ?? false))
        case "resume":
            return .resume(conversationID: try fields.requiredUUID("conversationId"),
                           afterSeq: try fields.requiredInt("afterSeq", min: 0))
        case "typing":
            return .typing(conversationID: try fields.requiredUUID("conversationId"), typing: try fields.bool("typing") ?? true)
        case "read":
            return .read(conversationID: try fields.requiredUUID("conversationId"), seq: try fields.requiredInt("seq", min: 0))
        case "presence":
            guard let raw = try fields.string("status"), let status = PresenceStatus(rawValue: raw) else {
                throw .invalid("status", "status must be one of online, busy, away, offline")
            }
            return .presence(status)
        case "ping":
            return .ping
        default:
            throw DomainError(.invalid, code: "unknown_type", message: "unknown frame type '\(type)'", field: "type")
        }
    }

    /// Typed access to a frame's fields with errors naming the field.
    struct Fields {
        let json: [String: JSONValue]

        private func present(_ name: String) -> JSONValue? {
            guard let value = json[name], value != .null else { return nil }
            return value
        }

        func string(_ name: String) throws(DomainError) -> String? {
            guard let value = present(name) else { return nil }
            guard case .string(let s) = value else { throw .invalid(name, "\(name) must be a string") }
            return s
        }

        func bool(_ name: String) throws(DomainError) -> Bool? {
            guard let value = present(name) else { return nil }
            guard case .bool(let b) = value else { throw .invalid(name, "\(name) must be true or false") }
            return b
        }

        func uuid(_ name: String) throws(DomainError) -> UUID? {
            guard let raw = try string(name) else { return nil }
            guard let id = UUID(uuidString: raw) else { throw .invalid(name, "\(name) must be a UUID") }
            return id
        }

        func requiredUUID(_ name: String) throws(DomainError) -> UUID {
            guard let id = try uuid(name) else { throw .invalid(name, "\(name) is required") }
            return id
        }

        func requiredInt(_ name: String, min: Int) throws(DomainError) -> Int {
            guard let value = present(name) else { throw .invalid(name, "\(name) is required") }
            guard case .number(let d) = value, d == d.rounded(), let n = Int(exactly: d), n >= min else {
                throw .invalid(name, "\(name) must be an integer ≥ \(min)")
            }
            return n
        }

        func stringArray(_ name: String) throws(DomainError) -> [String]? {
            guard let value = present(name) else { return nil }
            guard case .array(let items) = value else { throw .invalid(name, "\(name) must be an array of strings") }
            var result: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw .invalid(name, "\(name) must be an array of strings") }
                result.append(s)
            }
            return result
        }
    }
}

/// Any JSON value, decoded without losing the difference between booleans and numbers.
public enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let d = try? container.decode(Double.self) { self = .number(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int? { if case .number(let d) = self { return Int(exactly: d) }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
}
