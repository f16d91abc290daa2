import Vapor

enum AutomationRoutes {
    /// Rules (supervisors and above), trying a rule on a past conversation or ticket, the firing log.
    static func register(_ r: RouteGroups) {
        let automation = AutomationController()
        r.editor.get("automation", "rules", use: automation.rules)
        r.editor.post("automation", "rules", use: automation.create)
        r.editor.post("automation", "rules", "test", use: automation.test)
        r.editor.put("automation", "rules", "order", use: automation.reorder)
        r.editor.get("automation", "rules", ":id", use: automation.rule)
        r.editor.put("automation", "rules", ":id", use: automation.update)
        r.editor.delete("automation", "rules", ":id", use: automation.delete)
        r.member.get("automation", "runs", use: automation.runs)
    }
}
