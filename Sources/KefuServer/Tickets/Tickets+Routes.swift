import Vapor

enum TicketsRoutes {
    /// Tickets, their timeline and links, bulk changes, tickets from a conversation, the
    /// customer's tickets, ticket settings.
    static func register(_ r: RouteGroups) {
        let tickets = TicketsController()
        r.member.get("tickets", use: tickets.list)
        r.member.post("tickets", use: tickets.create)
        r.member.post("tickets", "bulk", use: tickets.bulk)
        r.member.get("tickets", ":id", use: tickets.get)
        r.member.patch("tickets", ":id", use: tickets.update)
        r.member.post("tickets", ":id", "entries", use: tickets.comment)
        r.member.post("tickets", ":id", "links", use: tickets.link)
        r.member.get("conversations", ":id", "ticket-draft", use: tickets.draft)
        r.member.post("conversations", ":id", "ticket", use: tickets.createFromConversation)
        r.member.get("conversations", ":id", "tickets", use: tickets.conversationTickets)
        r.member.get("contacts", ":id", "tickets", use: tickets.contactTickets)
        r.member.get("ticket-settings", use: tickets.settings)
        r.admin.put("ticket-settings", use: tickets.putSettings)
    }
}
