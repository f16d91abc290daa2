import Fluent
import Foundation

/// A shop using Kefu. Its `id` is the `account_id` every other row carries.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(id: UUID? = nil, name: String) {
        self.id = id
        self.name = name
    }
}
