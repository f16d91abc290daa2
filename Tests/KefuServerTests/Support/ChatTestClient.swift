import Foundation
import KefuCore
@testable import KefuServer
import NIOConcurrencyHelpers
import NIOCore
import Vapor
import XCTest

extension TestApp {
    /// Starts the app's HTTP server on a free port (for WebSocket tests) and returns the port.
    static func listen(_ app: Application, for testCase: XCTestCase) async throws -> Int {
        app.http.server.configuration.port = 0
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        testCase.addTeardownBlock {
            await app.chat.drain()
            await app.server.shutdown()
        }
        guard let port = app.http.server.shared.localAddress?.port else { throw DomainError.notFound("listening port") }
        return port
    }
}

/// A WebSocket client speaking Kefu's chat protocol, for tests.
final class ChatTestClient: Sendable {
    struct Rejected: Error { var status: UInt }
    private struct State {
        var frames: [JSONValue] = []
        var closed = false
    }
    private let state = NIOLockedValueBox(State())
    let socket: WebSocket

    private init(socket: WebSocket) {
        self.socket = socket
        socket.onText { [state] _, text in
            if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
                state.withLockedValue { $0.frames.append(value) }
            }
        }
        socket.onClose.whenComplete { [state] _ in state.withLockedValue { $0.closed = true } }
    }

    static func connect(port: Int, path: String, credentials: Credentials = .anonymous, origin: String? = nil,
                        on app: Application) async throws -> ChatTestClient {
        var headers = HTTPHeaders()
        credentials.apply(to: &headers, method: .GET)
        if let origin { headers.replaceOrAdd(name: .origin, value: origin) }
        let box = NIOLockedValueBox<ChatTestClient?>(nil)
        do {
            // The path keeps its query (`connect(to: URL)` would drop `?token=`).
            try await WebSocket.connect(scheme: "ws", host: "127.0.0.1", port: port, path: path, headers: headers,
                                        on: app.eventLoopGroup.next()) { ws in
                box.withLockedValue { $0 = ChatTestClient(socket: ws) }
            }.get()
        } catch {
            let text = String(describing: error)
            if let range = text.range(of: #"status: (\d+)|(\d{3}) "#, options: .regularExpression),
               let code = UInt(text[range].filter(\.isNumber)) {
                throw Rejected(status: code)
            }
            throw error
        }
        // The upgrade future completes before the callback runs on some loops.
        for _ in 0..<200 where box.withLockedValue({ $0 }) == nil { try await Task.sleep(nanoseconds: 5_000_000) }
        return box.withLockedValue { $0! }
    }

    /// The HTTP status a WebSocket upgrade gets: 101 when it succeeds.
    static func upgradeStatus(port: Int, path: String, credentials: Credentials, on app: Application) async -> UInt {
        do {
            let client = try await connect(port: port, path: path, credentials: credentials, on: app)
            client.close()
            return 101
        } catch let rejected as Rejected {
            return rejected.status
        } catch {
            return 0
        }
    }

    func send(_ object: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: object)
        socket.send(String(decoding: data, as: UTF8.self))
    }

    func sendRaw(_ text: String) { socket.send(text) }

    func sendMessage(_ text: String, conversationID: UUID? = nil, clientMessageID: UUID = UUID(), isPrivate: Bool = false,
                     attachments: [String] = []) {
        var frame: [String: Any] = ["type": "message.send", "clientMessageId": clientMessageID.uuidString, "text": text]
        if let conversationID { frame["conversationId"] = conversationID.uuidString }
        if isPrivate { frame["private"] = true }
        if !attachments.isEmpty { frame["attachments"] = attachments }
        send(frame)
    }

    /// The next frame of `type` (others before it are dropped), or a failure after `timeout`.
    func next(_ type: String, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found: JSONValue? = state.withLockedValue { s in
                guard let index = s.frames.firstIndex(where: { $0["type"]?.string == type }) else { return nil }
                let frame = s.frames[index]
                s.frames.removeFirst(index + 1)
                return frame
            }
            if let found { return found }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        XCTFail("no '\(type)' frame within \(timeout)s; buffered: \(state.withLockedValue { $0.frames })", file: file, line: line)
        throw DomainError.notFound(type)
    }

    /// Frames of `type` that arrive within `window` seconds (to check that none come).
    func collect(_ type: String, for window: Double) async throws -> [JSONValue] {
        try await Task.sleep(nanoseconds: UInt64(window * 1_000_000_000))
        return state.withLockedValue { s in
            let matching = s.frames.filter { $0["type"]?.string == type }
            s.frames.removeAll { $0["type"]?.string == type }
            return matching
        }
    }

    var isClosed: Bool { state.withLockedValue { $0.closed } }

    func close() { _ = socket.close() }
}
