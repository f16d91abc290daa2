import Fluent
import Foundation
import KefuCore
import Vapor

/// A shop's order settings row, created with the standard limits on first use.
enum OrderSettingsStore {
    static func load(_ accountID: UUID, now: Date, on db: any Database) async throws -> OrderSettings {
        if let row = try await OrderSettings.query(on: db).filter(\.$accountID == accountID).first() { return row }
        let row = OrderSettings()
        row.accountID = accountID
        row.priceLimitsJSON = OrderJSON.encode(PriceChangeLimits.standard)
        row.identitySecret = WebhookSigner.newSecret()
        row.updatedAt = now
        do {
            try await row.create(on: db)
            return row
        } catch {
            // Another request created it first (unique per shop): use that one.
            if let row = try await OrderSettings.query(on: db).filter(\.$accountID == accountID).first() { return row }
            throw error
        }
    }

    static func limits(_ row: OrderSettings) -> PriceChangeLimits {
        OrderJSON.decode(PriceChangeLimits.self, row.priceLimitsJSON) ?? .standard
    }
}

struct OrderSettingsDTO: Content {
    var priceLimits: PriceChangeLimits
    /// The secret that signs customer ids for the widget (admins only).
    var identitySecret: String?
}

struct OrderSettingsInput: StrictContent {
    static let allowedFields: Set<String> = ["priceLimits"]
    var priceLimits: PriceChangeLimits
}

/// `GET/PUT /api/v1/order-settings`: price-change limits by role.
struct OrderSettingsController {
    func get(_ req: Request) async throws -> OrderSettingsDTO {
        let principal = try req.requirePrincipal()
        let row = try await OrderSettingsStore.load(principal.accountID, now: req.now, on: req.db)
        return OrderSettingsDTO(priceLimits: OrderSettingsStore.limits(row), identitySecret: principal.role >= .admin ? row.identitySecret : nil)
    }

    func put(_ req: Request) async throws -> OrderSettingsDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(OrderSettingsInput.self)
        try input.priceLimits.validate()
        let row = try await OrderSettingsStore.load(principal.accountID, now: req.now, on: req.db)
        row.priceLimitsJSON = OrderJSON.encode(input.priceLimits)
        row.updatedAt = req.now
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await row.save(on: tx)
            try await AuditLog.record("order_settings.update", target: "order_settings", id: row.id!.uuidString,
                                      details: ["priceLimits": row.priceLimitsJSON], by: principal, ip: ip, at: req.now, on: tx)
        }
        return OrderSettingsDTO(priceLimits: input.priceLimits, identitySecret: row.identitySecret)
    }
}
