import Vapor

enum SLARoutes {
    /// Calendars, SLA policies (supervisors and above change them), the SLA of a ticket or
    /// conversation, next due times for lists, the breach list.
    static func register(_ r: RouteGroups) {
        let sla = SLAController()
        r.member.get("sla", "calendars", use: sla.calendars)
        r.member.get("sla", "calendars", ":id", use: sla.calendar)
        r.editor.post("sla", "calendars", use: sla.createCalendar)
        r.editor.put("sla", "calendars", ":id", use: sla.updateCalendar)
        r.editor.delete("sla", "calendars", ":id", use: sla.deleteCalendar)
        r.member.get("sla", "policies", use: sla.policies)
        r.member.get("sla", "policies", ":id", use: sla.policy)
        r.editor.post("sla", "policies", use: sla.createPolicy)
        r.editor.put("sla", "policies", "order", use: sla.reorder)
        r.editor.put("sla", "policies", ":id", use: sla.updatePolicy)
        r.editor.delete("sla", "policies", ":id", use: sla.deletePolicy)
        r.member.get("sla", "due", use: sla.due)
        r.member.get("sla", "breaches", use: sla.breaches)
        r.editor.get("sla", "report", use: sla.report)
        r.member.get("tickets", ":id", "sla", use: sla.ticketStatus)
        r.member.get("conversations", ":id", "sla", use: sla.conversationStatus)
    }
}
