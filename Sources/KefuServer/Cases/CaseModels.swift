import Fluent
import Foundation
import KefuCore
import Vapor

/// An after-sale case of a ticket (`after_sale_cases`). Changed only by ``AfterSales``.
final class AfterSaleCase: Model, @unchecked Sendable {
    static let schema = "after_sale_cases"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "ticket_id") var ticketID: UUID
    @Enum(key: "kind") var kind: CaseKind
    @Enum(key: "reason") var reason: CaseReason
    @Enum(key: "state") var state: CaseState
    @OptionalField(key: "order_id") var orderID: UUID?
    /// The order lines concerned: a JSON array of ``CaseLine``.
    @Field(key: "lines") var linesJSON: String
    @Field(key: "description") var caseDescription: String
    @OptionalField(key: "external_id") var externalID: String?
    @OptionalField(key: "due_at") var dueAt: Date?
    /// "policy" (the shop's deadlines) or "platform" (given for this case through the API).
    @OptionalField(key: "due_source") var dueSource: String?
    @OptionalEnum(key: "ruling") var ruling: CaseRuling?
    @OptionalField(key: "solution") var solution: String?
    @OptionalEnum(key: "customer_answer") var customerAnswer: CaseCustomerAnswer?
    @OptionalField(key: "customer_answered_at") var customerAnsweredAt: Date?
    /// The complaint procedure: a JSON object step → {at, by}.
    @Field(key: "steps") var stepsJSON: String
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}

    var lines: [CaseLine] {
        get { (try? JSONDecoder().decode([CaseLine].self, from: Data(linesJSON.utf8))) ?? [] }
        set { linesJSON = TicketSettingsStore.encode(newValue) }
    }

    var steps: [String: CaseStepDTO] {
        get { (try? JSONDecoder().decode([String: CaseStepDTO].self, from: Data(stepsJSON.utf8))) ?? [:] }
        set { stepsJSON = TicketSettingsStore.encode(newValue) }
    }
}

/// One order line a case is about.
struct CaseLine: Content, Hashable {
    var sku: String
    var quantity: Int
}

struct CaseStepDTO: Content, Hashable {
    var at: Date
    var by: UUID?
}

/// One row of the compensation ledger (`compensation_entries`). Amounts never change; a pending
/// entry is decided once (approved or rejected); a reversal is a new entry of the opposite sign.
final class CompensationEntry: Model, @unchecked Sendable {
    static let schema = "compensation_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    @Field(key: "ticket_id") var ticketID: UUID
    @OptionalField(key: "case_id") var caseID: UUID?
    @OptionalField(key: "order_id") var orderID: UUID?
    @OptionalField(key: "sku") var sku: String?
    @Enum(key: "kind") var kind: CompensationKind
    /// Minor units; negative for a reversal.
    @Field(key: "amount") var amount: Int64
    @Field(key: "currency") var currency: String
    /// A reason code (the case reasons, or the shop's words).
    @Field(key: "reason") var reason: String
    @Field(key: "note") var note: String
    @Enum(key: "status") var status: CompensationStatus
    @Field(key: "proposed_by_type") var proposedByType: String
    @OptionalField(key: "proposed_by_id") var proposedByID: UUID?
    @OptionalField(key: "approved_by_id") var approvedByID: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "reverses_id") var reversesID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
