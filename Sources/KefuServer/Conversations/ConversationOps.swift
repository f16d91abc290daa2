import Fluent
import Foundation
import KefuCore
import Vapor

/// Lookups the conversation code shares: the inbox, attachments, the contact, a sender.
enum ConversationOps {
    static func inbox(_ id: UUID, accountID: UUID, on db: any Database) async throws -> Inbox? {
        try await Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$id == id).first()
    }

    /// Checks that the attachment ids were uploaded by this sender in this shop.
    static func attachments(_ ids: [String], accountID: UUID, uploaderType: String, uploaderID: UUID,
                            on db: any Database) async throws -> [AttachmentDTO] {
        guard !ids.isEmpty else { return [] }
        let found = try await Attachment.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids)
            .filter(\.$uploaderType == uploaderType).filter(\.$uploaderID == uploaderID)
            .field(\.$id).field(\.$name).field(\.$contentType).field(\.$size).all()
        let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id!, $0) })
        let dtos = try ids.map { id in
            guard let a = byID[id] else {
                throw DomainError(.invalid, code: "attachment_invalid", message: "attachment \(id) is unknown or not yours", field: "attachments")
            }
            return AttachmentDTO(id: id, name: a.name, contentType: a.contentType, size: a.size, url: AttachmentDTO.url(for: id, accountID: accountID))
        }
        // Marked before the message commits: at worst an upload of a message that then failed is
        // kept, never one a message refers to deleted.
        try await Attachment.query(on: db).filter(\.$accountID == accountID).filter(\.$id ~~ ids).filter(\.$usedAt == nil)
            .set(\.$usedAt, to: Date()).update()
        return dtos
    }

    static func contact(of conversation: Conversation, on db: any Database) async throws -> Contact? {
        try await Contact.query(on: db).filter(\.$accountID == conversation.accountID).filter(\.$id == conversation.contactID).first()
    }

    static func sender(of user: User) -> SenderDTO {
        SenderDTO(id: user.id, name: user.displayName, agentNumber: user.agentNumber)
    }
}
