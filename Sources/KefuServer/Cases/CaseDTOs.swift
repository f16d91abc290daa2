import Foundation
import KefuCore
import Vapor

struct OpenCaseRequest: StrictContent {
    static let allowedFields: Set<String> = ["kind", "reason", "orderId", "lines", "description", "externalId", "dueAt"]
    var kind: String
    var reason: String
    var orderId: String?
    var lines: [CaseLine]?
    var description: String?
    var externalId: String?
    var dueAt: String?
}

struct UpdateCaseRequest: StrictContent {
    static let allowedFields: Set<String> = ["state", "ruling", "dueAt", "note"]
    var state: String?
    var ruling: String?
    var dueAt: String?
    var note: String?
}

struct CaseStepRequest: StrictContent {
    static let allowedFields: Set<String> = ["step"]
    var step: String
}

struct CaseSolutionRequest: StrictContent {
    static let allowedFields: Set<String> = ["solution"]
    var solution: String
}

struct CaseAnswerRequest: StrictContent {
    static let allowedFields: Set<String> = ["answer", "solution"]
    var answer: String
    /// The solution the customer saw; a different current one is refused (409 `solution_changed`).
    var solution: String?
}

struct CompensationRequest: StrictContent {
    static let allowedFields: Set<String> = ["kind", "amount", "currency", "caseId", "orderId", "sku", "reason", "note"]
    var kind: String
    var amount: Int64
    var currency: String?
    var caseId: UUID?
    var orderId: String?
    var sku: String?
    var reason: String
    var note: String?
}

struct CompensationDecisionRequest: StrictContent {
    static let allowedFields: Set<String> = ["note"]
    var note: String?
}

struct AfterSaleSettingsDTO: Content {
    var deadlines: CaseDeadlinePolicy
    var compensationLimits: CompensationLimits
}

struct AfterSaleSettingsInput: StrictContent {
    static let allowedFields: Set<String> = ["deadlines", "compensationLimits"]
    var deadlines: CaseDeadlinePolicy?
    var compensationLimits: CompensationLimits?
}

struct CaseDeadlineDTO: Content {
    var dueAt: Date
    var source: String
    var secondsLeft: Int
    var warn: Bool
    var overdue: Bool
}

struct CaseDTO: Content {
    var id: UUID
    var ticketId: UUID
    var ticketNumber: String
    var ticketSubject: String
    /// The ticket's customer.
    var customer: TicketPersonDTO?
    var kind: CaseKind
    var reason: CaseReason
    var state: CaseState
    var nextStates: [CaseState]
    var order: TicketOrderDTO?
    var lines: [CaseLine]
    var description: String
    var externalId: String?
    var deadline: CaseDeadlineDTO?
    var ruling: CaseRuling?
    var solution: String?
    var customerAnswer: CaseCustomerAnswer?
    var customerAnsweredAt: Date?
    /// The complaint procedure: each step with when and by whom it was done (absent: not yet).
    var steps: [String: CaseStepDTO]
    var createdAt: Date
    var updatedAt: Date
}

struct CaseListDTO: Content {
    var items: [CaseDTO]
}

struct CompensationDTO: Content {
    var id: UUID
    var ticketId: UUID
    var ticketNumber: String
    var caseId: UUID?
    var orderId: String?
    var sku: String?
    var kind: CompensationKind
    var amount: Int64
    var currency: String
    var reason: String
    var note: String
    var status: CompensationStatus
    var proposedBy: TicketPersonDTO?
    var approvedBy: TicketPersonDTO?
    var decidedAt: Date?
    var decisionNote: String?
    var reverses: UUID?
    var reversedBy: UUID?
    var createdAt: Date
}

struct CompensationListDTO: Content {
    var items: [CompensationDTO]
    /// Per currency: granted (approved, reversals counted), pending.
    var totals: [String: CompensationTotalsDTO]
}

struct CompensationTotalsDTO: Content {
    var granted: Int64
    var pending: Int64
}
