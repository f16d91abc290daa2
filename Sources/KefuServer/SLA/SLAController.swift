import Fluent
import Foundation
import KefuCore
import Vapor

/// Calendars and SLA policies (supervisors and above change them), the SLA of one ticket or
/// conversation, the next due times of listed ones, the breach list.
struct SLAController {
    // MARK: calendars

    func calendars(_ req: Request) async throws -> ItemsDTO<SLACalendarDTO> {
        ItemsDTO(items: try await req.application.sla.calendars(try req.requirePrincipal().accountID))
    }

    func calendar(_ req: Request) async throws -> SLACalendarDTO {
        let principal = try req.requirePrincipal()
        let row = try await req.application.sla.calendar(req.parameters.get("id", as: UUID.self), accountID: principal.accountID)
        let policies = try await SLAPolicy.query(on: req.db).filter(\.$accountID == principal.accountID).all()
        return req.application.sla.dto(row, policies: policies)
    }

    func createCalendar(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(SLACalendarInput.self)
        let dto = try await req.application.sla.saveCalendar(input, id: nil, by: try req.requirePrincipal(), ip: req.clientIP)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func updateCalendar(_ req: Request) async throws -> SLACalendarDTO {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("calendar") }
        let input = try req.decodeStrict(SLACalendarInput.self)
        return try await req.application.sla.saveCalendar(input, id: id, by: principal, ip: req.clientIP)
    }

    func deleteCalendar(_ req: Request) async throws -> HTTPStatus {
        try await req.application.sla.deleteCalendar(req.parameters.get("id", as: UUID.self), by: try req.requirePrincipal(), ip: req.clientIP)
        return .noContent
    }

    // MARK: policies

    func policies(_ req: Request) async throws -> ItemsDTO<SLAPolicyDTO> {
        ItemsDTO(items: try await req.application.sla.policies(try req.requirePrincipal().accountID))
    }

    func policy(_ req: Request) async throws -> SLAPolicyDTO {
        SLAPolicyDTO(try await req.application.sla.policy(req.parameters.get("id", as: UUID.self), accountID: try req.requirePrincipal().accountID))
    }

    func createPolicy(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(SLAPolicyInput.self)
        let dto = try await req.application.sla.savePolicy(input, id: nil, by: try req.requirePrincipal(), ip: req.clientIP)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func updatePolicy(_ req: Request) async throws -> SLAPolicyDTO {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("SLA policy") }
        _ = try await req.application.sla.policy(id, accountID: principal.accountID)
        let input = try req.decodeStrict(SLAPolicyInput.self)
        return try await req.application.sla.savePolicy(input, id: id, by: principal, ip: req.clientIP)
    }

    func deletePolicy(_ req: Request) async throws -> HTTPStatus {
        try await req.application.sla.deletePolicy(req.parameters.get("id", as: UUID.self), by: try req.requirePrincipal(), ip: req.clientIP)
        return .noContent
    }

    func reorder(_ req: Request) async throws -> ItemsDTO<SLAPolicyDTO> {
        let input = try req.decodeStrict(SLAOrderInput.self)
        return ItemsDTO(items: try await req.application.sla.reorder(input.ids, by: try req.requirePrincipal(), ip: req.clientIP))
    }

    // MARK: clocks

    func ticketStatus(_ req: Request) async throws -> SLAStatusDTO {
        let principal = try req.requirePrincipal()
        let viewer = try await Viewer.staff(principal, on: req.db)
        let ticket = try await viewer.ticket(req.parameters.get("id", as: UUID.self), on: req.db)
        return try await SLAViews.status(.ticket, ticket.id!, accountID: principal.accountID, app: req.application)
    }

    func conversationStatus(_ req: Request) async throws -> SLAStatusDTO {
        let (viewer, conversation) = try await ConversationsController.find(req)
        return try await SLAViews.status(.conversation, conversation.id!, accountID: viewer.accountID, app: req.application)
    }

    /// `GET /sla/due?type=ticket|conversation&ids=a,b,…`: the next due time of each listed one
    /// the caller may see (others are left out).
    func due(_ req: Request) async throws -> ItemsDTO<SLADueDTO> {
        let principal = try req.requirePrincipal()
        let type = try Self.type(req)
        let raw = req.query[String.self, at: "ids"] ?? ""
        let parts = raw.split(separator: ",", omittingEmptySubsequences: true)
        guard parts.count <= SLAViews.maxIDs else { throw DomainError.invalid("ids", "ids: at most \(SLAViews.maxIDs) ids") }
        var ids: [UUID] = []
        for part in parts {
            guard let id = UUID(uuidString: String(part).trimmingCharacters(in: .whitespaces)) else {
                throw DomainError.invalid("ids", "ids: '\(part.prefix(40))' is not an id")
            }
            ids.append(id)
        }
        let viewer = try await Viewer.staff(principal, on: req.db)
        var visible: [UUID] = []
        if !ids.isEmpty {
            switch type {
            case .ticket: visible = try await viewer.tickets(on: req.db).filter(\.$id ~~ ids).all(\.$id)
            case .conversation: visible = try await viewer.conversations(on: req.db).filter(\.$id ~~ ids).all(\.$id)
            }
        }
        return ItemsDTO(items: try await SLAViews.due(type, ids.filter(Set(visible).contains), accountID: principal.accountID, on: req.db))
    }

    /// `GET /sla/breaches?withinMinutes=N&limit=M`: running clocks breached or due within N minutes.
    func breaches(_ req: Request) async throws -> ItemsDTO<SLABreachDTO> {
        let principal = try req.requirePrincipal()
        let within = try Self.int(req, "withinMinutes", default: 0, range: 0...10_080)
        let limit = try Paging.limit(req, default: 50, max: 200)
        let viewer = try await Viewer.staff(principal, on: req.db)
        return ItemsDTO(items: try await SLAViews.breaches(viewer: viewer, within: TimeInterval(within * 60), limit: limit, app: req.application))
    }

    /// `GET /sla/report?days=7&type=ticket|conversation&timeZone=Asia/Shanghai` (supervisors+):
    /// the clocks started in the last `days` days by outcome, per metric, policy and day.
    func report(_ req: Request) async throws -> SLAReportDTO {
        let principal = try req.requirePrincipal()
        let days = try Self.int(req, "days", default: 7, range: 1...366)
        let type = try req.query[String.self, at: "type"].map { _ in try Self.type(req) }
        let zoneName = req.query[String.self, at: "timeZone"] ?? "Asia/Shanghai"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw DomainError.invalid("timeZone", "timeZone: unknown time zone '\(zoneName.prefix(60))'; use an IANA name such as Asia/Shanghai")
        }
        return try await SLAViews.report(accountID: principal.accountID, days: days, type: type, zone: zone, app: req.application)
    }

    static func type(_ req: Request) throws -> SLATargetType {
        let raw = req.query[String.self, at: "type"] ?? ""
        guard let type = SLATargetType(rawValue: raw) else {
            throw DomainError.invalid("type", "type must be ticket or conversation; got '\(raw.prefix(40))'")
        }
        return type
    }

    static func int(_ req: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = req.query[String.self, at: name] else { return value }
        guard let n = Int(raw), range.contains(n) else {
            throw DomainError.invalid(name, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound); got '\(raw.prefix(40))'")
        }
        return n
    }
}
