import Foundation
import KefuCore
import XCTest

/// One reporting row per fact that reports count, each with one attribution rule.
final class ReportingRulesTests: XCTestCase {
    let at = Date(timeIntervalSince1970: 1_796_083_200)
    let a = UUID()
    let b = UUID()

    func rows(_ fact: Fact) -> [ReportingRow] {
        ReportingRules.rows(for: DomainEvent(id: UUID(), accountID: UUID(), occurredAt: at, actor: .system, fact: fact))
    }

    func snapshot(assignee: UUID? = nil, status: ConversationStatus = .open) -> ConversationSnapshot {
        ConversationSnapshot(id: UUID(), inboxID: UUID(), contactID: UUID(), status: status, assigneeID: assignee, botActive: false)
    }

    func testAssignmentsAreTellApart() {
        let first = rows(.assigneeChanged(AssigneeChanged(conversation: snapshot(assignee: a), from: nil, to: a, reason: .routed, waitedSeconds: 42)))
        XCTAssertEqual(first.map(\.kind), [.assigned])
        XCTAssertEqual(first.first?.seconds, 42)
        XCTAssertEqual(first.first?.agentID, a)
        let timeout = rows(.assigneeChanged(AssigneeChanged(conversation: snapshot(assignee: b), from: a, to: b, reason: .answerTimeout,
                                                            waitedSeconds: 95)))
        XCTAssertEqual(timeout.map(\.kind), [.reassigned])
        XCTAssertEqual(timeout.first?.fromAgentID, a)
        let byHand = rows(.assigneeChanged(AssigneeChanged(conversation: snapshot(assignee: b), from: a, to: b, reason: .manual)))
        XCTAssertEqual(byHand.map(\.kind), [.transferred])
        let toQueue = rows(.assigneeChanged(AssigneeChanged(conversation: snapshot(), from: a, to: nil, reason: .manual)))
        XCTAssertEqual(toQueue.map(\.kind), [.transferred])
        XCTAssertNil(toQueue.first?.agentID)
    }

    func testResolutionsCountForTheAssigneeAtResolution() {
        let resolved = rows(.statusChanged(StatusChanged(conversation: snapshot(assignee: a, status: .resolved), from: .open, to: .resolved)))
        XCTAssertEqual(resolved.map(\.kind), [.resolved])
        XCTAssertEqual(resolved.first?.agentID, a)
        XCTAssertEqual(rows(.statusChanged(StatusChanged(conversation: snapshot(), from: .resolved, to: .open))).map(\.kind), [.reopened])
        XCTAssertEqual(rows(.statusChanged(StatusChanged(conversation: snapshot(status: .pending), from: .open, to: .pending))), [])
    }

    func testMessagesAndOrdersMakeNoConversationRows() {
        let message = MessageCreated(conversation: snapshot(), messageID: UUID(), seq: 1, senderType: .visitor, senderID: nil, isPrivate: false,
                                     text: "hi", payloadType: nil, systemEvent: nil, attachments: 0)
        XCTAssertEqual(rows(.messageCreated(message)), [])
    }
}
