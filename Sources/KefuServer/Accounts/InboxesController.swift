import Fluent
import Foundation
import KefuCore
import Vapor

struct InboxDTO: Content {
    var id: UUID
    var name: String
    var description: String?
    var widgetKey: String
    var active: Bool
    var agentIds: [UUID]
    var botMode: BotMode
    var businessHours: BusinessHours?
    /// The calendar the inbox keeps its hours by (nil: open around the clock).
    var calendarId: UUID?
    var createdAt: Date?
}

struct CreateInboxRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "description"]
    var name: String
    var description: String?
}

struct UpdateInboxRequest: StrictContent {
    static let allowedFields: Set<String> = ["name", "description", "active", "botMode", "businessHours", "calendarId"]
    var name: String?
    var description: String?
    var active: Bool?
    var botMode: String?
    /// An object sets the hours (of the inbox's calendar, which is made when it has none); JSON
    /// null clears them (always open).
    var businessHours: BusinessHours?
    var clearsBusinessHours = false
    /// A calendar of the shop to keep the hours by; JSON null: open around the clock.
    var calendarId: UUID??

    enum CodingKeys: String, CodingKey { case name, description, active, botMode, businessHours, calendarId }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        active = try c.decodeIfPresent(Bool.self, forKey: .active)
        botMode = try c.decodeIfPresent(String.self, forKey: .botMode)
        businessHours = try c.decodeIfPresent(BusinessHours.self, forKey: .businessHours)
        clearsBusinessHours = c.contains(.businessHours) && businessHours == nil
        if c.contains(.calendarId) { calendarId = .some(try c.decodeIfPresent(UUID.self, forKey: .calendarId)) }
    }
}

/// Inboxes (skill groups): members read them, admins create and change them.
struct InboxesController {
    func list(_ req: Request) async throws -> ItemsDTO<InboxDTO> {
        let principal = try req.requirePrincipal()
        let inboxes = try await Inbox.query(on: req.db).filter(\.$accountID == principal.accountID).sort(\.$createdAt).all()
        let members = try await InboxMember.query(on: req.db).filter(\.$accountID == principal.accountID).all()
        let byInbox = Dictionary(grouping: members, by: \.inboxID)
        return ItemsDTO(items: inboxes.map { Self.dto($0, agentIDs: byInbox[$0.id!]?.map(\.userID) ?? []) })
    }

    func get(_ req: Request) async throws -> InboxDTO {
        let principal = try req.requirePrincipal()
        return try await Self.dto(Self.find(req, principal), on: req.db)
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(CreateInboxRequest.self)
        let ip = req.clientIP
        let inbox = try await Self.create(name: input.name, description: input.description, accountID: principal.accountID,
                                          autoReplies: .standard(req.application.kefu.catalogs), on: req.db) { inbox, tx in
            try await AuditLog.record("inbox.create", target: "inbox", id: inbox.id!.uuidString, details: ["name": inbox.name],
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        return try await Self.dto(inbox, on: req.db).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> InboxDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(UpdateInboxRequest.self)
        let inbox = try await Self.find(req, principal)
        var changes: [String: String] = [:]
        if let raw = input.name {
            let name = try Validate.name(raw, field: "name", limit: 60)
            try await Self.ensureNameFree(name, accountID: principal.accountID, except: inbox.id, on: req.db)
            inbox.name = name
            changes["name"] = name
        }
        if let raw = input.description {
            inbox.description = try Validate.optionalText(raw, field: "description", limit: 500)
            changes["description"] = inbox.description ?? ""
        }
        if let active = input.active {
            inbox.active = active
            changes["active"] = String(active)
        }
        if let raw = input.botMode {
            inbox.botMode = try BotMode.parse(raw)
            changes["botMode"] = raw
        }
        // Hours are kept by a calendar (SLA): naming one links it; new hours change the inbox's
        // calendar (every inbox and SLA clock counting on it follows) or make one named after it.
        if input.businessHours != nil, input.calendarId != nil {
            throw DomainError.invalid("calendarId", "give businessHours or calendarId, not both")
        }
        if let link = input.calendarId {
            if let id = link {
                guard let calendar = try? await req.application.sla.calendar(id, accountID: principal.accountID) else {
                    throw DomainError.invalid("calendarId", "calendarId: no calendar \(id.uuidString.lowercased()) in this shop")
                }
                inbox.calendarID = id
                inbox.businessHoursJSON = FrameCoder.encode(calendar.hours)
                changes["calendarId"] = id.uuidString
            } else {
                inbox.calendarID = nil
                inbox.businessHoursJSON = nil
                changes["calendarId"] = ""
            }
        }
        if let hours = input.businessHours {
            try hours.validate()
            let ip = req.clientIP
            if let calendarID = inbox.calendarID,
               (try? await req.application.sla.calendar(calendarID, accountID: principal.accountID)) != nil {
                _ = try await req.application.sla.saveCalendar(SLACalendarInput(name: nil, hours: hours), id: calendarID, by: principal, ip: ip)
            } else {
                inbox.calendarID = try await req.application.sla.calendarForInbox(named: inbox.name, hours: hours, by: principal, ip: ip).id
            }
            let json = FrameCoder.encode(hours)
            inbox.businessHoursJSON = json
            changes["businessHours"] = json
        } else if input.clearsBusinessHours {
            inbox.businessHoursJSON = nil
            inbox.calendarID = nil
            changes["businessHours"] = ""
        }
        let ip = req.clientIP
        let recorded = changes
        try await req.db.transaction { tx in
            try await inbox.save(on: tx)
            try await AuditLog.record("inbox.update", target: "inbox", id: inbox.id!.uuidString, details: recorded,
                                      by: principal, ip: ip, at: req.now, on: tx)
        }
        req.application.inboxes.changed(inbox.id!, accountID: inbox.accountID)
        return try await Self.dto(inbox, on: req.db)
    }

    /// Creates an inbox with a fresh public widget key; `audit` runs in the same transaction.
    static func create(name raw: String, description: String?, accountID: UUID, autoReplies: AutoReplies? = nil, on db: any Database,
                       audit: @escaping @Sendable (Inbox, any Database) async throws -> Void) async throws -> Inbox {
        let name = try Validate.name(raw, field: "name", limit: 60)
        let description = try Validate.optionalText(description, field: "description", limit: 500)
        try await ensureNameFree(name, accountID: accountID, except: nil, on: db)
        let inbox = Inbox(accountID: accountID, name: name, description: description, widgetKey: SecureToken.make(bytes: 18, prefix: "ibx_"))
        inbox.autoRepliesJSON = autoReplies.map { FrameCoder.encode($0) }
        try await db.transaction { tx in
            try await inbox.create(on: tx)
            try await audit(inbox, tx)
        }
        return inbox
    }

    static func ensureNameFree(_ name: String, accountID: UUID, except id: UUID?, on db: any Database) async throws {
        var query = Inbox.query(on: db).filter(\.$accountID == accountID).filter(\.$name == name)
        if let id { query = query.filter(\.$id != id) }
        if try await query.first() != nil { throw DomainError.conflict("name", "an inbox named '\(name)' already exists") }
    }

    static func find(_ req: Request, _ principal: Principal) async throws -> Inbox {
        guard let id = req.parameters.get("id", as: UUID.self),
              let inbox = try await Inbox.query(on: req.db).filter(\.$accountID == principal.accountID)
                .filter(\.$id == id).first() else {
            throw DomainError.notFound("inbox")
        }
        return inbox
    }

    static func dto(_ inbox: Inbox, agentIDs: [UUID]) -> InboxDTO {
        InboxDTO(id: inbox.id!, name: inbox.name, description: inbox.description, widgetKey: inbox.widgetKey,
                 active: inbox.active, agentIds: agentIDs.sorted { $0.uuidString < $1.uuidString },
                 botMode: inbox.botMode, businessHours: inbox.businessHours, calendarId: inbox.calendarID, createdAt: inbox.createdAt)
    }

    static func dto(_ inbox: Inbox, on db: any Database) async throws -> InboxDTO {
        let members = try await InboxMember.query(on: db).filter(\.$accountID == inbox.accountID)
            .filter(\.$inboxID == inbox.id!).all(\.$userID)
        return dto(inbox, agentIDs: members)
    }
}
