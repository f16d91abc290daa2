import KefuCore
import Vapor

/// Every route of Kefu, grouped by capability. Authentication is resolved by
/// `AuthenticationMiddleware`; groups state who may call what.
func routes(_ app: Application) throws {
    // Operations
    let ops = OpsController()
    app.get("health", use: ops.health)
    app.get("ready", use: ops.ready)
    app.get("metrics", use: ops.metrics)

    let api = app.grouped("api")
    api.get("openapi.json", use: ops.openAPI)
    let v1 = api.grouped("v1")

    // Localisation (public)
    v1.get("i18n", use: I18nController().catalog)

    // Sign-in and the member's own profile
    let auth = AuthController()
    let authRoutes = v1.grouped("auth")
    authRoutes.post("login", use: auth.login)
    authRoutes.post("logout", use: auth.logout)
    authRoutes.get("me", use: auth.me)
    authRoutes.patch("me", use: auth.updateMe)
    authRoutes.post("password", use: auth.changePassword)

    let member = v1.grouped(RequireRole(minimum: .agent))
    let editor = v1.grouped(RequireRole(minimum: .supervisor))
    let admin = v1.grouped(RequireRole(minimum: .admin))

    // Team
    let agents = AgentsController()
    member.get("agents", use: agents.list)
    member.get("agents", ":id", use: agents.get)
    admin.post("agents", use: agents.create)
    admin.patch("agents", ":id", use: agents.update)

    // Inboxes
    let inboxes = InboxesController()
    member.get("inboxes", use: inboxes.list)
    member.get("inboxes", ":id", use: inboxes.get)
    admin.post("inboxes", use: inboxes.create)
    admin.patch("inboxes", ":id", use: inboxes.update)

    // API tokens (signed-in admins only; checked in the controller)
    let tokens = APITokensController()
    admin.get("api-tokens", use: tokens.list)
    admin.post("api-tokens", use: tokens.create)
    admin.delete("api-tokens", ":id", use: tokens.revoke)

    // Audit log
    admin.get("audit-log", use: AuditLogController().list)

    // Live chat: the shopper's side (visitor token, any origin)
    let widget = WidgetController()
    v1.post("widget", "sessions", use: widget.createSession)
    v1.get("widget", "messages", use: widget.messages)
    v1.on(.POST, "widget", "uploads", body: .collect(maxSize: UploadsController.bodyLimit), use: widget.upload)
    SocketRoutes.register(v1)

    // Live chat: the agent's side
    let conversations = ConversationsController()
    member.get("conversations", use: conversations.list)
    member.get("conversations", ":id", use: conversations.get)
    member.get("conversations", ":id", "messages", use: conversations.messages)
    member.post("conversations", ":id", "messages", use: conversations.postMessage)
    member.patch("conversations", ":id", use: conversations.update)
    member.post("conversations", ":id", "merge", use: conversations.merge)
    member.post("conversations", ":id", "read", use: conversations.read)
    let contacts = ContactsController()
    member.get("contacts", ":id", use: contacts.get)
    member.patch("contacts", ":id", use: contacts.update)
    let uploads = UploadsController()
    member.on(.POST, "uploads", body: .collect(maxSize: UploadsController.bodyLimit), use: uploads.uploadForAgent)
    v1.get("attachments", ":accountID", ":id", use: uploads.download)

    // Knowledge: articles, search, suggestions, unanswered questions (members read, supervisors edit)
    let knowledge = KnowledgeController()
    let kb = member.grouped("knowledge")
    let kbEdit = editor.grouped("knowledge")
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
    member.get("conversations", ":id", "suggestions", use: knowledge.suggestions)

    // Routing: inbox settings, keyword auto-replies, transfer, the live view (supervisors and above)
    let inboxSettings = InboxSettingsController()
    member.get("inboxes", ":id", "settings", use: inboxSettings.get)
    admin.put("inboxes", ":id", "settings", use: inboxSettings.put)
    let keywordRules = KeywordRulesController()
    member.get("inboxes", ":id", "keyword-rules", use: keywordRules.list)
    editor.post("inboxes", ":id", "keyword-rules", use: keywordRules.create)
    editor.patch("inboxes", ":id", "keyword-rules", ":ruleID", use: keywordRules.update)
    editor.delete("inboxes", ":id", "keyword-rules", ":ruleID", use: keywordRules.delete)
    member.post("inboxes", ":id", "keyword-rules", "test", use: keywordRules.test)
    member.post("conversations", ":id", "transfer", use: TransferController().transfer)
    editor.get("live", use: LiveController().live)
    v1.post("widget", "leave-message", use: LeaveMessageController().leave)

    // Quick phrases (each member's own and the team's)
    let phrases = QuickPhrasesController()
    member.get("quick-phrases", use: phrases.list)
    member.post("quick-phrases", use: phrases.create)
    member.get("quick-phrases", "export", use: phrases.export)
    member.on(.POST, "quick-phrases", "import", body: .collect(maxSize: "4mb"), use: phrases.importCSV)
    member.get("quick-phrases", "proposals", use: phrases.proposals)
    member.patch("quick-phrases", ":id", use: phrases.update)
    member.delete("quick-phrases", ":id", use: phrases.delete)
    member.post("quick-phrases", ":id", "use", use: phrases.use)

    // The FAQ bot in the widget, and the public help search
    let bot = WidgetBotController()
    v1.post("widget", "handover", use: bot.handover)
    v1.post("widget", "bot", "answer", use: bot.answer)
    v1.get("help", "search", use: bot.search)

    // The public help centre (server-rendered pages)
    HelpCentreController().register(app)

    // The demo shop's page with the widget (after `kefu demo`)
    app.get("demo", "shop", use: DemoShopController().page)
}
