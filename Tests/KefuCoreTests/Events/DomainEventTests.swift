import Foundation
import KefuCore
import XCTest

final class DomainEventTests: XCTestCase {
    func testEveryKindSurvivesTheOutboxsJSON() throws {
        let c = ConversationSnapshot(id: UUID(), inboxID: UUID(), contactID: UUID(), status: .open, assigneeID: UUID(), botActive: false)
        let o = OrderSnapshot(id: UUID(), externalID: "E1", number: "E1", contactID: UUID(), buyerExternalID: "B1", status: .paid,
                              currency: "CNY", total: 1990)
        let ticket = TicketSnapshot(id: UUID(), number: "T-10001", subject: "破损", type: "complaint", source: .chat, status: .open,
                                    urgency: .urgent, priority: .high, contactID: UUID(), inboxID: UUID(), assigneeID: nil)
        let afterSale = CaseSnapshot(id: UUID(), ticketID: ticket.id, ticketNumber: "T-10001", kind: .exchange, reason: .damaged,
                                     state: .agreed, orderExternalID: "E1", externalID: nil, dueAt: Date(timeIntervalSince1970: 1_800_000_000),
                                     ruling: nil, solution: "换货", customerAnswer: .accepted)
        let facts: [Fact] = [
            .conversationOpened(ConversationOpened(conversation: c, channel: "web")),
            .messageCreated(MessageCreated(conversation: c, messageID: UUID(), seq: 3, senderType: .visitor, senderID: UUID(), isPrivate: false,
                                           text: "在吗？", payloadType: nil, systemEvent: nil, attachments: 1)),
            .statusChanged(StatusChanged(conversation: c, from: .open, to: .snoozed, snoozedUntil: Date(timeIntervalSince1970: 1_800_000_000))),
            .assigneeChanged(AssigneeChanged(conversation: c, from: nil, to: UUID(), reason: .routed, waitedSeconds: 12.5)),
            .inboxChanged(InboxChanged(conversation: c, from: UUID(), to: UUID())),
            .queued(Queued(conversation: c, position: 4, etaSeconds: 240)),
            .firstHumanReply(FirstHumanReply(conversation: c, agentID: UUID(), seconds: 31)),
            .botHandedOver(BotHandedOver(conversation: c, reason: .shopperAsked)),
            .merged(ConversationMerged(conversation: c, sourceID: UUID(), messages: 7)),
            .attributesChanged(AttributesChanged(conversation: c, priorityFrom: ConversationPriority.none, priorityTo: .urgent, tagsAdded: ["vip"])),
            .orderUpdated(OrderUpdated(order: o, previousStatus: .unpaid)),
            .orderPaid(OrderPaid(order: o, paidAt: Date(timeIntervalSince1970: 1_800_000_100), imported: true)),
            .priceChanged(PriceChanged(order: o, changeID: UUID(), target: "shipping", sku: nil, originalAmount: 1000, newAmount: 0,
                                       shippingFee: 0, subtotal: 1990, discount: 0, reason: "包邮", changedBy: UUID(), approvedBy: nil,
                                       conversationID: UUID())),
            .reminderSent(ReminderSent(order: o, reminderID: UUID(), kind: .manual, ruleID: nil, agentID: UUID(), conversationID: UUID(),
                                       messageID: UUID(), text: "亲，记得付款哦")),
            .ticketCreated(TicketCreated(ticket: ticket, conversationID: UUID())),
            .ticketUpdated(TicketUpdated(ticket: ticket, changes: [TicketFieldChange(field: "status", from: "new", to: "open")])),
            .ticketCommented(TicketCommented(ticket: ticket, entryID: UUID(), kind: .reply, text: "已安排换货")),
            .caseUpdated(CaseUpdated(afterSaleCase: afterSale, previousState: .requested, change: "state")),
            .compensationApproved(CompensationApproved(entry: CompensationSnapshot(
                id: UUID(), ticketID: ticket.id, caseID: afterSale.id, orderExternalID: "E1", sku: nil, kind: .coupon, amount: 2000,
                currency: "CNY", reason: "damaged", status: .approved, proposedBy: UUID(), approvedBy: UUID(), reverses: nil))),
            .slaWarned(SLAAlert(clockID: UUID(), targetType: .ticket, targetID: ticket.id, metric: .firstReply, policyID: UUID(), policyVersion: 2,
                                at: Date(timeIntervalSince1970: 1_800_000_000), dueAt: Date(timeIntervalSince1970: 1_800_000_600), inboxID: UUID())),
            .slaBreached(SLAAlert(clockID: UUID(), targetType: .conversation, targetID: c.id, metric: .nextReply, policyID: UUID(), policyVersion: 1,
                                  at: Date(timeIntervalSince1970: 1_800_000_600), dueAt: nil, inboxID: nil)),
            .calendarUpdated(CalendarUpdated(calendarID: UUID(), name: "售后", hours: BusinessHours(
                timeZone: "Asia/Shanghai", weekly: ["mon": [.init(start: "09:00", end: "12:00"), .init(start: "13:00", end: "18:00")]],
                holidays: ["2026-10-01"]))),
        ]
        XCTAssertEqual(Set(facts.map(\.kind)), Set(EventKind.allCases), "every kind is covered")
        let actors: [EventActor] = [.visitor(contactID: UUID()), .agent(userID: UUID()), .token(tokenID: UUID()), .bot,
                                    .automation(ruleID: UUID()), .system]
        for (index, fact) in facts.enumerated() {
            let event = DomainEvent(id: UUID(), accountID: UUID(), occurredAt: Date(timeIntervalSince1970: 1_796_083_200.25),
                                    actor: actors[index % actors.count], fact: fact)
            let decoded = try JSONDecoder().decode(DomainEvent.self, from: JSONEncoder().encode(event))
            XCTAssertEqual(decoded, event, "\(fact.kind)")
        }
    }

    func testAnUnknownKindIsRefused() {
        let json = #"{"id":"\#(UUID())","accountId":"\#(UUID())","occurredAt":0,"actor":{"type":"system"},"kind":"no.such","data":{}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(DomainEvent.self, from: Data(json.utf8)))
    }
}
