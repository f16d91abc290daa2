import Vapor

enum ConversationsRoutes {
    /// The agent's side of live chat.
    static func register(_ r: RouteGroups) {
        let conversations = ConversationsController()
        r.member.get("conversations", use: conversations.list)
        r.member.get("conversations", ":id", use: conversations.get)
        r.member.get("conversations", ":id", "messages", use: conversations.messages)
        r.member.post("conversations", ":id", "messages", use: conversations.postMessage)
        r.member.patch("conversations", ":id", use: conversations.update)
        r.member.post("conversations", ":id", "merge", use: conversations.merge)
        r.member.post("conversations", ":id", "read", use: conversations.read)
        r.member.get("messages", "search", use: conversations.searchMessages)
        let contacts = ContactsController()
        r.member.get("contacts", use: contacts.search)
        r.member.get("contacts", ":id", use: contacts.get)
        r.member.patch("contacts", ":id", use: contacts.update)
        let uploads = UploadsController()
        r.member.on(.POST, "uploads", body: .collect(maxSize: UploadsController.bodyLimit), use: uploads.uploadForAgent)
        r.v1.get("attachments", ":accountID", ":id", use: uploads.download)
    }
}
