import Fluent
import Foundation
import KefuCore
import Vapor

/// The two WebSocket endpoints: the visitor's (widget) and the agent's (workbench).
enum SocketRoutes {
    static func register(_ v1: any RoutesBuilder) {
        // Authentication happens before the upgrade, so a refused client gets a plain 401/403.
        v1.get("widget", "ws") { req async throws -> Response in
            try refuseWhileDraining(req)
            let visitor = try await WidgetController.visitor(req)
            return try ChatSocketSession.upgrade(req) { req, ws, frames in
                await visitorSession(req, ws, frames, visitor: visitor.viewer)
            }
        }
        v1.get("agent", "ws") { req async throws -> Response in
            try refuseWhileDraining(req)
            let principal = try req.requirePrincipal()
            try checkOrigin(req)
            let viewer = try await Viewer.staff(principal, on: req.db)
            return try ChatSocketSession.upgrade(req) { req, ws, frames in
                await agentSession(req, ws, frames, principal: principal, viewer: viewer)
            }
        }
    }

    static func visitorSession(_ req: Request, _ ws: WebSocket, _ frames: AsyncStream<ChatSocketSession.Incoming>, visitor: Viewer) async {
            guard case .visitor(let accountID, let contactID, let inboxID) = visitor else {
                _ = try? await ws.close(code: .policyViolation)
                return
            }
            let contact = try? await Contact.query(on: req.db).filter(\.$accountID == accountID).filter(\.$id == contactID).first()
            let latest = try? await Conversation.query(on: req.db).filter(\.$accountID == accountID).filter(\.$contactID == contactID)
                .filter(\.$inboxID == inboxID).filter(\.$mergedIntoID == nil).sort(\.$createdAt, .descending).first()
            let connection = SocketConnection(accountID: accountID, party: .visitor(contactID: contactID, inboxID: inboxID), socket: ws, logger: req.logger)
            let caller = Caller.visitor(accountID: accountID, contactID: contactID, inboxID: inboxID, name: contact?.name)
            let session = ChatSocketSession(connection: connection, caller: caller, app: req.application)
            await session.run(frames, hello: VisitorHello(contactId: contactID, conversationId: latest?.id, lastSeq: latest?.lastSeq ?? 0))
    }

    static func agentSession(_ req: Request, _ ws: WebSocket, _ frames: AsyncStream<ChatSocketSession.Incoming>, principal: Principal, viewer: Viewer) async {
            let party: SocketConnection.Party
            guard let caller = try? await Caller.member(principal, on: req.db) else {
                _ = try? await ws.close(code: .policyViolation)
                return
            }
            if let userID = principal.userID,
               let user = try? await User.query(on: req.db).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() {
                var inboxes: Set<UUID> = []
                if case .staff(_, _, _, let ids?) = viewer { inboxes = ids }
                party = .agent(userID: userID, role: user.role, inboxIDs: inboxes, name: user.displayName, agentNumber: user.agentNumber)
            } else if let tokenID = principal.tokenID {
                party = .token(tokenID: tokenID, role: principal.role)
            } else {
                _ = try? await ws.close(code: .policyViolation)
                return
            }
            let connection = SocketConnection(accountID: principal.accountID, party: party, sessionID: principal.sessionID,
                                              socket: ws, logger: req.logger)
            let session = ChatSocketSession(connection: connection, caller: caller, app: req.application)
            await session.run(frames, hello: AgentHello(userId: principal.userID, accountId: principal.accountID))
    }

    static func refuseWhileDraining(_ req: Request) throws {
        if req.application.chat.isDraining {
            throw Abort(.serviceUnavailable, headers: ["Retry-After": "1"], reason: "this instance is shutting down; reconnect")
        }
    }

    /// A browser may open the agent socket only from Kefu's own pages (or a configured origin):
    /// cookies go with cross-site WebSocket requests, so the Origin decides.
    static func checkOrigin(_ req: Request) throws {
        guard let origin = req.headers.first(name: .origin) else { return }
        let host = req.headers.first(name: .host) ?? ""
        let same = origin == "http://\(host)" || origin == "https://\(host)"
        guard same || req.application.kefu.settings.corsOrigins.contains(origin) || req.principal?.kind == .token else {
            throw DomainError.forbidden("WebSocket from origin \(origin) refused")
        }
    }

    struct VisitorHello: Encodable {
        var type = "hello"
        var role = "visitor"
        var contactId: UUID
        var conversationId: UUID?
        var lastSeq: Int
    }

    struct AgentHello: Encodable {
        var type = "hello"
        var role = "agent"
        var userId: UUID?
        var accountId: UUID
    }
}
