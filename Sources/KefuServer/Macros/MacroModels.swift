import Fluent
import Foundation
import KefuCore
import Vapor

/// A macro (`macros`): shared with the team (`owner_id` NULL) or one member's own. Changed only by ``Macros``.
final class MacroRow: Model, @unchecked Sendable {
    static let schema = "macros"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountID: UUID
    /// nil: shared with the team.
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @Field(key: "name") var name: String
    /// conversation or ticket.
    @Field(key: "target") var target: String
    /// The steps (``AutomationRuleBody/Action`` list) as JSON.
    @Field(key: "actions") var actionsJSON: String
    @Field(key: "uses") var uses: Int
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var actions: [AutomationRuleBody.Action] {
        (try? JSONDecoder().decode([AutomationRuleBody.Action].self, from: Data(actionsJSON.utf8))) ?? []
    }

    var body: MacroBody { MacroBody(name: name, target: target, shared: ownerID == nil, actions: actions) }

    var macro: Macro? {
        guard case .success(let macro) = body.parse() else { return nil }
        return macro
    }
}

struct MacroDTO: Content {
    var id: UUID
    var name: String
    var target: String
    var shared: Bool
    var ownerId: UUID?
    var actions: [AutomationRuleBody.Action]
    var uses: Int
    var lastUsedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ row: MacroRow) {
        id = row.id!; name = row.name; target = row.target; shared = row.ownerID == nil; ownerId = row.ownerID
        actions = row.actions; uses = row.uses; lastUsedAt = row.lastUsedAt; createdAt = row.createdAt; updatedAt = row.updatedAt
    }
}

extension MacroBody: StrictContent {
    static let allowedFields: Set<String> = ["name", "target", "shared", "actions"]
}

struct MacroTargetInput: StrictContent {
    static let allowedFields: Set<String> = ["targetId"]
    var targetId: UUID
}

/// What a macro does (preview) or did (apply) to one conversation or ticket.
struct MacroResultDTO: Content {
    struct Step: Content {
        var type: String
        var detail: String?
    }
    var macroId: UUID
    var targetType: String
    var targetId: UUID
    var applied: Bool
    var steps: [Step]
    var reply: String?
    var note: String?
    var status: String?
    var priority: String?
    var tags: [String]
    var assigneeId: UUID?
}
