import Foundation
import KefuCore
import Vapor

/// Macros: a member's own and the shared ones; previewing and applying one to a conversation or ticket.
struct MacrosController {
    func list(_ req: Request) async throws -> ItemsDTO<MacroDTO> {
        let target: AutomationTarget?
        if let raw = req.query[String.self, at: "target"], !raw.isEmpty {
            guard let parsed = AutomationTarget(rawValue: raw) else { throw DomainError.invalid("target", "target must be conversation or ticket") }
            target = parsed
        } else {
            target = nil
        }
        return ItemsDTO(items: try await req.application.macros.list(try req.requirePrincipal(), target: target))
    }

    func create(_ req: Request) async throws -> Response {
        let body = try req.decodeStrict(MacroBody.self)
        let dto = try await req.application.macros.save(body, id: nil, by: try req.requirePrincipal(), ip: req.clientIP)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> MacroDTO {
        let principal = try req.requirePrincipal()
        let row = try await req.application.macros.row(req.parameters.get("id", as: UUID.self), for: principal)
        let body = try req.decodeStrict(MacroBody.self)
        return try await req.application.macros.save(body, id: row.id!, by: principal, ip: req.clientIP)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        try await req.application.macros.delete(req.parameters.get("id", as: UUID.self), by: try req.requirePrincipal(), ip: req.clientIP)
        return .noContent
    }

    func preview(_ req: Request) async throws -> MacroResultDTO {
        let principal = try req.requirePrincipal()
        let row = try await req.application.macros.row(req.parameters.get("id", as: UUID.self), for: principal)
        let input = try req.decodeStrict(MacroTargetInput.self)
        return try await req.application.macros.run(row.id, on: input.targetId, apply: false, by: principal, ip: req.clientIP)
    }

    func apply(_ req: Request) async throws -> MacroResultDTO {
        let principal = try req.requirePrincipal()
        let row = try await req.application.macros.row(req.parameters.get("id", as: UUID.self), for: principal)
        let input = try req.decodeStrict(MacroTargetInput.self)
        return try await req.application.macros.run(row.id, on: input.targetId, apply: true, by: principal, ip: req.clientIP)
    }
}
