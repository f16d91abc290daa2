import Vapor

enum PhrasesRoutes {
    /// Quick phrases: each member's own and the team's.
    static func register(_ r: RouteGroups) {
        let phrases = QuickPhrasesController()
        r.member.get("quick-phrases", use: phrases.list)
        r.member.post("quick-phrases", use: phrases.create)
        r.member.get("quick-phrases", "export", use: phrases.export)
        r.member.on(.POST, "quick-phrases", "import", body: .collect(maxSize: "4mb"), use: phrases.importCSV)
        r.member.get("quick-phrases", "proposals", use: phrases.proposals)
        r.member.patch("quick-phrases", ":id", use: phrases.update)
        r.member.delete("quick-phrases", ":id", use: phrases.delete)
        r.member.post("quick-phrases", ":id", "use", use: phrases.use)
    }
}
