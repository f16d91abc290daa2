import Vapor

enum CasesRoutes {
    /// After-sale cases on tickets, the customer's answer from the widget, the compensation
    /// ledger and its approvals, the shop's case deadlines and compensation limits.
    static func register(_ r: RouteGroups) {
        let cases = CasesController()
        r.member.post("tickets", ":id", "cases", use: cases.open)
        r.member.get("tickets", ":id", "cases", use: cases.ticketCases)
        r.member.get("cases", use: cases.list)
        r.member.get("cases", ":id", use: cases.get)
        r.member.patch("cases", ":id", use: cases.update)
        r.member.post("cases", ":id", "steps", use: cases.step)
        r.member.post("cases", ":id", "solution", use: cases.solution)
        r.v1.post("widget", "cases", ":id", "answer", use: cases.answer)
        r.v1.get("widget", "cases", ":id", use: cases.customerCard)
        r.member.post("tickets", ":id", "compensations", use: cases.propose)
        r.member.get("tickets", ":id", "compensations", use: cases.ticketCompensations)
        r.editor.get("compensations", use: cases.ledger)
        r.editor.post("compensations", ":id", "approve", use: cases.approve)
        r.editor.post("compensations", ":id", "reject", use: cases.reject)
        r.editor.post("compensations", ":id", "reverse", use: cases.reverse)
        r.member.get("after-sale-settings", use: cases.settings)
        r.admin.put("after-sale-settings", use: cases.putSettings)
    }
}
