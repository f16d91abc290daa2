import Fluent
import Foundation
import NIOWebSocket
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// One client's socket: reads frames in order, answers each, and leaves the hub when it closes.
///
/// Messages are pipelined: the reader checks a `message.send` and hands it to the writer in
/// order, then reads the next frame while the first one commits; a second task waits for each
/// commit and answers (`ack` or `error`) in the order the frames came. Any other frame waits
/// until every earlier message is answered, so what a client sees keeps its order.
final class ChatSocketSession: Sendable {
    let connection: SocketConnection
    let caller: Caller
    private let app: Application
    private let db: any Database
    private let limiter: NIOLockedValueBox<TokenBucket>

    init(connection: SocketConnection, caller: Caller, app: Application) {
        self.connection = connection
        self.caller = caller
        self.app = app
        self.db = app.db
        self.limiter = .init(caller.viewer.isVisitor ? TokenBucket(rate: 10, burst: 30) : TokenBucket(rate: 50, burst: 200))
    }

    var viewer: Viewer { caller.viewer }

    /// Upgrades to a WebSocket. The frame handlers are installed on the socket's
    /// event loop at the moment of the upgrade, so no early frame is missed; frames
    /// then reach the session in order through one stream.
    /// A frame as it arrived: its text and when (the rate limit counts arrivals, not the moment
    /// the session gets to the frame, so a backlog worked off at once is not a burst).
    struct Incoming: Sendable {
        var text: String
        var at: Date
    }

    static func upgrade(_ req: Request, start: @escaping @Sendable (Request, WebSocket, AsyncStream<Incoming>) async -> Void) throws -> Response {
        try req.boundedWebSocket(maxMessageBytes: ChatLimits.maxFrameBytes, onUpgrade: { req, ws in
            let (frames, continuation) = AsyncStream<Incoming>.makeStream(bufferingPolicy: .bufferingOldest(ChatLimits.maxPendingFrames))
            let clock = req.application.kefu.clock
            ws.onText { ws, text in
                // Past the queue a frame is answered at once, never dropped silently.
                if case .dropped = continuation.yield(Incoming(text: text, at: clock.now())) {
                    ws.send(FrameCoder.encode(ServerFrame.Error(code: "rate_limited", message: "too many frames waiting; slow down",
                                                                field: nil, ref: reference(in: text))))
                }
            }
            ws.onBinary { _, _ in continuation.yield(Incoming(text: binaryMarker, at: clock.now())) }
            ws.onClose.whenComplete { _ in continuation.finish() }
            req.application.chat.runSession { await start(req, ws, frames) }
        })
    }

    static let binaryMarker = "\u{0}binary"

    /// Runs the session until the socket closes.
    func run(_ frames: AsyncStream<Incoming>, hello: some Encodable) async {
        app.chat.hub.add(connection)
        connection.send(FrameCoder.encode(hello))
        await connected()
        let (answers, answer) = AsyncStream<Answer>.makeStream()
        let answering = Task { for await item in answers { await self.answer(item) } }
        for await frame in frames {
            await handle(frame.text, arrivedAt: frame.at, answer: answer)
        }
        answer.finish()
        await answering.value
        app.chat.hub.remove(connection)
        await disconnected()
    }

    /// What the answering task does, in order.
    private enum Answer: Sendable {
        /// Wait for a message's commit, then `ack` it.
        case message(PendingMessage, ClientFrame.SendMessage)
        /// A message refused before it reached the writer.
        case refused(DomainError, ref: String)
        /// Everything before is answered.
        case barrier(CheckedContinuation<Void, Never>)
    }

    private func handle(_ text: String, arrivedAt: Date, answer: AsyncStream<Answer>.Continuation) async {
        let frame: ClientFrame
        do throws(DomainError) {
            if text == Self.binaryMarker { throw DomainError(.invalid, code: "malformed_frame", message: "frames must be JSON text, not binary") }
            frame = try ClientFrame.parse(text)
        } catch {
            await barrier(answer)
            if error.code == "frame_too_large" {
                sendError(error, ref: nil)
                connection.close(code: .messageTooLarge)
            } else {
                sendError(error, ref: Self.reference(in: text))
            }
            return
        }
        if case .send(let send) = frame {
            do {
                answer.yield(.message(try await submit(send, arrivedAt: arrivedAt), send))
            } catch let error as DomainError {
                answer.yield(.refused(error, ref: send.clientMessageID.uuidString))
            } catch {
                app.logger.error("chat frame failed", metadata: ["error": "\(String(reflecting: error))", "component": "realtime"])
                answer.yield(.refused(Self.internalError, ref: send.clientMessageID.uuidString))
            }
            return
        }
        await barrier(answer)
        do {
            switch frame {
            case .send: break
            case .resume(let id, let afterSeq): try await resume(id, afterSeq: afterSeq)
            case .typing(let id, let typing): try await relayTyping(id, typing: typing)
            case .read(let id, let seq): try await markRead(id, seq: seq)
            case .presence(let status): try await setPresence(status)
            case .ping: connection.send(FrameCoder.encode(ServerFrame.Pong()))
            }
        } catch let error as DomainError {
            sendError(error, ref: frame.type)
        } catch {
            app.logger.error("chat frame failed", metadata: ["error": "\(String(reflecting: error))", "component": "realtime"])
            sendError(Self.internalError, ref: frame.type)
        }
    }

    private static let internalError = DomainError(.invalid, code: "internal_error", message: "the frame could not be handled; try again")

    /// Waits until every earlier message of this socket is answered.
    private func barrier(_ answer: AsyncStream<Answer>.Continuation) async {
        await withCheckedContinuation { continuation in
            if case .terminated = answer.yield(.barrier(continuation)) { continuation.resume() }
        }
    }

    private func answer(_ item: Answer) async {
        switch item {
        case .barrier(let continuation):
            continuation.resume()
        case .refused(let error, let ref):
            sendError(error, ref: ref)
        case .message(let pending, let send):
            let connection = self.connection
            do {
                try await app.conversations.finish(pending) { stored in
                    connection.send(ServerFrame.Ack(
                        clientMessageId: send.clientMessageID, conversationId: stored.message.conversationId, messageId: stored.message.id,
                        seq: stored.message.seq, createdAt: stored.message.createdAt, duplicate: stored.duplicate).json)
                }
            } catch let error as DomainError {
                sendError(error, ref: send.clientMessageID.uuidString)
            } catch {
                app.logger.error("message not stored", metadata: ["error": "\(String(reflecting: error))", "component": "realtime"])
                sendError(Self.internalError, ref: send.clientMessageID.uuidString)
            }
        }
    }

    /// What a refused frame was about, for the error's `ref`: its client message id, else its type.
    static func reference(in text: String) -> String? {
        guard let value = try? JSONParser.parse(text) else { return nil }
        return value["clientMessageId"]?.string ?? value["type"]?.string
    }

    private func sendError(_ error: DomainError, ref: String?) {
        connection.send(FrameCoder.encode(ServerFrame.Error(code: error.code, message: error.message, field: error.field, ref: ref)))
    }

    // MARK: frames

    /// Checks a message and hands it to the writer (the answer comes when it has committed).
    private func submit(_ send: ClientFrame.SendMessage, arrivedAt: Date) async throws -> PendingMessage {
        guard limiter.withLockedValue({ $0.take(now: arrivedAt.timeIntervalSince1970) }) else {
            throw DomainError(.rateLimited, code: "rate_limited", message: "too many messages; slow down")
        }
        let draft = MessageDraft(text: send.text, isPrivate: send.isPrivate, attachmentIDs: send.attachmentIDs, clientMessageID: send.clientMessageID)
        if viewer.isVisitor {
            return try await app.conversations.submitAsVisitor(draft, requested: send.conversationID, by: caller)
        }
        guard let id = send.conversationID else { throw DomainError.notFound("conversation") }
        return try await app.conversations.submit(draft, in: id, by: caller)
    }

    private func resume(_ id: UUID, afterSeq: Int) async throws {
        let conversation = try await viewer.conversation(id, on: db)
        var cursor = afterSeq
        while cursor < conversation.lastSeq {
            let page = try await MessageRows.load(conversationID: id, accountID: viewer.accountID, afterSeq: cursor, limit: 200,
                                                  includePrivate: !viewer.isVisitor, on: db)
            // Only up to the conversation's last message when the resume began: newer ones reach
            // this socket live, and replaying them too let a live frame arrive after `resumed`
            // for a seq the replay had already sent.
            let replay = page.filter { $0.seq <= conversation.lastSeq }
            guard let last = replay.last else { break }
            for message in replay {
                guard connection.send(FrameCoder.encode(ServerFrame.MessageFrame(conversationId: id, message: message))) else { return }
            }
            cursor = last.seq
            if page.count < 200 || replay.count < page.count { break }
        }
        // Visitors skip private notes, so `toSeq` tells where their view is complete.
        connection.send(FrameCoder.encode(ServerFrame.Resumed(conversationId: id, fromSeq: afterSeq,
                                                              toSeq: max(cursor, afterSeq, conversation.lastSeq))))
    }

    private func relayTyping(_ id: UUID, typing: Bool) async throws {
        let conversation = try await viewer.conversation(id, on: db)
        let frame = ServerFrame.Typing(conversationId: id, sender: .init(type: caller.senderType, name: viewer.isVisitor ? nil : caller.sender?.name),
                                       typing: typing)
        app.chat.relay(HubEvent(accountID: viewer.accountID, conversationID: id, inboxID: conversation.inboxID,
                                contactID: conversation.contactID, toVisitor: !viewer.isVisitor, toAgents: true,
                                frame: FrameCoder.encode(frame), except: connection.id))
    }

    private func markRead(_ id: UUID, seq: Int) async throws {
        try await app.conversations.markRead(id, seq: seq, by: caller, except: connection.id)
    }

    private func setPresence(_ status: PresenceStatus) async throws {
        guard case .agent(let userID, _, _, _, _) = connection.party else {
            throw DomainError.forbidden("only agents have a presence status")
        }
        app.chat.presence.set(status, for: userID)
        try await record(userID, status: status, connections: app.chat.hub.connectionCount(userID: userID, accountID: viewer.accountID))
        if status == .online { app.routing.kick() }
        app.chat.presenceFanout.changed(userID, accountID: viewer.accountID, to: status)
    }

    private func connected() async {
        guard case .agent(let userID, _, _, _, _) = connection.party else { return }
        let status = app.chat.presence.status(of: userID)
        if status == .offline {
            try? await setPresence(.online)
        } else {
            try? await record(userID, status: status, connections: app.chat.hub.connectionCount(userID: userID, accountID: viewer.accountID))
        }
    }

    /// Writes the member's presence row and the cached copy routing and the replies read.
    private func record(_ userID: UUID, status: PresenceStatus, connections: Int) async throws {
        let now = app.kefu.clock.now()
        try await AgentAvailability.record(userID: userID, accountID: viewer.accountID, status: status, connections: connections, now: now, on: db)
        app.chat.notePresence(userID, accountID: viewer.accountID, status: status, connections: connections, at: now)
    }

    private func disconnected() async {
        if case .agent(let userID, _, _, _, _) = connection.party,
           app.chat.hub.connectionCount(userID: userID, accountID: viewer.accountID) == 0 {
            app.chat.presence.clear(userID)
            try? await record(userID, status: .offline, connections: 0)
            app.chat.presenceFanout.changed(userID, accountID: viewer.accountID, to: .offline)
        }
    }
}
