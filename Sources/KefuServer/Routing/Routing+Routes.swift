import Vapor

enum RoutingRoutes {
    /// Inbox settings, keyword auto-replies, transfers, the live view (supervisors and
    /// above), and the widget's left messages.
    static func register(_ r: RouteGroups) {
        let settings = InboxSettingsController()
        r.member.get("inboxes", ":id", "settings", use: settings.get)
        r.admin.put("inboxes", ":id", "settings", use: settings.put)
        let keywordRules = KeywordRulesController()
        r.member.get("inboxes", ":id", "keyword-rules", use: keywordRules.list)
        r.editor.post("inboxes", ":id", "keyword-rules", use: keywordRules.create)
        r.editor.patch("inboxes", ":id", "keyword-rules", ":ruleID", use: keywordRules.update)
        r.editor.delete("inboxes", ":id", "keyword-rules", ":ruleID", use: keywordRules.delete)
        r.member.post("inboxes", ":id", "keyword-rules", "test", use: keywordRules.test)
        r.member.post("conversations", ":id", "transfer", use: TransferController().transfer)
        r.editor.get("live", use: LiveController().live)
        r.v1.post("widget", "leave-message", use: LeaveMessageController().leave)
    }
}
