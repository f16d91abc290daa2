import Foundation

/// An order as it stands right after an event.
public struct OrderSnapshot: Codable, Hashable, Sendable {
    public var id: UUID
    public var externalID: String
    public var number: String
    /// The buyer's chat profile, when the buyer was identified in the widget.
    public var contactID: UUID?
    public var buyerExternalID: String
    public var status: OrderStatus
    public var currency: String
    public var total: Int64

    public init(id: UUID, externalID: String, number: String, contactID: UUID?, buyerExternalID: String, status: OrderStatus,
                currency: String, total: Int64) {
        self.id = id
        self.externalID = externalID
        self.number = number
        self.contactID = contactID
        self.buyerExternalID = buyerExternalID
        self.status = status
        self.currency = currency
        self.total = total
    }
}

/// The shop platform created or changed an order (any stored change).
public struct OrderUpdated: Codable, Hashable, Sendable {
    public var order: OrderSnapshot
    /// The status before, nil for a new order.
    public var previousStatus: OrderStatus?
    /// Part of a file import (no chat message, no live panel refresh per order).
    public var imported: Bool
    public init(order: OrderSnapshot, previousStatus: OrderStatus?, imported: Bool = false) {
        self.order = order
        self.previousStatus = previousStatus
        self.imported = imported
    }
    public var created: Bool { previousStatus == nil }
}

/// An order was paid (it left the before-payment statuses other than by cancellation).
public struct OrderPaid: Codable, Hashable, Sendable {
    public var order: OrderSnapshot
    public var paidAt: Date
    /// Part of a file import: the buyer is not told in the chat.
    public var imported: Bool
    public init(order: OrderSnapshot, paidAt: Date, imported: Bool = false) {
        self.order = order
        self.paidAt = paidAt
        self.imported = imported
    }
}

/// A price or the shipping fee of an order changed before payment (applied at once within
/// the requester's limit, or approved by a supervisor).
public struct PriceChanged: Codable, Hashable, Sendable {
    public var order: OrderSnapshot
    public var changeID: UUID
    /// "shipping" or "line".
    public var target: String
    public var sku: String?
    public var originalAmount: Int64
    public var newAmount: Int64
    public var shippingFee: Int64
    public var subtotal: Int64
    public var discount: Int64
    public var reason: String
    public var changedBy: UUID?
    public var approvedBy: UUID?
    /// Where the buyer is told about it (resolved with the requester's visibility).
    public var conversationID: UUID?

    public init(order: OrderSnapshot, changeID: UUID, target: String, sku: String?, originalAmount: Int64, newAmount: Int64,
                shippingFee: Int64, subtotal: Int64, discount: Int64, reason: String, changedBy: UUID?, approvedBy: UUID?,
                conversationID: UUID?) {
        self.order = order
        self.changeID = changeID
        self.target = target
        self.sku = sku
        self.originalAmount = originalAmount
        self.newAmount = newAmount
        self.shippingFee = shippingFee
        self.subtotal = subtotal
        self.discount = discount
        self.reason = reason
        self.changedBy = changedBy
        self.approvedBy = approvedBy
        self.conversationID = conversationID
    }
}

/// Who sent a payment reminder.
public enum ReminderKind: String, Codable, Hashable, Sendable, CaseIterable {
    case automatic, manual
}

/// A payment reminder went out.
public struct ReminderSent: Codable, Hashable, Sendable {
    public var order: OrderSnapshot
    public var reminderID: UUID
    public var kind: ReminderKind
    public var ruleID: UUID?
    public var agentID: UUID?
    public var conversationID: UUID
    public var messageID: UUID
    public var text: String
    public init(order: OrderSnapshot, reminderID: UUID, kind: ReminderKind, ruleID: UUID?, agentID: UUID?, conversationID: UUID,
                messageID: UUID, text: String) {
        self.order = order
        self.reminderID = reminderID
        self.kind = kind
        self.ruleID = ruleID
        self.agentID = agentID
        self.conversationID = conversationID
        self.messageID = messageID
        self.text = text
    }
}
