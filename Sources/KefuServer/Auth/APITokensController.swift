import Fluent
import Foundation
import KefuCore
import Vapor

struct APITokenDTO: Content {
    var id: UUID
    var name: String
    var role: Role
    var prefix: String
    var createdAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?
    /// The secret, present only in the answer to its creation.
    var token: String?

    init(_ t: APIToken, secret: String? = nil) {
        id = t.id!; name = t.name; role = t.role; prefix = t.prefix
        createdAt = t.createdAt; lastUsedAt = t.lastUsedAt; revokedAt = t.revokedAt; token = secret
    }
}

struct CreateAPITokenRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "role"]
    var name: String
    var role: String?
}

/// API tokens for shop platforms. Only signed-in admins and owners manage them:
/// a token can never mint or revoke tokens.
struct APITokensController {
    func list(_ req: Request) async throws -> ItemsDTO<APITokenDTO> {
        let (principal, _) = try req.requireSessionUser()
        let tokens = try await APIToken.query(on: req.db).filter(\.$accountID == principal.accountID)
            .sort(\.$createdAt, .descending).all()
        return ItemsDTO(items: tokens.map { APITokenDTO($0) })
    }

    func create(_ req: Request) async throws -> Response {
        let (principal, userID) = try req.requireSessionUser()
        let input = try req.decodeStrict(CreateAPITokenRequest.self)
        let name = try Validate.name(input.name, field: "name", limit: 80)
        let role = try input.role.map { raw throws(DomainError) in try Role.parse(raw) } ?? .admin
        guard role != .owner else { throw DomainError.invalid("role", "role of a token must be admin, supervisor or agent") }
        try RolePolicy.checkAssign(actor: principal.role, current: nil, wanted: role)
        let secret = SecureToken.make(bytes: 32, prefix: "kefu_")
        let token = APIToken(accountID: principal.accountID, name: name, role: role, tokenHash: TokenHash.sha256(secret),
                             prefix: String(secret.prefix(12)), createdBy: userID)
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await token.create(on: tx)
            try await AuditLog.record("api_token.create", target: "api_token", id: token.id!.uuidString,
                                      details: ["name": name, "role": role.rawValue], by: principal, ip: ip, at: req.now, on: tx)
        }
        return try await APITokenDTO(token, secret: secret).encodeResponse(status: .created, for: req)
    }

    func revoke(_ req: Request) async throws -> HTTPStatus {
        let (principal, _) = try req.requireSessionUser()
        guard let id = req.parameters.get("id", as: UUID.self),
              let token = try await APIToken.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else {
            throw DomainError.notFound("API token")
        }
        guard token.revokedAt == nil else { return .noContent }
        token.revokedAt = req.now
        let ip = req.clientIP
        try await req.db.transaction { tx in
            try await token.save(on: tx)
            try await AuditLog.record("api_token.revoke", target: "api_token", id: id.uuidString,
                                      details: ["name": token.name], by: principal, ip: ip, at: req.now, on: tx)
        }
        return .noContent
    }
}
