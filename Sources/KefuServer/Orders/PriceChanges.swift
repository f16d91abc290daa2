import Fluent
import Foundation
import KefuCore
import Vapor

struct PriceChangeRequest: StrictContent {
    static let allowedFields: Set<String> = ["target", "sku", "newAmount", "reason", "conversationId"]
    var target: String
    var sku: String?
    var newAmount: Int64
    var reason: String
    var conversationId: UUID?
}

struct PriceDecisionRequest: StrictContent {
    static let allowedFields: Set<String> = ["note"]
    var note: String?
}

struct PriceChangeResultDTO: Content {
    var status: PriceChangeStatus
    var change: PriceChangeDTO
    var order: OrderDTO
}

/// Changing a line price or the shipping fee before payment (改价 / 改运费): within the
/// requester's limit the change is applied at once; above it, it waits for a supervisor.
/// Applying updates the order's amounts, records the audit entry and queues the
/// `order.price_changed` webhook in one transaction; then the buyer is told in the chat.
struct PriceChanges {
    let app: Application

    enum Target: String { case shipping, line }

    func request(_ input: PriceChangeRequest, order orderID: UUID, by principal: Principal, ip: String?) async throws -> PriceChangeResultDTO {
        guard let target = Target(rawValue: input.target) else {
            throw DomainError.invalid("target", "target must be shipping or line, got '\(input.target)'")
        }
        let caller = try await Caller.member(principal, on: app.db)
        let limits = OrderSettingsStore.limits(try await OrderSettingsStore.load(principal.accountID, now: app.kefu.clock.now(), on: app.db))
        let (change, order) = try await app.write { unit in
            let tx = unit.db
            let order = try await Self.lockedOrder(orderID, accountID: principal.accountID, on: tx)
            // Where the buyer is told: a conversation the requester can see, with this buyer.
            let conversation = try await OrderChat(app: app).conversation(for: order, preferred: input.conversationId, visibleTo: caller,
                                                                         create: false, in: unit)
            if try await PriceChange.query(on: tx).filter(\.$accountID == principal.accountID).filter(\.$orderID == orderID)
                .filter(\.$status == .pending).first() != nil {
                throw DomainError(.conflict, code: "change_pending", message: "another price change of this order waits for approval")
            }
            let status = Self.status(order)
            guard status.isBeforePayment else {
                throw DomainError(.conflict, code: "not_before_payment",
                                  message: "prices can only change before payment; this order is \(status.rawValue)", field: "status")
            }
            let original = try Self.originalAmount(order, target: target, sku: input.sku)
            let new = try Money(minor: input.newAmount, currency: order.currency)
            let change = PriceChange()
            change.accountID = principal.accountID
            change.orderID = orderID
            change.target = target.rawValue
            change.sku = target == .line ? input.sku : nil
            change.currency = order.currency
            change.originalAmount = original
            change.newAmount = input.newAmount
            change.discountPercent = PriceChangePolicy.discountPercent(original: try Money(minor: original, currency: order.currency), new: new)
            change.reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            change.requestedBy = principal.userID
            change.requestedRole = principal.role.rawValue
            change.conversationID = conversation?.id
            change.createdAt = unit.now
            switch Self.decide(change, role: principal.role.rawValue, limits: limits, status: status) {
            case .refused(let error):
                throw error
            case .allowed:
                change.status = .applied
                try await change.create(on: tx)
                try await Self.apply(change, to: order, unit: unit, actor: caller.actor)
            case .needsApproval:
                change.status = .pending
                try await change.create(on: tx)
                unit.record([.orderUpdated(OrderUpdated(order: order.facts, previousStatus: order.status))], accountID: order.accountID,
                            actor: caller.actor)
            }
            try await AuditLog.record(change.status == .pending ? "price_change.request" : "price_change.apply", target: "order",
                                      id: order.externalID, details: Self.auditDetails(change), by: principal, ip: ip, at: unit.now, on: tx)
            return (change, order)
        }
        return PriceChangeResultDTO(status: change.status, change: try await dto(change, order), order: try await OrderViews(db: app.db).dto(order))
    }

    /// A supervisor approves (and so applies) or rejects a waiting change; approving is
    /// checked against the approver's own limit.
    func decide(_ changeID: UUID, approve: Bool, note: String?, by principal: Principal, ip: String?) async throws -> PriceChangeResultDTO {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > PriceChangePolicy.maxReasonLength {
            throw DomainError.invalid("note", "note is longer than \(PriceChangePolicy.maxReasonLength) characters")
        }
        let limits = OrderSettingsStore.limits(try await OrderSettingsStore.load(principal.accountID, now: app.kefu.clock.now(), on: app.db))
        let actor = principal.actor
        let (change, order) = try await app.write { unit in
            let tx = unit.db
            guard let change = try await PriceChange.query(on: tx).filter(\.$accountID == principal.accountID)
                .filter(\.$id == changeID).first() else { throw DomainError.notFound("price change") }
            guard change.status == .pending else {
                throw DomainError(.conflict, code: "already_decided", message: "this price change was already \(change.status)")
            }
            let order = try await Self.lockedOrder(change.orderID, accountID: principal.accountID, on: tx)
            if approve {
                let status = Self.status(order)
                // The order may have changed meanwhile (paid, or the amount changed on the platform).
                let current = try Self.originalAmount(order, target: Target(rawValue: change.target) ?? .shipping, sku: change.sku)
                guard current == change.originalAmount else {
                    throw DomainError(.conflict, code: "order_changed", message: "the order changed since the request; ask again")
                }
                switch Self.decide(change, role: principal.role.rawValue, limits: limits, status: status) {
                case .refused(let error): throw error
                case .needsApproval(let why): throw DomainError.forbidden("your own limit is too low to approve this: \(why)")
                case .allowed: break
                }
                change.decidedBy = principal.userID
                try await Self.apply(change, to: order, unit: unit, actor: actor)
            } else {
                unit.record([.orderUpdated(OrderUpdated(order: order.facts, previousStatus: order.status))], accountID: order.accountID,
                            actor: actor)
            }
            change.status = approve ? .approved : .rejected
            change.decidedBy = principal.userID
            change.decidedAt = unit.now
            change.note = note?.isEmpty == true ? nil : note
            try await change.save(on: tx)
            try await AuditLog.record(approve ? "price_change.approve" : "price_change.reject", target: "order", id: order.externalID,
                                      details: Self.auditDetails(change), by: principal, ip: ip, at: unit.now, on: tx)
            return (change, order)
        }
        return PriceChangeResultDTO(status: change.status, change: try await dto(change, order), order: try await OrderViews(db: app.db).dto(order))
    }

    func dto(_ change: PriceChange, _ order: Order) async throws -> PriceChangeDTO {
        try await OrderViews(db: app.db).changeDTOs([change], orders: [order.id!: order]).first!
    }

    // MARK: parts

    static func lockedOrder(_ id: UUID, accountID: UUID, on db: any Database) async throws -> Order {
        _ = try await JobClaim.lockRow(table: Order.schema, id: id, on: db)
        guard let order = try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("order")
        }
        return order
    }

    static func status(_ order: Order) -> OrderStatus { order.status }

    static func originalAmount(_ order: Order, target: Target, sku: String?) throws(DomainError) -> Int64 {
        switch target {
        case .shipping:
            return order.shippingFee
        case .line:
            guard let sku, !sku.isEmpty else { throw .invalid("sku", "name the line to change by its sku") }
            guard let line = OrderJSON.lines(order.linesJSON).first(where: { $0.sku == sku }) else {
                throw .invalid("sku", "the order has no line with sku '\(sku)'")
            }
            return line.unitPrice
        }
    }

    static func decide(_ change: PriceChange, role: String, limits: PriceChangeLimits, status: OrderStatus) -> PriceChangeDecision {
        guard let original = try? Money(minor: change.originalAmount, currency: change.currency),
              let new = try? Money(minor: change.newAmount, currency: change.currency) else {
            return .refused(.invalid("newAmount", "newAmount is not an amount in \(change.currency)"))
        }
        return PriceChangePolicy.decide(original: original, new: new, role: role, limits: limits, orderStatus: status,
                                        target: change.target == Target.shipping.rawValue ? .shippingFee : .unitPrice,
                                        reason: change.reason)
    }

    /// Writes the new amount into the order, recomputes the totals and records
    /// `order.price_changed` (the webhook and the message to the buyer follow from it).
    static func apply(_ change: PriceChange, to order: Order, unit: UnitOfWork, actor: EventActor) async throws {
        var lines = OrderJSON.lines(order.linesJSON)
        var shipping = order.shippingFee
        if change.target == Target.line.rawValue {
            for index in lines.indices where lines[index].sku == change.sku {
                lines[index].unitPrice = change.newAmount
            }
        } else {
            shipping = change.newAmount
        }
        let amounts = try OrderViews.amounts(lines: lines, shippingFee: shipping, discount: order.discount, currency: order.currency)
        order.linesJSON = OrderJSON.encode(amounts.lines)
        order.shippingFee = shipping
        order.subtotal = amounts.subtotal
        order.total = amounts.total
        order.updatedAt = unit.now
        try await order.save(on: unit.db)
        unit.record([.priceChanged(PriceChanged(
            order: order.facts, changeID: change.id!, target: change.target, sku: change.sku, originalAmount: change.originalAmount,
            newAmount: change.newAmount, shippingFee: order.shippingFee, subtotal: order.subtotal, discount: order.discount,
            reason: change.reason, changedBy: change.requestedBy, approvedBy: change.decidedBy, conversationID: change.conversationID))],
            accountID: order.accountID, actor: actor)
    }

    static func auditDetails(_ change: PriceChange) -> [String: String] {
        var details = ["target": change.target, "from": String(change.originalAmount), "to": String(change.newAmount),
                       "currency": change.currency, "percent": String(change.discountPercent), "reason": change.reason,
                       "status": change.status.rawValue]
        if let sku = change.sku { details["sku"] = sku }
        if let note = change.note { details["note"] = note }
        return details
    }
}
