import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// A shop's macros, and the only writer of them. A member reads the shared macros and their
/// own; writes their own; supervisors and above also write the shared ones. Applying one goes
/// through the conversation's or ticket's own service in one transaction, audited.
struct Macros {
    let app: Application

    static let maxPerShop = 500

    func list(_ principal: Principal, target: AutomationTarget?) async throws -> [MacroDTO] {
        var query = MacroRow.query(on: app.db).filter(\.$accountID == principal.accountID)
        if let target { query = query.filter(\.$target == target.rawValue) }
        let rows = try await query.sort(\.$name).all()
        return rows.filter { $0.ownerID == nil || $0.ownerID == principal.userID }.map(MacroDTO.init)
    }

    /// A macro the caller may use (shared, or their own); others are "not found".
    func row(_ id: UUID?, for principal: Principal) async throws -> MacroRow {
        guard let id, let row = try await MacroRow.query(on: app.db).filter(\.$accountID == principal.accountID).filter(\.$id == id).first(),
              row.ownerID == nil || row.ownerID == principal.userID else {
            throw DomainError.notFound("macro")
        }
        return row
    }

    private func checkWrite(shared: Bool, _ principal: Principal) throws {
        if shared, principal.role < .supervisor {
            throw DomainError.forbidden("shared macros are written by supervisors and above; save it as your own")
        }
        if !shared, principal.userID == nil {
            throw DomainError.invalid("shared", "an API token writes shared macros only")
        }
    }

    func save(_ body: MacroBody, id: UUID?, by principal: Principal, ip: String?) async throws -> MacroDTO {
        let macro: Macro
        switch body.parse() {
        case .success(let parsed): macro = parsed
        case .failure(let error): throw error
        }
        try checkWrite(shared: macro.shared, principal)
        let now = app.kefu.clock.now()
        let accountID = principal.accountID
        let row: MacroRow
        if let id {
            row = try await self.row(id, for: principal)
            try checkWrite(shared: row.ownerID == nil, principal)
        } else {
            let count = try await MacroRow.query(on: app.db).filter(\.$accountID == accountID).count()
            guard count < Self.maxPerShop else { throw DomainError.conflict(nil, "a shop can have at most \(Self.maxPerShop) macros") }
            row = MacroRow()
            row.id = app.kefu.ids.make()
            row.accountID = accountID
            row.uses = 0
            row.createdAt = now
        }
        let members = Set(try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$active == true).all(\.$id))
        for (index, action) in macro.actions.enumerated() {
            if case .assignAgent(let agent) = action, !members.contains(agent) {
                throw DomainError.invalid("actions[\(index)].agentId", "actions[\(index)].agentId: no active member \(agent.uuidString.lowercased()) in this shop")
            }
        }
        row.ownerID = macro.shared ? nil : principal.userID
        row.name = macro.name
        row.target = macro.target.rawValue
        row.actionsJSON = String(decoding: try JSONSorted.encoder.encode(body.actions), as: UTF8.self)
        row.updatedAt = now
        let creating = id == nil
        try await app.db.transaction { tx in
            if creating { try await row.create(on: tx) } else { try await row.update(on: tx) }
            try await AuditLog.record(creating ? "macro.create" : "macro.update", target: "macro", id: row.id!.uuidString,
                                      details: ["name": row.name, "shared": String(row.ownerID == nil)], by: principal, ip: ip, at: now, on: tx)
        }
        return MacroDTO(row)
    }

    func delete(_ id: UUID?, by principal: Principal, ip: String?) async throws {
        let row = try await self.row(id, for: principal)
        try checkWrite(shared: row.ownerID == nil, principal)
        let now = app.kefu.clock.now()
        try await app.db.transaction { tx in
            try await row.delete(on: tx)
            try await AuditLog.record("macro.delete", target: "macro", id: row.id!.uuidString, details: ["name": row.name], by: principal, ip: ip, at: now, on: tx)
        }
    }

    /// What the macro would do to the conversation or ticket (`apply: false`), or does it.
    func run(_ id: UUID?, on targetID: UUID, apply: Bool, by principal: Principal, ip: String?) async throws -> MacroResultDTO {
        let row = try await self.row(id, for: principal)
        guard let macro = row.macro else { throw DomainError.conflict(nil, "the macro's steps no longer check out; edit it") }
        let caller = try await Caller.member(principal, on: app.db)
        // The object as the caller sees it (another inbox's is "not found").
        switch macro.target {
        case .conversation: _ = try await caller.viewer.conversation(targetID, on: app.db)
        case .ticket: _ = try await caller.viewer.ticket(targetID, on: app.db)
        }
        let sql = app.db as! any SQLDatabase
        guard let subject = try await AutomationSubjects.load(macro.target, targetID, accountID: principal.accountID, now: app.kefu.clock.now(), on: sql) else {
            throw DomainError.notFound(macro.target.rawValue)
        }
        var variables = try await AutomationSubjects.variables(subject, accountID: principal.accountID, on: sql)
        // "我是{agent_number}号{agent_name}": the member applying it.
        if let userID = principal.userID, let me = try await User.query(on: app.db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
            variables["agent_name"] = me.displayName
            variables["agent_number"] = String(me.agentNumber)
        }
        let plan = macro.plan(tags: subject.tags, priority: subject.priority, variables: variables)
        var result = MacroResultDTO(
            macroId: row.id!, targetType: macro.target.rawValue, targetId: targetID, applied: false,
            steps: macro.actions.map { MacroResultDTO.Step(type: $0.type, detail: Self.detail($0, plan)) }, reply: plan.reply, note: plan.note,
            status: plan.status, priority: plan.priority, tags: plan.tags.sorted(), assigneeId: plan.assignee)
        guard apply else { return result }
        let use = MacroUse(macroID: row.id!, name: macro.name, targetID: targetID, principal: principal, ip: ip)
        switch macro.target {
        case .conversation: try await applyToConversation(plan, subject: subject, use: use, by: caller)
        case .ticket: try await applyToTicket(plan, subject: subject, use: use, by: caller)
        }
        result.applied = true
        return result
    }

    /// One application of a macro, audited in the transaction that makes it.
    struct MacroUse: Sendable {
        var macroID: UUID
        var name: String
        var targetID: UUID
        var principal: Principal
        var ip: String?

        func record(_ target: String, in unit: UnitOfWork) async throws {
            try await AuditLog.record("macro.apply", target: target, id: targetID.uuidString, details: ["macro": name, "macroId": macroID.uuidString],
                                      by: principal, ip: ip, at: unit.now, on: unit.db)
            try await unit.sql.raw("UPDATE macros SET uses = uses + 1, last_used_at = \(bind: unit.now) WHERE id = \(bind: macroID)").run()
        }
    }

    private func applyToConversation(_ plan: MacroPlan, subject: AutomationSubject, use: MacroUse, by caller: Caller) async throws {
        var update = ConversationUpdate()
        if let status = plan.status, status != subject.status { update.status = ConversationStatus(rawValue: status) }
        if let priority = plan.priority { update.priority = ConversationPriority(rawValue: priority) }
        if plan.tags != subject.tags { update.tags = plan.tags.sorted() }
        if let assignee = plan.assignee { update.assignee = .some(assignee) }
        _ = try await app.conversations.update(use.targetID, update, note: plan.note, reply: plan.reply, by: caller) { unit in
            try await use.record("conversation", in: unit)
        }
    }

    private func applyToTicket(_ plan: MacroPlan, subject: AutomationSubject, use: MacroUse, by caller: Caller) async throws {
        var patch = TicketPatch()
        if let status = plan.status, status != subject.status { patch.status = TicketStatus(rawValue: status) }
        if let priority = plan.priority { patch.priority = TicketPriority(rawValue: priority) }
        patch.addTags = plan.tags.subtracting(subject.tags).sorted()
        patch.removeTags = subject.tags.subtracting(plan.tags).sorted()
        if let assignee = plan.assignee { patch.assignee = .some(assignee) }
        let comments = [plan.note.map { TicketComment(kind: .note, text: $0) }, plan.reply.map { TicketComment(kind: .reply, text: $0) }].compactMap { $0 }
        let audit: @Sendable (UnitOfWork) async throws -> Void = { unit in try await use.record("ticket", in: unit) }
        _ = try await app.tickets.apply(use.targetID, patch, comments: comments, by: caller, audit: audit)
    }

    private static func detail(_ action: AutomationAction, _ plan: MacroPlan) -> String? {
        switch action {
        case .reply: plan.reply
        case .note: plan.note
        case .close: "status=\(plan.status ?? "")"
        default: action.summary
        }
    }
}

extension Application {
    var macros: Macros { Macros(app: self) }
}
