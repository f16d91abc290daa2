import Vapor

enum AuditRoutes {
    static func register(_ r: RouteGroups) {
        r.admin.get("audit-log", use: AuditLogController().list)
    }
}
