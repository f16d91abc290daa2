import Fluent
import Foundation
import KefuCore
import Vapor

/// A shop's public form (`forms`): feedback, repair request or complaint. Changed only by ``Forms``.
final class ShopForm: Model, @unchecked Sendable {
    static let schema = "forms"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    /// The public address's key (`frm_` and 16 random characters): not guessable, unique.
    @Field(key: "key") var key: String
    @Field(key: "name") var name: String
    @Enum(key: "kind") var kind: FormKind
    /// The type of the tickets it files (a key of the shop's ticket types).
    @Field(key: "ticket_type") var ticketType: String
    @OptionalField(key: "inbox_id") var inboxID: UUID?
    @OptionalField(key: "intro") var intro: String?
    /// A JSON array of ``FormField``.
    @Field(key: "fields") var fieldsJSON: String
    @Field(key: "active") var active: Bool
    /// Offered in the chat widget.
    @Field(key: "in_widget") var inWidget: Bool
    @Field(key: "submissions") var submissions: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var fields: [FormField] {
        get { (try? JSONDecoder().decode([FormField].self, from: Data(fieldsJSON.utf8))) ?? [] }
        set { fieldsJSON = String(decoding: (try? JSONSorted.encoder.encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    var publicPath: String { "/forms/\(key)" }
}
