import Fluent
import Foundation
import KefuCore
import Vapor

/// Builds the DTOs of orders with what they carry (reminders, a waiting price change, the
/// people named), with one query per kind for a whole list.
struct OrderViews {
    let db: any Database

    /// `dto` as `viewer` may see it: orders are the shop's, but an agent limited to some
    /// inboxes learns the buyer's chat profile only if they can see that customer.
    static func visible(_ dto: OrderDTO, to viewer: Viewer, on db: any Database) async throws -> OrderDTO {
        guard case .staff(_, _, _, .some) = viewer, let contactID = dto.contactId else { return dto }
        if (try? await viewer.contact(contactID, on: db)) != nil { return dto }
        var hidden = dto
        hidden.contactId = nil
        return hidden
    }

    func dto(_ order: Order) async throws -> OrderDTO {
        try await dtos([order])[0]
    }

    func dtos(_ orders: [Order]) async throws -> [OrderDTO] {
        guard let accountID = orders.first?.accountID else { return [] }
        let ids = orders.compactMap(\.id)
        let reminders = try await Reminder.query(on: db).filter(\.$accountID == accountID).filter(\.$orderID ~~ ids).all()
        let pending = try await PriceChange.query(on: db).filter(\.$accountID == accountID).filter(\.$orderID ~~ ids)
            .filter(\.$status == .pending).all()
        let byID = Dictionary(uniqueKeysWithValues: orders.map { ($0.id!, $0) })
        let pendingDTOs = try await changeDTOs(pending, orders: byID)
        return orders.map { order in
            OrderDTO(order, reminders: reminders.filter { $0.orderID == order.id },
                     pendingChange: pendingDTOs.first { dto in pending.contains { $0.id == dto.id && $0.orderID == order.id } })
        }
    }

    func changeDTOs(_ changes: [PriceChange], orders: [UUID: Order]) async throws -> [PriceChangeDTO] {
        guard let accountID = changes.first?.accountID else { return [] }
        let people = Set(changes.flatMap { [$0.requestedBy, $0.decidedBy].compactMap { $0 } })
        let users = people.isEmpty ? [] : try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ Array(people)).all()
        let senders = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, ConversationOps.sender(of: $0)) })
        var known = orders
        let missing = Set(changes.map(\.orderID)).subtracting(known.keys)
        if !missing.isEmpty {
            for order in try await Order.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ Array(missing)).all() {
                known[order.id!] = order
            }
        }
        return changes.compactMap { change in known[change.orderID].map { PriceChangeDTO(change, order: $0, people: senders) } }
    }

    /// Lines with their amounts and the order's totals, checked (no overflow, discount not
    /// above goods and shipping).
    static func amounts(lines: [OrderLineDTO], shippingFee: Int64, discount: Int64, currency: String) throws(DomainError)
        -> (lines: [OrderLineDTO], subtotal: Int64, total: Int64) {
        let amounts = OrderAmounts(
            lines: try lines.map { line throws(DomainError) in
                OrderLine(sku: line.sku, title: line.title, quantity: line.quantity, unitPrice: try Money(minor: line.unitPrice, currency: currency))
            },
            shippingFee: try Money(minor: shippingFee, currency: currency), discount: try Money(minor: discount, currency: currency))
        var priced = lines
        for index in priced.indices { priced[index].amount = try amounts.lines[index].amount.minor }
        return (priced, try amounts.subtotal.minor, try amounts.total.minor)
    }
}
