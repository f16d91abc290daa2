import Vapor

enum FormsRoutes {
    /// Form definitions (the team; admins edit), and the public side: the page, the
    /// definition, submissions and the customer's lookup.
    static func register(_ r: RouteGroups) {
        let forms = FormsController()
        r.member.get("forms", use: forms.list)
        r.admin.post("forms", use: forms.create)
        r.member.get("forms", ":id", use: forms.get)
        r.admin.patch("forms", ":id", use: forms.update)
        r.admin.delete("forms", ":id", use: forms.delete)
        r.app.get("forms", ":key", use: forms.page)
        let open = r.v1.grouped("public", "forms", ":key")
        open.get(use: forms.definition)
        open.on(.POST, "submissions", body: .collect(maxSize: ByteCount(value: FormsController.maxSubmissionBytes)), use: forms.submit)
        open.post("lookup", use: forms.lookup)
    }
}
