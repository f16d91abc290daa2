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
}
