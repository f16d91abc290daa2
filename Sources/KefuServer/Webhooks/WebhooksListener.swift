import Fluent
import Foundation
import KefuCore
import Vapor

/// Queues webhook deliveries for the domain events a shop's endpoints subscribe to (durable:
/// each event is queued exactly once, in the transaction that moves the listener's cursor;
/// the envelope's id is the domain event's, so a receiver can tell a retry from news).
struct WebhooksListener: DurableListener {
    let name = "webhooks"
    let kinds: Set<EventKind> = [.priceChanged, .reminderSent, .caseUpdated, .compensationApproved, .slaWarned, .slaBreached]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        switch event.fact {
        case .priceChanged(let f):
            try await Webhooks.emit(.orderPriceChanged, id: event.id, accountID: event.accountID, data: PriceChangedPayload(
                orderExternalId: f.order.externalID, target: f.target, sku: f.sku, currency: f.order.currency,
                originalAmount: f.originalAmount, newAmount: f.newAmount, shippingFee: f.shippingFee, subtotal: f.subtotal,
                discount: f.discount, total: f.order.total, reason: f.reason, changedBy: f.changedBy, approvedBy: f.approvedBy),
                at: event.occurredAt, on: unit.db)
        case .reminderSent(let f):
            try await Webhooks.emit(.orderReminded, id: event.id, accountID: event.accountID, data: RemindedPayload(
                orderExternalId: f.order.externalID, kind: f.kind.rawValue, ruleId: f.ruleID, agentId: f.agentID, sentAt: event.occurredAt,
                text: f.text), at: event.occurredAt, on: unit.db)
        case .caseUpdated(let f):
            // The envelope carries the case as it stands and what changed ("opened", "state", "due", "solution", "answer", "step.…").
            try await Webhooks.emit(.caseUpdated, id: event.id, accountID: event.accountID,
                                    data: CasePayload(afterSaleCase: f.afterSaleCase, previousState: f.previousState, change: f.change),
                                    at: event.occurredAt, on: unit.db)
        case .compensationApproved(let f):
            try await Webhooks.emit(.compensationApproved, id: event.id, accountID: event.accountID, data: f.entry, at: event.occurredAt, on: unit.db)
        case .slaWarned(let f):
            try await Webhooks.emit(.slaWarned, id: event.id, accountID: event.accountID, data: f, at: event.occurredAt, on: unit.db)
        case .slaBreached(let f):
            try await Webhooks.emit(.slaBreached, id: event.id, accountID: event.accountID, data: f, at: event.occurredAt, on: unit.db)
        default:
            return
        }
        unit.app.jobs.kick(WebhookWorker.jobName)
    }

    /// `order.price_changed` (docs/api.md).
    struct PriceChangedPayload: Codable, Sendable {
        var orderExternalId: String
        var target: String
        var sku: String?
        var currency: String
        var originalAmount: Int64
        var newAmount: Int64
        var shippingFee: Int64
        var subtotal: Int64
        var discount: Int64
        var total: Int64
        var reason: String
        var changedBy: UUID?
        var approvedBy: UUID?
    }

    /// `case.updated` (docs/api.md).
    struct CasePayload: Codable, Sendable {
        var afterSaleCase: CaseSnapshot
        var previousState: CaseState?
        var change: String

        enum CodingKeys: String, CodingKey { case afterSaleCase = "case", previousState, change }
    }

    /// `order.reminded` (docs/api.md).
    struct RemindedPayload: Codable, Sendable {
        var orderExternalId: String
        var kind: String
        var ruleId: UUID?
        var agentId: UUID?
        var sentAt: Date
        var text: String
    }
}
