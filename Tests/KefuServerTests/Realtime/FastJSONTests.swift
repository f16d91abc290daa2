import Foundation
import KefuCore
@testable import KefuServer
import XCTest

/// The hand-written JSON of the chat path says exactly what the encoders would.
final class FastJSONTests: XCTestCase {
    private let awkward = "引号\"反斜杠\\换行\n制表\t控制\u{01}\u{1F} 😀 </script>"

    private func same(_ fast: String, _ encoded: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try JSONParser.parse(fast), try JSONParser.parse(encoded), fast, file: file, line: line)
    }

    func testAcksAndMessageFramesMatchTheEncoder() throws {
        // setup: a message with every optional part, and one with none
        let at = Date(timeIntervalSince1970: 1_796_000_000.987)
        let full = MessageDTO(
            id: UUID(), conversationId: UUID(), seq: 42, senderType: .bot, sender: SenderDTO(id: UUID(), name: awkward, agentNumber: 8),
            text: awkward, private: true,
            attachments: [AttachmentDTO(id: "a1", name: "图.png", contentType: "image/png", size: 1234, url: "/api/v1/attachments/x/a1")],
            event: "conversation.assigned",
            payload: MessagePayload(type: .botAnswer, articles: [.init(id: UUID(), slug: "s", title: awkward, snippet: "片段", url: "/h/s")],
                                    handover: true),
            clientMessageId: UUID(), createdAt: at)
        let bare = MessageDTO(id: UUID(), conversationId: UUID(), seq: 1, senderType: .visitor, sender: nil, text: "", private: false,
                              attachments: [], event: nil, payload: nil, clientMessageId: nil, createdAt: at)
        let ack = ServerFrame.Ack(clientMessageId: UUID(), conversationId: UUID(), messageId: UUID(), seq: 7, createdAt: at, duplicate: true)

        // act / check
        try same(ack.json, FrameCoder.encode(ack))
        for message in [full, bare] {
            let frame = ServerFrame.MessageFrame(conversationId: message.conversationId, message: message)
            try same(frame.json, FrameCoder.encode(frame))
        }
    }

    func testOutboxRowsOfMessagesMatchTheEncoderAndDecodeBack() throws {
        // setup: with and without the optional parts (assignee, queue time, sender, payload, event)
        let snapshots = [
            ConversationSnapshot(id: UUID(), inboxID: UUID(), contactID: UUID(), status: .open, assigneeID: nil, botActive: true,
                                 queuedAt: Date(timeIntervalSinceReferenceDate: 812_345_678.25)),
            ConversationSnapshot(id: UUID(), inboxID: UUID(), contactID: UUID(), status: .pending, assigneeID: UUID(), botActive: false),
        ]
        for (i, snapshot) in snapshots.enumerated() {
            let created = MessageCreated(conversation: snapshot, messageID: UUID(), seq: 3, senderType: i == 0 ? .visitor : .system,
                                         senderID: i == 0 ? UUID() : nil, isPrivate: i == 1, text: awkward,
                                         payloadType: i == 0 ? .botAnswer : nil, systemEvent: i == 1 ? "conversation.status" : nil,
                                         attachments: i)
            let event = DomainEvent(id: UUID(), accountID: UUID(), occurredAt: Date(timeIntervalSinceReferenceDate: 812_345_999.5),
                                    actor: i == 0 ? .visitor(contactID: UUID()) : .system, fact: .messageCreated(created))

            // act
            let fast = event.outboxJSON
            let encoded = String(decoding: try EventOutbox.encoder.encode(event), as: UTF8.self)

            // check
            try same(fast, encoded)
            XCTAssertEqual(try EventOutbox.decoder.decode(DomainEvent.self, from: Data(fast.utf8)), event)
        }
    }
}
