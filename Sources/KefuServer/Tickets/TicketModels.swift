import Fluent
import Foundation
import KefuCore
import Vapor

/// A ticket (`tickets`). Changed only by ``Tickets``.
final class Ticket: Model, @unchecked Sendable {
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "subject") var subject: String
    @Field(key: "type") var type: String
    @Enum(key: "source") var source: TicketSource
    @Enum(key: "status") var status: TicketStatus
    @Enum(key: "urgency") var urgency: TicketUrgency
    @Enum(key: "priority") var priority: TicketPriority
    @OptionalField(key: "contact_id") var contactID: UUID?
    @OptionalField(key: "inbox_id") var inboxID: UUID?
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    /// Comma-separated, sorted.
    @Field(key: "tags") var tags: String
    /// Custom field values, a JSON object of strings.
    @Field(key: "fields") var fieldsJSON: String
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    /// Folded subject, number and customer's name for search (``TextNormalizer``).
    @Field(key: "search_text") var searchText: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "first_reply_at") var firstReplyAt: Date?
    @OptionalField(key: "solved_at") var solvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// When the status last changed (time rules: "N hours in pending").
    @OptionalField(key: "status_changed_at") var statusChangedAt: Date?

    init() {}

    var numberText: String { TicketNumber.format(number) }

    var tagList: [String] {
        get { tags.split(separator: ",").map(String.init) }
        set { tags = Array(Set(newValue)).sorted().joined(separator: ",") }
    }

    var fields: [String: String] {
        get { (try? JSONDecoder().decode([String: String].self, from: Data(fieldsJSON.utf8))) ?? [:] }
        set { fieldsJSON = String(decoding: (try? JSONSorted.encoder.encode(newValue)) ?? Data("{}".utf8), as: UTF8.self) }
    }

    var snapshot: TicketSnapshot {
        TicketSnapshot(id: id!, number: numberText, subject: subject, type: type, source: source, status: status, urgency: urgency,
                       priority: priority, contactID: contactID, inboxID: inboxID, assigneeID: assigneeID)
    }
}

enum JSONSorted {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}

/// One entry of a ticket's timeline (`ticket_entries`), append-only.
final class TicketEntry: Model, @unchecked Sendable {
    static let schema = "ticket_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "ticket_id") var ticketID: UUID
    /// 1, 2, … per ticket: the timeline's order (entries of one transaction share their time).
    @Field(key: "seq") var seq: Int
    @Enum(key: "kind") var kind: TicketEntryKind
    /// `agent`, `visitor`, `token`, `bot`, `system`, `automation`.
    @Field(key: "author_type") var authorType: String
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "text") var text: String
    /// For `change` and `link`: a JSON array of ``TicketFieldChange``.
    @OptionalField(key: "changes") var changesJSON: String?
    /// A public reply sent into a linked conversation, or the customer's message it copies.
    @OptionalField(key: "message_id") var messageID: UUID?
    /// Pictures of the entry (a form's), a JSON array of attachment ids; nil for none.
    @OptionalField(key: "attachments") var attachmentsJSON: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var attachmentIDs: [String] {
        get { attachmentsJSON.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [] }
        set { attachmentsJSON = newValue.isEmpty ? nil : String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

/// A conversation or an order the ticket is about (`ticket_links`).
final class TicketLink: Model, @unchecked Sendable {
    static let schema = "ticket_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "ticket_id") var ticketID: UUID
    @OptionalField(key: "conversation_id") var conversationID: UUID?
    @OptionalField(key: "order_id") var orderID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A shop's ticket settings (`ticket_settings`): its types, custom fields and next number.
final class TicketSettings: Model, @unchecked Sendable {
    static let schema = "ticket_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    /// A JSON array of ``TicketTypeDefinition``.
    @Field(key: "types") var typesJSON: String
    /// A JSON array of ``TicketFieldDefinition``.
    @Field(key: "fields") var fieldsJSON: String
    @Field(key: "next_number") var nextNumber: Int
    /// Solved tickets close by themselves after this many days without news.
    @Field(key: "auto_close_days") var autoCloseDays: Int
    /// A JSON ``CaseDeadlinePolicy``; nil: the standard one.
    @OptionalField(key: "case_deadlines") var caseDeadlinesJSON: String?
    /// A JSON ``CompensationLimits``; nil: the standard ones.
    @OptionalField(key: "compensation_limits") var compensationLimitsJSON: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
