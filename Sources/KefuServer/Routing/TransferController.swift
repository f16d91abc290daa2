import Fluent
import Foundation
import KefuCore
import Vapor

struct TransferRequest: StrictContent {
    static let allowedFields: Set<String> = ["assigneeId", "inboxId", "note"]
    var assigneeId: UUID?
    var inboxId: UUID?
    var note: String?
}

/// `POST /api/v1/conversations/{id}/transfer`: hand a conversation to another agent or
/// inbox with a note for them. To an inbox without an agent, it queues there.
struct TransferController {
    func transfer(_ req: Request) async throws -> ConversationDTO {
        let input = try req.decodeStrict(TransferRequest.self)
        let caller = try await Caller.member(try req.requirePrincipal(), on: req.db)
        let note = try Validate.optionalText(input.note, field: "note", limit: 1000)
        return try await req.application.conversations.transfer(try ConversationsController.id(req), assignee: input.assigneeId,
                                                                inbox: input.inboxId, note: note, by: caller)
    }
}
