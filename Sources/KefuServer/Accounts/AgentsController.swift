import Fluent
import Foundation
import KefuCore
import Vapor

/// The shop's team: list (any member), create and edit (admins and owners).
struct AgentsController {
    func list(_ req: Request) async throws -> ItemsDTO<UserDTO> {
        let principal = try req.requirePrincipal()
        let users = try await User.query(on: req.db).filter(\.$accountID == principal.accountID)
            .sort(\.$agentNumber).all()
        let ids = users.compactMap(\.id)
        let inboxes = try await Team.inboxIDs(of: ids, accountID: principal.accountID, on: req.db)
        let presence = Dictionary(try await AgentPresence.query(on: req.db).filter(\.$accountID == principal.accountID).all()
            .map { ($0.userID, $0) }, uniquingKeysWith: { a, _ in a })
        let loads = try await AgentAvailability.loads(ids, accountID: principal.accountID, on: req.db)
        let now = req.now
        return ItemsDTO(items: users.map { user in
            var dto = UserDTO(user, inboxIDs: inboxes[user.id!] ?? [])
            dto.status = AgentAvailability.effective(presence[user.id!], now: now)
            dto.load = loads[user.id!] ?? 0
            return dto
        })
    }

    func get(_ req: Request) async throws -> UserDTO {
        let principal = try req.requirePrincipal()
        return try await Team.dto(try await Self.find(req, principal), on: req.db)
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(CreateAgentRequest.self)
        let role = try input.role.map { raw throws(DomainError) in try Role.parse(raw) } ?? .agent
        try RolePolicy.checkAssign(actor: principal.role, current: nil, wanted: role)
        let member = Team.NewMember(email: input.email, password: input.password, displayName: input.displayName,
                                    agentNumber: input.agentNumber, role: role, inboxIDs: input.inboxIds ?? [])
        let ip = req.clientIP
        let user = try await Team.createMember(member, accountID: principal.accountID, app: req.application, on: req.db) { user, tx in
            try await AuditLog.record("agent.create", target: "user", id: user.id!.uuidString,
                                      details: ["email": user.email, "role": role.rawValue, "agentNumber": String(user.agentNumber)],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        return try await Team.dto(user, on: req.db).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> UserDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(UpdateAgentRequest.self)
        let user = try await Self.find(req, principal)
        try RolePolicy.checkEdit(actor: principal.role, target: user.role)
        var changes: [String: String] = [:]
        var endSessions = false

        if let name = input.displayName {
            user.displayName = try Validate.name(name, field: "displayName")
            changes["displayName"] = user.displayName
        }
        if let number = input.agentNumber {
            user.agentNumber = try Validate.agentNumber(number)
            try await Team.ensureNumberFree(number, accountID: principal.accountID, except: user.id, on: req.db)
            changes["agentNumber"] = String(number)
        }
        if let raw = input.role {
            let role = try Role.parse(raw)
            try RolePolicy.checkAssign(actor: principal.role, current: user.role, wanted: role)
            if user.role == .owner, role != .owner { try await Self.ensureAnotherOwner(besides: user, on: req.db) }
            user.role = role
            changes["role"] = role.rawValue
        }
        if let active = input.active {
            if !active {
                guard user.id != principal.userID else { throw DomainError.forbidden("you cannot deactivate yourself") }
                if user.role == .owner { try await Self.ensureAnotherOwner(besides: user, on: req.db) }
                endSessions = true
            }
            user.active = active
            changes["active"] = String(active)
        }
        if let password = input.password {
            _ = try Validate.password(password)
            user.passwordHash = try await Passwords.hash(password, cost: req.application.kefu.settings.bcryptCost, on: req.application)
            changes["password"] = "reset"
            endSessions = true
        }
        if let ids = input.inboxIds {
            try await Team.ensureInboxesExist(ids, accountID: principal.accountID, on: req.db)
            changes["inboxIds"] = ids.map(\.uuidString).sorted().joined(separator: ",")
        }

        let userID = user.id!
        let ip = req.clientIP
        let endAll = endSessions
        let recorded = changes
        try await req.db.transaction { tx in
            try await user.save(on: tx)
            if let ids = input.inboxIds { try await Team.setInboxes(ids, for: userID, accountID: principal.accountID, on: tx) }
            if endAll { try await Team.endSessions(of: userID, accountID: principal.accountID, except: nil, on: tx) }
            try await AuditLog.record("agent.update", target: "user", id: userID.uuidString, details: recorded,
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        if endAll { req.application.chat.disconnect(userID: userID, accountID: principal.accountID) }
        return try await Team.dto(user, on: req.db)
    }

    static func find(_ req: Request, _ principal: Principal) async throws -> User {
        guard let id = req.parameters.get("id", as: UUID.self),
              let user = try await User.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else {
            throw DomainError.notFound("agent")
        }
        return user
    }

    /// A shop always keeps at least one active owner.
    static func ensureAnotherOwner(besides user: User, on db: any Database) async throws {
        let owners = try await User.query(on: db).filter(\.$accountID == user.accountID)
            .filter(\.$role == .owner).filter(\.$active == true).filter(\.$id != user.id!).count()
        if owners == 0 { throw DomainError.conflict("role", "a shop needs at least one active owner") }
    }
}
