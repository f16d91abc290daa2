import Fluent
import NIOCore
import Foundation
import KefuCore
import Vapor

/// Tells the shop platform what agents changed: each domain event it subscribed to becomes
/// one delivery per endpoint, queued by ``WebhooksListener`` (a durable listener, so exactly
/// once and in the transaction that moves its cursor), and sent by ``WebhookWorker``.
enum Webhooks {
    struct Envelope<T: Encodable & Sendable>: Encodable, Sendable {
        var id: UUID
        var event: String
        var createdAt: Date
        var accountId: UUID
        var data: T
    }

    /// Queues `event` (envelope id `id`, the domain event's: receivers deduplicate by it) for
    /// every active endpoint of the shop subscribed to it.
    @discardableResult
    static func emit<T: Encodable & Sendable>(_ event: WebhookEvent, id: UUID, accountID: UUID, data: T, at now: Date,
                                              on db: any Database) async throws -> Int {
        let endpoints = try await WebhookEndpoint.query(on: db).filter(\.$accountID == accountID).filter(\.$active == true).all()
            .filter { $0.events.split(separator: "|").contains(Substring(event.rawValue)) }
        guard !endpoints.isEmpty else { return 0 }
        let payload = OrderJSON.encode(Envelope(id: id, event: event.rawValue, createdAt: now, accountId: accountID, data: data))
        for endpoint in endpoints {
            let delivery = WebhookDelivery()
            delivery.accountID = accountID
            delivery.webhookID = endpoint.id!
            delivery.event = event.rawValue
            delivery.payload = payload
            delivery.status = .pending
            delivery.attempts = 0
            delivery.nextAttemptAt = now
            delivery.createdAt = now
            try await delivery.create(on: db)
        }
        return endpoints.count
    }
}

/// Sends due webhook deliveries, signed, and retries failures with back-off
/// (``WebhookRetry``); claims with ``JobClaim`` so two instances never send one delivery at once.
struct WebhookWorker {
    static let jobName = "webhooks.deliveries"
    let app: Application
    static let lease: TimeInterval = 60
    static let timeout: TimeAmount = .seconds(10)
    static let batch = 20

    /// One pass: claims up to 20 due deliveries and sends them. Returns how many were tried.
    @discardableResult
    func runOnce(now: Date) async throws -> Int {
        let ids = try await JobClaim.claim(table: WebhookDelivery.schema, dueColumn: "next_attempt_at", limit: Self.batch,
                                           lease: Self.lease, now: now, on: app.db)
        // Receivers answer at their own pace: the batch goes out in parallel.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { try await send(id, now: now) } }
            try await group.waitForAll()
        }
        return ids.count
    }

    private func send(_ id: UUID, now: Date) async throws {
        let db = app.db
        guard let delivery = try await WebhookDelivery.find(id, on: db),
              let endpoint = try await WebhookEndpoint.query(on: db).filter(\.$accountID == delivery.accountID)
                .filter(\.$id == delivery.webhookID).first() else { return }
        let body = Data(delivery.payload.utf8)
        let timestamp = Int(app.kefu.clock.now().timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: WebhookSigner.header, value: WebhookSigner.signature(body: body, secret: endpoint.secret, timestamp: timestamp))
        headers.replaceOrAdd(name: "Kefu-Event", value: delivery.event)
        headers.replaceOrAdd(name: "Kefu-Delivery", value: id.uuidString)
        headers.replaceOrAdd(name: .userAgent, value: "Kefu-Webhooks/1")
        var status: Int?
        var failure: String?
        if let refused = await WebhookGuard.refusal(endpoint.url, app: app) {
            // Final: sending again would be refused again until an admin changes the URL.
            delivery.attempts += 1
            delivery.lastStatusCode = nil
            delivery.lastError = "refused: " + refused
            delivery.status = .failed
            delivery.nextAttemptAt = nil
            try await delivery.save(on: db)
            return
        }
        do {
            let response = try await app.client.post(URI(string: endpoint.url), headers: headers) { request in
                request.body = ByteBuffer(data: body)
                request.timeout = Self.timeout
            }
            status = Int(response.status.code)
            if !WebhookRetry.isSuccess(statusCode: Int(response.status.code)) { failure = "HTTP \(response.status.code)" }
        } catch {
            failure = String(describing: error).prefix(300).description
        }
        let now = app.kefu.clock.now()
        delivery.attempts += 1
        delivery.lastStatusCode = status
        delivery.lastError = failure
        if failure == nil {
            delivery.status = .delivered
            delivery.deliveredAt = now
            delivery.nextAttemptAt = nil
        } else if WebhookRetry.shouldRetry(statusCode: status), delivery.attempts < WebhookRetry.maxAttempts {
            delivery.status = .pending
            delivery.nextAttemptAt = now.addingTimeInterval(WebhookRetry.delay(afterAttempt: delivery.attempts, jitter: Double.random(in: 0..<1)))
        } else {
            delivery.status = .failed
            delivery.nextAttemptAt = nil
        }
        try await delivery.save(on: db)
        if failure != nil {
            app.logger.notice("webhook delivery failed", metadata: ["delivery": "\(id)", "attempt": "\(delivery.attempts)",
                                                                     "error": "\(failure ?? "")", "component": "webhooks"])
        }
    }
}
