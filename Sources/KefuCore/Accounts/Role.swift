/// What a member of a shop may do. Ordered: owner > admin > supervisor > agent.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case owner, admin, supervisor, agent

    public var rank: Int {
        switch self {
        case .owner: 3
        case .admin: 2
        case .supervisor: 1
        case .agent: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Admins and owners manage agents, inboxes, API tokens and read the audit log.
    public var canAdminister: Bool { self >= .admin }

    public static func parse(_ raw: String, field: String = "role") throws(DomainError) -> Role {
        guard let role = Role(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of owner, admin, supervisor, agent; got '\(raw)'")
        }
        return role
    }
}

/// Rules for changing who holds which role.
public enum RolePolicy {
    /// `actor` may give `target` (currently `current`, nil when new) the role `wanted`.
    /// Only an owner makes or unmakes owners; nobody grants a role above their own.
    public static func checkAssign(actor: Role, current: Role?, wanted: Role) throws(DomainError) {
        guard actor.canAdminister else { throw .forbidden("only admins and owners manage agents") }
        if wanted == .owner || current == .owner, actor != .owner {
            throw .forbidden("only an owner can make or change an owner")
        }
        if wanted > actor { throw .forbidden("you cannot grant a role above your own") }
    }

    /// `actor` may deactivate or otherwise edit a member whose role is `target`.
    public static func checkEdit(actor: Role, target: Role) throws(DomainError) {
        guard actor.canAdminister else { throw .forbidden("only admins and owners manage agents") }
        if target == .owner, actor != .owner { throw .forbidden("only an owner can change an owner") }
    }
}
