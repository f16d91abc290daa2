import Fluent
import Foundation
import KefuCore
import Vapor

struct WebhookDTO: Content {
    var id: UUID
    var url: String
    var events: [String]
    var active: Bool
    var secret: String
    var createdAt: Date

    init(_ w: WebhookEndpoint) {
        id = w.id!; url = w.url; events = w.events.split(separator: "|").map(String.init); active = w.active
        secret = w.secret; createdAt = w.createdAt
    }
}

struct WebhookDeliveryDTO: Content {
    var id: UUID
    var webhookId: UUID
    var event: String
    var status: DeliveryStatus
    var attempts: Int
    var lastStatusCode: Int?
    var lastError: String?
    var nextAttemptAt: Date?
    var deliveredAt: Date?
    var createdAt: Date
    var payload: String

    init(_ d: WebhookDelivery) {
        id = d.id!; webhookId = d.webhookID; event = d.event; status = d.status; attempts = d.attempts
        lastStatusCode = d.lastStatusCode; lastError = d.lastError
        nextAttemptAt = d.status == .pending ? d.nextAttemptAt : nil
        deliveredAt = d.deliveredAt; createdAt = d.createdAt; payload = d.payload
    }
}

struct WebhookInput: StrictContent {
    static let allowedFields: Set<String> = ["url", "events", "active"]
    var url: String?
    var events: [String]?
    var active: Bool?

    func apply(to endpoint: WebhookEndpoint, creating: Bool, settings: KefuSettings) throws(DomainError) {
        if creating {
            if url == nil { throw .invalid("url", "url is required") }
            if events == nil { throw .invalid("events", "events are required") }
        }
        if let url {
            endpoint.url = try WebhookURL.validate(url)
            try WebhookGuard.checkSaved(endpoint.url, settings: settings)
        }
        if let events { endpoint.events = try WebhookEvent.parse(events).map(\.rawValue).joined(separator: "|") }
        if let active { endpoint.active = active }
    }
}

struct WebhooksDTO: Content { var webhooks: [WebhookDTO] }
struct WebhookDeliveriesDTO: Content { var deliveries: [WebhookDeliveryDTO] }

/// Webhook endpoints of the shop and their delivery log (admins).
struct WebhooksController {
    static let maxEndpoints = 20

    func list(_ req: Request) async throws -> WebhooksDTO {
        let principal = try req.requirePrincipal()
        let all = try await WebhookEndpoint.query(on: req.db).filter(\.$accountID == principal.accountID).sort(\.$createdAt).all()
        return WebhooksDTO(webhooks: all.map(WebhookDTO.init))
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(WebhookInput.self)
        let count = try await WebhookEndpoint.query(on: req.db).filter(\.$accountID == principal.accountID).count()
        guard count < Self.maxEndpoints else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxEndpoints) webhooks") }
        let endpoint = WebhookEndpoint()
        endpoint.accountID = principal.accountID
        endpoint.active = true
        endpoint.secret = WebhookSigner.newSecret()
        endpoint.createdAt = req.application.kefu.clock.now()
        try input.apply(to: endpoint, creating: true, settings: req.application.kefu.settings)
        try await save(endpoint, action: "webhook.create", principal, req)
        return try await WebhookDTO(endpoint).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> WebhookDTO {
        let principal = try req.requirePrincipal()
        let endpoint = try await find(req, principal)
        try req.decodeStrict(WebhookInput.self).apply(to: endpoint, creating: false, settings: req.application.kefu.settings)
        try await save(endpoint, action: "webhook.update", principal, req)
        return WebhookDTO(endpoint)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let principal = try req.requirePrincipal()
        let endpoint = try await find(req, principal)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await endpoint.delete(on: tx)
            try await AuditLog.record("webhook.delete", target: "webhook", id: endpoint.id!.uuidString, details: ["url": endpoint.url],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        return .noContent
    }

    func deliveries(_ req: Request) async throws -> WebhookDeliveriesDTO {
        let principal = try req.requirePrincipal()
        var query = WebhookDelivery.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let raw = req.query[String.self, at: "webhook"] {
            guard let id = UUID(uuidString: raw) else { throw DomainError.invalid("webhook", "webhook must be a webhook id") }
            query = query.filter(\.$webhookID == id)
        }
        if let raw = req.query[String.self, at: "status"] {
            guard let status = DeliveryStatus(rawValue: raw) else {
                throw DomainError.invalid("status", "status must be pending, delivered or failed")
            }
            query = query.filter(\.$status == status)
        }
        let limit = try Paging.limit(req, default: 50, max: 200)
        return WebhookDeliveriesDTO(deliveries: try await query.sort(\.$createdAt, .descending).limit(limit).all().map(WebhookDeliveryDTO.init))
    }

    /// Sends a delivery again (a failed one, or a delivered one the platform lost).
    func replay(_ req: Request) async throws -> WebhookDeliveryDTO {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self),
              let delivery = try await WebhookDelivery.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else { throw DomainError.notFound("webhook delivery") }
        delivery.status = .pending
        delivery.attempts = 0
        delivery.nextAttemptAt = req.application.kefu.clock.now()
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await delivery.save(on: tx)
            try await AuditLog.record("webhook.replay", target: "webhook_delivery", id: id.uuidString, details: ["event": delivery.event],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.jobs.kick(WebhookWorker.jobName)
        return WebhookDeliveryDTO(delivery)
    }

    private func find(_ req: Request, _ principal: Principal) async throws -> WebhookEndpoint {
        guard let id = req.parameters.get("id", as: UUID.self),
              let endpoint = try await WebhookEndpoint.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else { throw DomainError.notFound("webhook") }
        return endpoint
    }

    private func save(_ endpoint: WebhookEndpoint, action: String, _ principal: Principal, _ req: Request) async throws {
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await endpoint.save(on: tx)
            try await AuditLog.record(action, target: "webhook", id: endpoint.id!.uuidString,
                                      details: ["url": endpoint.url, "events": endpoint.events, "active": String(endpoint.active)],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
    }
}
