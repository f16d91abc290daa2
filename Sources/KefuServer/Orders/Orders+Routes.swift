import Vapor

enum OrdersRoutes {
    /// The platform's upserts (API tokens), the order panel, cards, price changes, reminders,
    /// imports, order settings and reminder rules.
    static func register(_ r: RouteGroups) {
        let orders = OrdersController()
        r.admin.put("orders", ":externalId", use: orders.putOrder)
        r.member.get("orders", ":externalId", use: orders.getOrder)
        r.admin.put("products", ":externalId", use: orders.putProduct)
        r.member.get("products", use: orders.products)
        r.member.get("contacts", ":id", "orders", use: orders.contactOrders)
        r.member.post("conversations", ":id", "cards", use: orders.sendCard)
        r.member.post("orders", ":externalId", "price-changes", use: orders.requestPriceChange)
        r.editor.get("price-changes", use: orders.listPriceChanges)
        r.editor.post("price-changes", ":id", "approve", use: orders.approve)
        r.editor.post("price-changes", ":id", "reject", use: orders.reject)
        r.member.post("orders", ":externalId", "remind", use: orders.remind)
        let imports = OrderImportController()
        r.admin.on(.POST, "orders", "import", body: .collect(maxSize: OrdersController.importLimit), use: imports.importOrders)
        r.admin.on(.POST, "products", "import", body: .collect(maxSize: OrdersController.importLimit), use: imports.importProducts)
        let settings = OrderSettingsController()
        r.member.get("order-settings", use: settings.get)
        r.admin.put("order-settings", use: settings.put)
        let reminderRules = ReminderRulesController()
        r.member.get("reminder-rules", use: reminderRules.list)
        r.admin.post("reminder-rules", use: reminderRules.create)
        r.admin.patch("reminder-rules", ":id", use: reminderRules.update)
        r.admin.delete("reminder-rules", ":id", use: reminderRules.delete)
        r.editor.get("reminders", "stats", use: ReminderStatsController().stats)
    }
}
