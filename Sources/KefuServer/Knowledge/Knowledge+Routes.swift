import Vapor

enum KnowledgeRoutes {
    /// Articles, search, suggestions and unanswered questions (members read, supervisors
    /// edit); the FAQ bot in the widget; the public help search and help centre.
    static func register(_ r: RouteGroups) {
        let knowledge = KnowledgeController()
        let kb = r.member.grouped("knowledge")
        let kbEdit = r.editor.grouped("knowledge")
        kb.get("articles", use: knowledge.list)
        kb.get("articles", ":id", use: knowledge.get)
        kbEdit.post("articles", use: knowledge.create)
        kbEdit.patch("articles", ":id", use: knowledge.update)
        kbEdit.delete("articles", ":id", use: knowledge.delete)
        kb.post("preview", use: knowledge.preview)
        kb.get("search", use: knowledge.search)
        kb.get("settings", use: knowledge.getSettings)
        kbEdit.put("settings", use: knowledge.putSettings)
        kbEdit.get("export", use: knowledge.export)
        kbEdit.on(.POST, "import", body: .collect(maxSize: KnowledgeController.importLimit), use: knowledge.importFile)
        kbEdit.get("unanswered", use: knowledge.unanswered)
        kbEdit.post("unanswered", "dismiss", use: knowledge.dismiss)
        r.member.get("conversations", ":id", "suggestions", use: knowledge.suggestions)
        let bot = WidgetBotController()
        r.v1.post("widget", "handover", use: bot.handover)
        r.v1.post("widget", "bot", "answer", use: bot.answer)
        r.v1.get("help", "search", use: bot.search)
        HelpCentreController().register(r.app)
    }
}
