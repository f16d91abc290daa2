import Vapor

enum OpsRoutes {
    static func register(_ r: RouteGroups) {
        let ops = OpsController()
        r.app.get("health", use: ops.health)
        r.app.get("ready", use: ops.ready)
        r.app.get("metrics", use: ops.metrics)
        r.api.get("openapi.json", use: ops.openAPI)
    }
}
