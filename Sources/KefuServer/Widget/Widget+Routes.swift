import Vapor

enum WidgetRoutes {
    /// The shopper's side (visitor token, any origin) and both chat sockets.
    static func register(_ r: RouteGroups) {
        let widget = WidgetController()
        r.v1.post("widget", "sessions", use: widget.createSession)
        r.v1.get("widget", "messages", use: widget.messages)
        r.v1.on(.POST, "widget", "uploads", body: .collect(maxSize: UploadsController.bodyLimit), use: widget.upload)
        SocketRoutes.register(r.v1)
    }
}

enum DemoRoutes {
    /// The demo shop's page with the widget, and the demo platform (after `kefu demo`).
    static func register(_ r: RouteGroups) {
        r.app.get("demo", "shop", use: DemoShopController().page)
        let platform = DemoPlatformController()
        r.app.post("demo", "platform", "webhook", use: platform.webhook)
        r.app.post("demo", "platform", "orders", ":externalId", "pay", use: platform.pay)
    }
}
