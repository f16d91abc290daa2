import KefuCore
import Vapor

/// Where a capability registers its routes: the public API and the groups that require a
/// member's role (authentication is resolved by `AuthenticationMiddleware`).
struct RouteGroups {
    let app: Application
    /// `/api`: public.
    let api: any RoutesBuilder
    /// `/api/v1`: public; widget and platform routes check their own credentials.
    let v1: any RoutesBuilder
    /// `/api/v1`, agents and above (and API tokens).
    let member: any RoutesBuilder
    /// `/api/v1`, supervisors and above.
    let editor: any RoutesBuilder
    /// `/api/v1`, admins and owners.
    let admin: any RoutesBuilder
}

/// Every route of Kefu: the table of contents, by capability. Each capability lists its own
/// routes in `<Capability>/<Capability>+Routes.swift`; a new capability adds its file and one
/// line here (and its rows in the authorization matrix, its OpenAPI part).
func routes(_ app: Application) throws {
    let api = app.grouped("api")
    let v1 = api.grouped("v1")
    let r = RouteGroups(app: app, api: api, v1: v1, member: v1.grouped(RequireRole(minimum: .agent)),
                        editor: v1.grouped(RequireRole(minimum: .supervisor)), admin: v1.grouped(RequireRole(minimum: .admin)))
    OpsRoutes.register(r)            // health, readiness, metrics, the OpenAPI document
    LocalizationRoutes.register(r)   // the UI's catalogues
    AuthRoutes.register(r)           // sign-in, the member's own profile, API tokens
    AccountsRoutes.register(r)       // the team and the inboxes
    AuditRoutes.register(r)          // the audit log
    WidgetRoutes.register(r)         // live chat: the shopper's side, the sockets
    ConversationsRoutes.register(r)  // live chat: conversations, contacts, uploads
    KnowledgeRoutes.register(r)      // articles, search, suggestions, the FAQ bot, the help centre
    RoutingRoutes.register(r)        // inbox settings, keyword replies, transfers, the live view, left messages
    PhrasesRoutes.register(r)        // quick phrases
    OrdersRoutes.register(r)         // orders, products, cards, price changes, reminders, order settings
    WebhooksRoutes.register(r)       // webhook endpoints and their deliveries
    TicketsRoutes.register(r)        // tickets: views, timeline, links, bulk changes, ticket settings
    CasesRoutes.register(r)          // after-sales: cases with deadlines, the compensation ledger and approvals
    FormsRoutes.register(r)          // forms: feedback and repair forms on public pages that file tickets, the customer's lookup
    AutomationRoutes.register(r)     // automation: rules on events and timers, trying one on a past case, the firing log
    MacrosRoutes.register(r)         // macros: named steps applied to a conversation or ticket in one click, previewed first
    SLARoutes.register(r)            // SLA: calendars, policies, clocks of tickets and chats, next due times, breaches
    DemoRoutes.register(r)           // the demo shop and platform (after `kefu demo`)
}
