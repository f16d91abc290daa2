import Vapor

enum MacrosRoutes {
    /// Macros: everyone on the team lists, writes their own, previews and applies; shared ones are written by supervisors and above.
    static func register(_ r: RouteGroups) {
        let macros = MacrosController()
        r.member.get("macros", use: macros.list)
        r.member.post("macros", use: macros.create)
        r.member.put("macros", ":id", use: macros.update)
        r.member.delete("macros", ":id", use: macros.delete)
        r.member.post("macros", ":id", "preview", use: macros.preview)
        r.member.post("macros", ":id", "apply", use: macros.apply)
    }
}
