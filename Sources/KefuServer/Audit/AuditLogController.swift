import Fluent
import Foundation
import KefuCore
import Vapor

struct AuditEntryDTO: Content {
    struct Actor: Content {
        var type: String
        var id: UUID?
        var label: String
    }
    var id: Int
    var actor: Actor
    var action: String
    var targetType: String
    var targetId: String?
    var details: [String: String]
    var ip: String?
    var createdAt: Date
}

struct AuditPageDTO: Content {
    var items: [AuditEntryDTO]
    var nextCursor: String?
}

/// Reading the audit log (admins and owners). There is no way to change it.
struct AuditLogController {
    func list(_ req: Request) async throws -> AuditPageDTO {
        let principal = try req.requirePrincipal()
        let limit = try Self.limit(req.query[String.self, at: "limit"])
        var query = AuditEntry.query(on: req.db).filter(\.$accountID == principal.accountID)
        if let raw = req.query[String.self, at: "before"] {
            guard let before = Int(raw), before > 0 else {
                throw DomainError.invalid("before", "before must be a cursor from nextCursor, got '\(raw)'")
            }
            query = query.filter(\.$id < before)
        }
        let rows = try await query.sort(\.$id, .descending).limit(limit + 1).all()
        let page = rows.prefix(limit)
        let items = page.map { e in
            AuditEntryDTO(id: e.id!, actor: .init(type: e.actorType, id: e.actorID, label: e.actorLabel), action: e.action,
                          targetType: e.targetType, targetId: e.targetID,
                          details: (try? JSONDecoder().decode([String: String].self, from: Data(e.details.utf8))) ?? [:],
                          ip: e.ip, createdAt: e.createdAt)
        }
        return AuditPageDTO(items: items, nextCursor: rows.count > limit ? page.last.map { String($0.id!) } : nil)
    }

    static func limit(_ raw: String?) throws -> Int { try Paging.limit(raw, default: 50, max: 200) }
}
