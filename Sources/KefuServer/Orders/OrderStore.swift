import Fluent
import Foundation
import KefuCore
import Vapor

/// Applies the shop platform's updates (`PUT /api/v1/orders/{id}`, `PUT /api/v1/products/{id}`,
/// CSV imports): validated in KefuCore, then written in one transaction per record, so a
/// refused update (unknown status, negative amount, a move the lifecycle forbids) changes
/// nothing.
struct OrderStore {
    let app: Application

    struct OrderResult {
        var order: Order
        var created: Bool
        var becamePaid: Bool
        /// False when the update was the stored order again (nothing written).
        var changed: Bool = true
    }

    /// The platform's update of one order, in its own transaction, caused by `actor`.
    func upsert(order externalId: String, _ input: OrderUpsert, accountID: UUID, by actor: EventActor) async throws -> OrderResult {
        let valid = try input.validated(externalId: externalId)
        return try await app.write { unit in
            try await Self.apply(valid, accountID: accountID, by: actor, imported: false, in: unit)
        }
    }

    /// Stores one validated order inside `unit`, recording `order.updated` (and `order.paid`
    /// when it left the before-payment statuses) unless nothing changed. `imported`: part of
    /// a file import, which the chat does not tell buyers about.
    static func apply(_ valid: ValidOrder, accountID: UUID, by actor: EventActor, imported: Bool, in unit: UnitOfWork) async throws -> OrderResult {
        let tx = unit.db
        let now = unit.now
        let existing = try await Order.query(on: tx).filter(\.$accountID == accountID).filter(\.$externalID == valid.externalId).first()
        if let existing { _ = try await JobClaim.lockRow(table: Order.schema, id: existing.id!, on: tx) }
        let current = existing?.status
        let (status, before) = try OrderTransition.check(current: current, statusBeforeRequest: existing?.statusBeforeRequest, requested: valid.status)
        if let existing, let current {
            if existing.currency != valid.currency, !current.isBeforePayment {
                throw DomainError(.conflict, code: "amounts_locked", message: "the currency of a paid order cannot change", field: "currency")
            }
            if existing.currency == valid.currency {
                try OrderTransition.checkAmountsChange(current: current, old: try amounts(of: existing), new: valid.amounts)
            }
        }
        let order = existing ?? Order()
        let snapshotBefore = existing?.snapshot
        if existing == nil {
            order.id = unit.ids.make()
            order.accountID = accountID
            order.externalID = valid.externalId
            order.createdAt = now
        }
        order.number = valid.number
        order.status = status
        order.statusBeforeRequest = before
        order.currency = valid.currency
        let lines = valid.lines.map { line in
            OrderLineDTO(sku: line.line.sku, title: line.line.title, quantity: line.line.quantity, unitPrice: line.line.unitPrice.minor,
                         amount: (try? line.line.amount.minor) ?? 0, imageUrl: line.imageUrl, productExternalId: line.productExternalId)
        }
        order.linesJSON = OrderJSON.encode(lines)
        order.subtotal = valid.subtotal.minor
        order.shippingFee = valid.amounts.shippingFee.minor
        order.discount = valid.amounts.discount.minor
        order.total = valid.total.minor
        order.buyerExternalID = valid.buyer.externalId
        order.buyerName = valid.buyer.name
        order.buyerTier = valid.buyer.tier.rawValue
        order.payLink = valid.payLink
        order.url = valid.url
        order.placedAt = valid.placedAt ?? existing?.placedAt ?? now
        let becamePaid = (current?.isBeforePayment ?? true) && !status.isBeforePayment && status != .cancelled && existing != nil
        order.paidAt = valid.paidAt ?? existing?.paidAt ?? (becamePaid ? now : nil)
        order.carrier = valid.carrier
        order.trackingNo = valid.trackingNo
        order.trackingEventsJSON = OrderJSON.encode(valid.trackingEvents.map { TrackingEventDTO(at: $0.at, text: $0.text, location: $0.location) })
        // The buyer's chat profile, if the shopper was identified in the widget.
        if let contact = try await Contact.query(on: tx).filter(\.$accountID == accountID)
            .filter(\.$externalID == valid.buyer.externalId).first() {
            order.contactID = contact.id
            if contact.tier != valid.buyer.tier.rawValue || (contact.name == nil && valid.buyer.name != nil) {
                contact.tier = valid.buyer.tier.rawValue
                if contact.name == nil { contact.name = valid.buyer.name }
                try await contact.save(on: tx)
            }
        }
        // The same update sent again (a retry of the platform) changes nothing, not even updatedAt.
        guard order.snapshot != snapshotBefore else { return OrderResult(order: order, created: false, becamePaid: false, changed: false) }
        order.updatedAt = now
        try await order.save(on: tx)
        if status == .unpaid, current != .unpaid { try await Reminders.schedule(order, on: tx, now: now) }
        if becamePaid { try await Reminders.recordPayment(order, on: tx) }
        var facts: [Fact] = [.orderUpdated(OrderUpdated(order: order.facts, previousStatus: current, imported: imported))]
        if becamePaid { facts.append(.orderPaid(OrderPaid(order: order.facts, paidAt: order.paidAt ?? now, imported: imported))) }
        unit.record(facts, accountID: accountID, actor: actor)
        return OrderResult(order: order, created: existing == nil, becamePaid: becamePaid)
    }

    static func amounts(of order: Order) throws(DomainError) -> OrderAmounts {
        OrderAmounts(lines: try OrderJSON.lines(order.linesJSON).map { line throws(DomainError) in
                         OrderLine(sku: line.sku, title: line.title, quantity: line.quantity,
                                   unitPrice: try Money(minor: line.unitPrice, currency: order.currency))
                     },
                     shippingFee: try Money(minor: order.shippingFee, currency: order.currency),
                     discount: try Money(minor: order.discount, currency: order.currency))
    }

    /// A stored order as the platform would send it (to send it back with one change).
    static func platformView(_ order: Order) -> OrderUpsert {
        OrderUpsert(number: order.number, status: order.status.rawValue, currency: order.currency,
                    lines: OrderJSON.lines(order.linesJSON).map { .init(sku: $0.sku, title: $0.title, quantity: $0.quantity, unitPrice: $0.unitPrice,
                                                                        productExternalId: $0.productExternalId, imageUrl: $0.imageUrl) },
                    shippingFee: order.shippingFee, discount: order.discount,
                    buyer: .init(externalId: order.buyerExternalID, name: order.buyerName, tier: order.buyerTier),
                    placedAt: order.placedAt, paidAt: order.paidAt, carrier: order.carrier, trackingNo: order.trackingNo,
                    trackingEvents: OrderJSON.tracking(order.trackingEventsJSON).map { .init(at: $0.at, text: $0.text, location: $0.location) },
                    payLink: order.payLink, url: order.url)
    }

    // MARK: products

    func upsert(product externalId: String, _ input: ProductUpsert, accountID: UUID) async throws -> (Product, created: Bool) {
        let valid = try input.validated(externalId: externalId)
        let now = app.kefu.clock.now()
        let (product, created, _) = try await WriteTransaction.run(on: app.db) { tx in try await Self.apply(valid, accountID: accountID, now: now, on: tx) }
        return (product, created)
    }

    static func apply(_ valid: ValidProduct, accountID: UUID, now: Date, on tx: any Database) async throws -> (Product, created: Bool, changed: Bool) {
        let existing = try await Product.query(on: tx).filter(\.$accountID == accountID).filter(\.$externalID == valid.externalId).first()
        let product = existing ?? Product()
        let snapshotBefore = existing?.snapshot
        if existing == nil {
            product.accountID = accountID
            product.externalID = valid.externalId
            product.createdAt = now
        }
        product.title = valid.title
        product.keywords = valid.keywords.joined(separator: "|")
        product.category = valid.category
        product.currency = valid.currency
        product.marketPrice = valid.marketPrice.minor
        product.memberPrice = valid.memberPrice?.minor
        product.vipPrice = valid.vipPrice?.minor
        product.stock = valid.stock
        product.imageURL = valid.imageUrl
        product.url = valid.url
        product.status = valid.status
        product.searchText = searchText(valid.title, valid.keywords, valid.category, valid.externalId)
        guard product.snapshot != snapshotBefore else { return (product, false, false) }
        product.updatedAt = now
        try await product.save(on: tx)
        return (product, existing == nil, true)
    }

    static func searchText(_ title: String, _ keywords: [String], _ category: String, _ id: String) -> String {
        TextNormalizer().normalize(([title] + keywords + [category, id]).joined(separator: " "))
    }

    // MARK: linking

    /// A shopper identified in the widget as the platform's customer `externalID`: their
    /// orders get linked to the chat profile.
    static func linkOrders(contact: Contact, on db: any Database) async throws {
        guard let externalID = contact.externalID, let contactID = contact.id else { return }
        try await Order.query(on: db).filter(\.$accountID == contact.accountID).filter(\.$buyerExternalID == externalID)
            .set(\.$contactID, to: contactID).update()
        if let tier = try await Order.query(on: db).filter(\.$accountID == contact.accountID).filter(\.$buyerExternalID == externalID)
            .sort(\.$updatedAt, .descending).first()?.buyerTier, contact.tier != tier {
            contact.tier = tier
            try await contact.save(on: db)
        }
    }
}

extension Order {
    /// The order as domain events carry it.
    var facts: OrderSnapshot {
        OrderSnapshot(id: id!, externalID: externalID, number: number, contactID: contactID, buyerExternalID: buyerExternalID,
                      status: status, currency: currency, total: total)
    }
}
