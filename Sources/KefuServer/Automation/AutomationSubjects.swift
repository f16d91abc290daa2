import Foundation
import KefuCore
import SQLKit

/// Reads a conversation or ticket as a rule sees it (``AutomationSubject``), and the values of
/// the variables its replies and notes may use.
enum AutomationSubjects {
    /// The object as it stands at `now`; nil when it is not the shop's (or gone).
    static func load(_ target: AutomationTarget, _ id: UUID, accountID: UUID, now: Date, on sql: any SQLDatabase) async throws -> AutomationSubject? {
        switch target {
        case .conversation:
            guard let row = try await sql.raw("""
                SELECT v.inbox_id, v.contact_id, v.channel, v.status, v.priority, v.tags, v.assignee_id, c.tier, i.business_hours,
                       (SELECT m.text FROM messages m WHERE m.conversation_id = v.id AND m.sender_type = 'visitor'
                        ORDER BY m.seq DESC LIMIT 1) AS last_text
                FROM conversations v
                LEFT JOIN contacts c ON c.id = v.contact_id AND c.account_id = v.account_id
                LEFT JOIN inboxes i ON i.id = v.inbox_id
                WHERE v.id = \(bind: id) AND v.account_id = \(bind: accountID)
                """).first() else { return nil }
            return AutomationSubject(
                target: .conversation, id: id, inboxID: try row.decode(column: "inbox_id", as: UUID.self),
                channel: try row.decode(column: "channel", as: String.self), status: try row.decode(column: "status", as: String.self),
                priority: try row.decode(column: "priority", as: String.self), tags: SLAListener.tags(try row.decode(column: "tags", as: String.self)),
                assigneeID: try row.decode(column: "assignee_id", as: UUID?.self), customerLevel: try row.decode(column: "tier", as: String?.self),
                text: try row.decode(column: "last_text", as: String?.self) ?? "",
                insideBusinessHours: open(try row.decode(column: "business_hours", as: String?.self), now),
                contactID: try row.decode(column: "contact_id", as: UUID.self))
        case .ticket:
            guard let row = try await sql.raw("""
                SELECT t.inbox_id, t.contact_id, t.source, t.status, t.priority, t.tags, t.assignee_id, t.type, t.subject, c.tier, i.business_hours,
                       (SELECT e.text FROM ticket_entries e WHERE e.ticket_id = t.id AND e.kind = 'customer'
                        ORDER BY e.seq DESC LIMIT 1) AS last_text
                FROM tickets t
                LEFT JOIN contacts c ON c.id = t.contact_id AND c.account_id = t.account_id
                LEFT JOIN inboxes i ON i.id = t.inbox_id
                WHERE t.id = \(bind: id) AND t.account_id = \(bind: accountID)
                """).first() else { return nil }
            let subject = try row.decode(column: "subject", as: String.self)
            let last = try row.decode(column: "last_text", as: String?.self)
            return AutomationSubject(
                target: .ticket, id: id, inboxID: try row.decode(column: "inbox_id", as: UUID?.self),
                channel: try row.decode(column: "source", as: String.self), status: try row.decode(column: "status", as: String.self),
                priority: try row.decode(column: "priority", as: String.self), tags: SLAListener.tags(try row.decode(column: "tags", as: String.self)),
                assigneeID: try row.decode(column: "assignee_id", as: UUID?.self), ticketType: try row.decode(column: "type", as: String.self),
                customerLevel: try row.decode(column: "tier", as: String?.self), text: [subject, last ?? ""].filter { !$0.isEmpty }.joined(separator: "\n"),
                insideBusinessHours: open(try row.decode(column: "business_hours", as: String?.self), now),
                contactID: try row.decode(column: "contact_id", as: UUID?.self))
        }
    }

    /// Whether hours stored as JSON are open at `now`; nil without hours (always open).
    private static func open(_ json: String?, _ now: Date) -> Bool? {
        guard let json, let hours = try? JSONDecoder().decode(BusinessHours.self, from: Data(json.utf8)) else { return nil }
        return hours.isOpen(at: now)
    }

    /// The variables replies and notes may use. Unknown ones are left empty rather than shown
    /// to a customer as "{order_no}".
    static func variables(_ subject: AutomationSubject, accountID: UUID, on sql: any SQLDatabase) async throws -> [String: String] {
        var out = ["customer_name": "", "ticket_number": "", "ticket_subject": "", "order_no": "", "shop_name": "", "agent_name": "",
                   "agent_number": ""]
        if let row = try await sql.raw("SELECT name FROM accounts WHERE id = \(bind: accountID)").first() {
            out["shop_name"] = try row.decode(column: "name", as: String.self)
        }
        if let contact = subject.contactID,
           let row = try await sql.raw("SELECT name FROM contacts WHERE id = \(bind: contact) AND account_id = \(bind: accountID)").first() {
            out["customer_name"] = try row.decode(column: "name", as: String?.self) ?? ""
        }
        if let assignee = subject.assigneeID,
           let row = try await sql.raw("SELECT display_name, agent_number FROM users WHERE id = \(bind: assignee) AND account_id = \(bind: accountID)").first() {
            out["agent_name"] = try row.decode(column: "display_name", as: String.self)
            out["agent_number"] = String(try row.decode(column: "agent_number", as: Int.self))
        }
        switch subject.target {
        case .ticket:
            if let row = try await sql.raw("SELECT number, subject FROM tickets WHERE id = \(bind: subject.id) AND account_id = \(bind: accountID)").first() {
                out["ticket_number"] = TicketNumber.format(try row.decode(column: "number", as: Int.self))
                out["ticket_subject"] = try row.decode(column: "subject", as: String.self)
            }
            if let row = try await sql.raw("""
                SELECT o.external_id FROM ticket_links l JOIN orders o ON o.id = l.order_id
                WHERE l.ticket_id = \(bind: subject.id) AND l.account_id = \(bind: accountID) ORDER BY l.created_at DESC LIMIT 1
                """).first() {
                out["order_no"] = try row.decode(column: "external_id", as: String.self)
            }
        case .conversation:
            break
        }
        if out["order_no"]!.isEmpty, let contact = subject.contactID, let row = try await sql.raw("""
            SELECT external_id FROM orders WHERE account_id = \(bind: accountID) AND contact_id = \(bind: contact) ORDER BY placed_at DESC LIMIT 1
            """).first() {
            out["order_no"] = try row.decode(column: "external_id", as: String.self)
        }
        return out
    }
}
