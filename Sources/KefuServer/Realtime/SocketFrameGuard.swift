import KefuCore
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Vapor
import WebSocketKit

/// Upgrades to a WebSocket whose messages are bounded: Vapor's own upgrader assembles
/// fragmented messages without limit (one anonymous visitor grew the server by 395 MiB with a
/// 256 MiB message in 60 KiB fragments). This one puts ``SocketFrameGuard`` in front of the
/// frame aggregator and caps the aggregator itself.
struct BoundedWebSocketUpgrader: Upgrader {
    let maxMessageBytes: Int
    let onUpgrade: @Sendable (WebSocket) -> Void

    func applyUpgrade(req: Request, res: Response) -> HTTPServerProtocolUpgrader {
        let limit = maxMessageBytes
        return NIOWebSocketServerUpgrader(maxFrameSize: limit, automaticErrorHandling: false, shouldUpgrade: { channel, _ in
            channel.eventLoop.makeSucceededFuture([:])
        }, upgradePipelineHandler: { channel, _ in
            do {
                try channel.pipeline.syncOperations.addHandler(SocketFrameGuard(maxMessageBytes: limit))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
            var config = WebSocket.Configuration()
            config.maxAccumulatedFrameSize = limit
            return WebSocket.server(on: channel, config: config, onUpgrade: onUpgrade)
        })
    }
}

extension Request {
    /// A WebSocket upgrade whose messages (all their fragments together) have at most `maxMessageBytes`.
    /// A request that is not a WebSocket upgrade is answered 426 (it used to get a bare 101 and a
    /// connection that never answered).
    func boundedWebSocket(maxMessageBytes: Int, onUpgrade: @escaping @Sendable (Request, WebSocket) -> Void) throws -> Response {
        let connection = headers[.connection].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard connection.contains("upgrade"), headers.first(name: .upgrade)?.lowercased() == "websocket",
              headers.first(name: .secWebSocketKey)?.isEmpty == false, headers.first(name: .secWebSocketVersion) == "13" else {
            throw Abort(.upgradeRequired, headers: ["Upgrade": "websocket", "Sec-WebSocket-Version": "13"],
                        reason: "this address takes a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13)")
        }
        let res = Response(status: .switchingProtocols)
        res.upgrader = BoundedWebSocketUpgrader(maxMessageBytes: maxMessageBytes, onUpgrade: { ws in onUpgrade(self, ws) })
        return res
    }
}

/// Enforces what RFC 6455 asks of a client's frames before they are assembled, and closes with
/// the standard code: an unmasked frame (1002 protocol error), a message whose fragments together
/// pass the limit (1009 message too big — nothing beyond the limit is kept), text that is not
/// UTF-8 (1007 invalid payload). After a close nothing more is read.
final class SocketFrameGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let maxMessageBytes: Int
    private var messageBytes = 0
    /// The unmasked bytes of a fragmented text message, to check as UTF-8 when it ends.
    private var text: [UInt8]?
    private var closed = false

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else { return close(context, .protocolError) }
        switch frame.opcode {
        case .text, .binary, .continuation:
            messageBytes = (frame.opcode == .continuation ? messageBytes : 0) + frame.length
            guard messageBytes <= maxMessageBytes else {
                text = nil
                return close(context, .messageTooLarge)
            }
            if frame.opcode == .text || (frame.opcode == .continuation && text != nil) {
                var data = frame.data
                data.webSocketUnmask(frame.maskKey!)
                if frame.opcode == .text { text = [] }
                text!.append(contentsOf: data.readableBytesView)
                if frame.fin {
                    let bytes = text!
                    text = nil
                    guard String(validating: bytes, as: UTF8.self) != nil else { return close(context, .dataInconsistentWithMessage) }
                }
            } else if frame.opcode != .continuation {
                text = nil
            }
            if frame.fin { messageBytes = 0 }
        default:
            break
        }
        context.fireChannelRead(data)
    }

    private func close(_ context: ChannelHandlerContext, _ code: WebSocketErrorCode) {
        closed = true
        var buffer = context.channel.allocator.buffer(capacity: 2)
        buffer.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in context.close(promise: nil) }
    }
}
