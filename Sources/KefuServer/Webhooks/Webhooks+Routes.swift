import Vapor

enum WebhooksRoutes {
    static func register(_ r: RouteGroups) {
        let webhooks = WebhooksController()
        r.admin.get("webhooks", use: webhooks.list)
        r.admin.post("webhooks", use: webhooks.create)
        r.admin.patch("webhooks", ":id", use: webhooks.update)
        r.admin.delete("webhooks", ":id", use: webhooks.delete)
        r.admin.get("webhooks", "deliveries", use: webhooks.deliveries)
        r.admin.post("webhooks", "deliveries", ":id", "replay", use: webhooks.replay)
    }
}
