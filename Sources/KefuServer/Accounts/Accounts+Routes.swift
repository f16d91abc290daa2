import Vapor

enum AccountsRoutes {
    static func register(_ r: RouteGroups) {
        let agents = AgentsController()
        r.member.get("agents", use: agents.list)
        r.member.get("agents", ":id", use: agents.get)
        r.admin.post("agents", use: agents.create)
        r.admin.patch("agents", ":id", use: agents.update)
        let inboxes = InboxesController()
        r.member.get("inboxes", use: inboxes.list)
        r.member.get("inboxes", ":id", use: inboxes.get)
        r.admin.post("inboxes", use: inboxes.create)
        r.admin.patch("inboxes", ":id", use: inboxes.update)
    }
}
