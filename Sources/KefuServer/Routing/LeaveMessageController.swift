import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

struct LeaveMessageRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "phone", "email", "text"]
    var name: String?
    var phone: String?
    var email: String?
    var text: String
}

struct LeaveMessageDTO: Content {
    var conversationId: UUID
}

/// `POST /api/v1/widget/leave-message?token=`: outside business hours (or whenever the
/// shopper prefers), a message with contact details that becomes a queued conversation
/// answered later.
struct LeaveMessageController {
    /// A left message is typed by a person and carries contact details: 5 a minute per visitor,
    /// 20 a minute per address (it was unlimited: 60 a second were accepted).
    let perVisitor = NIOLockedValueBox(SlidingWindowLimiter(limit: 5, windowSeconds: 60))
    let perAddress = NIOLockedValueBox(SlidingWindowLimiter(limit: 20, windowSeconds: 60))

    func leave(_ req: Request) async throws -> Response {
        let visitor = try await WidgetController.visitor(req)
        let t = req.now.timeIntervalSince1970
        for (limiter, key) in [(perAddress, req.clientIP ?? "unknown"), (perVisitor, visitor.contactID.uuidString)] {
            if case .refused(let retry) = limiter.withLockedValue({ $0.hit(key, now: t) }) {
                throw DomainError(.rateLimited, code: "rate_limited", message: "too many left messages; try again in \(retry) seconds", retryAfter: retry)
            }
        }
        let input = try req.decodeStrict(LeaveMessageRequest.self)
        let text = try ChatValidate.text(input.text, hasAttachments: false)
        let name = try Validate.optionalText(input.name, field: "name", limit: 100)
        let email = try input.email.flatMap { raw throws(DomainError) in
            raw.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try Validate.email(raw)
        }
        let phone = try Validate.optionalText(input.phone, field: "phone", limit: 40)
        if let phone, !phone.allSatisfy({ $0.isNumber || " +-()".contains($0) }) {
            throw DomainError.invalid("phone", "phone may hold digits, spaces and + - ( ) only")
        }
        guard email != nil || phone != nil else {
            throw DomainError.invalid("phone", "leave a phone number or an e-mail address so the shop can answer")
        }
        let db = req.db
        let accountID = visitor.viewer.accountID
        if let contact = try await Contact.query(on: db).filter(\.$accountID == accountID).filter(\.$id == visitor.contactID).first() {
            if let name { contact.name = name }
            if let email { contact.email = email }
            if let phone { contact.phone = phone }
            try await contact.save(on: db)
        }
        let caller = Caller.visitor(accountID: accountID, contactID: visitor.contactID, inboxID: visitor.inboxID, name: name)
        let conversations = req.application.conversations
        let conversation = try await conversations.forVisitor(caller, requested: nil)
        // A person answers a left message: the bot's turn ends.
        try await conversations.handOver(conversation.id!, reason: .leftMessage, timelineText: nil, by: caller)
        try await conversations.sendAsVisitor(
            MessageDraft(text: text, clientMessageID: UUID(), payload: MessagePayload(type: .leaveMessage, articles: [], handover: false)),
            requested: conversation.id!, by: caller)
        return try await LeaveMessageDTO(conversationId: conversation.id!).encodeResponse(status: .created, for: req)
    }
}
