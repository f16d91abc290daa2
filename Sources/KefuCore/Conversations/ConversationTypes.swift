/// The state of a conversation in the agent's queue.
public enum ConversationStatus: String, Codable, CaseIterable, Sendable {
    case open, pending, snoozed, resolved
}

public enum ConversationPriority: String, Codable, CaseIterable, Sendable {
    case none, low, medium, high, urgent
}

/// Who wrote a message.
public enum SenderType: String, Codable, CaseIterable, Sendable {
    case visitor, agent, bot, system
}

/// Agent availability.
public enum PresenceStatus: String, Codable, CaseIterable, Sendable {
    case online, busy, away, offline
}

/// Limits of the chat protocol (see docs/protocol.md).
public enum ChatLimits {
    public static let maxFrameBytes = 64 * 1024
    public static let maxTextCharacters = 5000
    public static let maxAttachmentsPerMessage = 10
    public static let maxUploadBytes = 5 * 1024 * 1024
    public static let maxTags = 20
    public static let maxTagLength = 40
    /// Frames waiting for a client before it is disconnected as a slow consumer.
    public static let maxPendingFrames = 256
    public static let maxPendingBytes = 4 * 1024 * 1024
    public static let historyPageDefault = 50
    public static let historyPageMax = 200
}

extension ConversationStatus {
    public static func parse(_ raw: String, field: String = "status") throws(DomainError) -> ConversationStatus {
        guard let value = ConversationStatus(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

extension ConversationPriority {
    public static func parse(_ raw: String, field: String = "priority") throws(DomainError) -> ConversationPriority {
        guard let value = ConversationPriority(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// Message text and tag rules.
public enum ChatValidate {
    /// Trims surrounding whitespace; refuses empty text without attachments and text over the limit.
    public static func text(_ raw: String, hasAttachments: Bool) throws(DomainError) -> String {
        let text = raw.trimmingWhitespace()
        if text.isEmpty && !hasAttachments { throw .invalid("text", "text must not be empty") }
        if text.count > ChatLimits.maxTextCharacters {
            throw DomainError(.invalid, code: "text_too_long",
                              message: "text is \(text.count) characters long; at most \(ChatLimits.maxTextCharacters) are allowed", field: "text")
        }
        return text
    }

    /// Normalised tags: trimmed, lower-cased Latin, unique, in the given order.
    public static func tags(_ raw: [String]) throws(DomainError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for tag in raw {
            let t = tag.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard !t.isEmpty else { throw .invalid("tags", "tags must not be empty") }
            guard t.count <= ChatLimits.maxTagLength else { throw .invalid("tags", "a tag is longer than \(ChatLimits.maxTagLength) characters") }
            guard !t.contains(",") else { throw .invalid("tags", "a tag must not contain a comma") }
            if seen.insert(t).inserted { result.append(t) }
        }
        guard result.count <= ChatLimits.maxTags else { throw .invalid("tags", "at most \(ChatLimits.maxTags) tags") }
        return result
    }
}

import Foundation
