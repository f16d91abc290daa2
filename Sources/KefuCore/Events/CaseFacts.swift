import Foundation

/// An after-sale case as it stands right after an event.
public struct CaseSnapshot: Codable, Hashable, Sendable {
    public var id: UUID
    public var ticketID: UUID
    public var ticketNumber: String
    public var kind: CaseKind
    public var reason: CaseReason
    public var state: CaseState
    public var orderExternalID: String?
    /// The platform's id of the case, when the platform opened it.
    public var externalID: String?
    public var dueAt: Date?
    public var ruling: CaseRuling?
    public var solution: String?
    public var customerAnswer: CaseCustomerAnswer?

    public init(id: UUID, ticketID: UUID, ticketNumber: String, kind: CaseKind, reason: CaseReason, state: CaseState,
                orderExternalID: String?, externalID: String?, dueAt: Date?, ruling: CaseRuling?, solution: String?,
                customerAnswer: CaseCustomerAnswer?) {
        self.id = id
        self.ticketID = ticketID
        self.ticketNumber = ticketNumber
        self.kind = kind
        self.reason = reason
        self.state = state
        self.orderExternalID = orderExternalID
        self.externalID = externalID
        self.dueAt = dueAt
        self.ruling = ruling
        self.solution = solution
        self.customerAnswer = customerAnswer
    }
}

/// A case was opened or changed: its state, deadline, solution, the customer's answer or a step
/// of the complaint procedure.
public struct CaseUpdated: Codable, Hashable, Sendable {
    public var afterSaleCase: CaseSnapshot
    /// The state before; nil when the case was opened by this event.
    public var previousState: CaseState?
    /// What changed: "opened", "state", "due", "solution", "answer", "step.<name>".
    public var change: String
    public init(afterSaleCase: CaseSnapshot, previousState: CaseState?, change: String) {
        self.afterSaleCase = afterSaleCase
        self.previousState = previousState
        self.change = change
    }
}

/// A ledger entry as it stands.
public struct CompensationSnapshot: Codable, Hashable, Sendable {
    public var id: UUID
    public var ticketID: UUID
    public var caseID: UUID?
    public var orderExternalID: String?
    public var sku: String?
    public var kind: CompensationKind
    public var amount: Int64
    public var currency: String
    public var reason: String
    public var status: CompensationStatus
    public var proposedBy: UUID?
    public var approvedBy: UUID?
    /// The entry this one reverses.
    public var reverses: UUID?

    public init(id: UUID, ticketID: UUID, caseID: UUID?, orderExternalID: String?, sku: String?, kind: CompensationKind, amount: Int64,
                currency: String, reason: String, status: CompensationStatus, proposedBy: UUID?, approvedBy: UUID?, reverses: UUID?) {
        self.id = id
        self.ticketID = ticketID
        self.caseID = caseID
        self.orderExternalID = orderExternalID
        self.sku = sku
        self.kind = kind
        self.amount = amount
        self.currency = currency
        self.reason = reason
        self.status = status
        self.proposedBy = proposedBy
        self.approvedBy = approvedBy
        self.reverses = reverses
    }
}

/// A compensation was granted (within the proposer's limit, or approved), or a reversal was
/// recorded: the shop platform carries it out.
public struct CompensationApproved: Codable, Hashable, Sendable {
    public var entry: CompensationSnapshot
    public init(entry: CompensationSnapshot) { self.entry = entry }
}
