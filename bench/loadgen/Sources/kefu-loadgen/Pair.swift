import Foundation
import NIOCore
import NIOHTTP1
import WebSocketKit

/// Where the numbers of one event loop's pairs accumulate (only that loop touches them).
final class LoopStats: @unchecked Sendable {  // touched only on its event loop
    var ackLatency: [[Double]] = [[], []]        // [visitor, agent] seconds
    var deliveryLatency: [[Double]] = [[], []]   // by sender: visitor → agent socket, agent → visitor socket
    var lag: [Double] = []
    var sent = [0, 0]
    var acked = [0, 0]
    var ackedMeasured = [0, 0]
    var errors: [String: Int] = [:]
    /// (sent at, latency) of each measured shopper ack, for the spike shape's phases.
    var timedAcks: [(at: UInt64, latency: Double)] = []
    /// (received at, frame type) of every frame to a shopper, for the phases.
    var timedFrames: [(at: UInt64, type: String)] = []
    var received: [String: Int] = [:]
    /// clientMessageId → (sent at, measured, kind)
    var inFlight: [Substring: (at: UInt64, measured: Bool, kind: Int)] = [:]
    /// Acknowledged, not yet delivered to the other side.
    var awaitingDelivery: [Substring: (at: UInt64, measured: Bool, kind: Int)] = [:]
    /// Delivered before their own acknowledgement came.
    var deliveredEarly: Set<Substring> = []
    var measuredFrom: UInt64 = .max
}

/// One shopper and the agent who answers them, on one event loop.
final class Pair: @unchecked Sendable {  // touched only on its event loop
    let index: Int
    let loop: any EventLoop
    let stats: LoopStats
    var visitor: WebSocket?
    var agent: WebSocket?
    var conversationID: String?
    var agentReceived = 0
    var ended = false
    var replyEvery = 0
    var replyText = "好的，马上为您处理。"
    var firstAck: EventLoopPromise<String>?

    init(index: Int, loop: any EventLoop, stats: LoopStats) {
        self.index = index
        self.loop = loop
        self.stats = stats
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func send(kind: Int, text: String, measured: Bool) {
        let cmid = UUID().uuidString
        let socket = kind == 0 ? visitor : agent
        guard let socket, let conversationID else { return }
        stats.inFlight[Substring(cmid)] = (Self.now(), measured, kind)
        stats.sent[kind] += 1
        socket.send(Frames.send(text, clientMessageID: cmid, conversationID: conversationID))
    }

    /// A frame to the shopper's socket.
    func visitorFrame(_ text: String) {
        let type = Frames.lastString("type", in: text) ?? "?"
        stats.received["shopper_" + type, default: 0] += 1
        stats.timedFrames.append((Self.now(), "shopper_" + String(type)))
        switch type {
        case "ack":
            if let promise = firstAck, let conversation = Frames.firstString("conversationId", in: text) {
                firstAck = nil
                promise.succeed(String(conversation))
                return
            }
            acked(text)
        case "message":
            delivered(text, from: "agent", kind: 1)
        case "error":
            failed(text)
        default:
            break
        }
    }

    /// A frame to the agent's socket.
    func agentFrame(_ text: String) {
        let type = Frames.lastString("type", in: text) ?? "?"
        stats.received["agent_" + type, default: 0] += 1
        switch type {
        case "ack":
            acked(text)
        case "message":
            guard delivered(text, from: "visitor", kind: 0) else { return }
            agentReceived += 1
            if replyEvery > 0, agentReceived % replyEvery == 0, !ended {
                send(kind: 1, text: replyText, measured: Self.now() >= stats.measuredFrom)
            }
        case "error":
            failed(text)
        default:
            break
        }
    }

    private func acked(_ text: String) {
        guard let cmid = Frames.firstString("clientMessageId", in: text), let sent = stats.inFlight.removeValue(forKey: cmid) else { return }
        stats.acked[sent.kind] += 1
        if sent.measured {
            stats.ackedMeasured[sent.kind] += 1
            stats.ackLatency[sent.kind].append(Double(Self.now() - sent.at) / 1e9)
            if sent.kind == 0 { stats.timedAcks.append((sent.at, Double(Self.now() - sent.at) / 1e9)) }
        }
        // Keep the send time for the delivery at the other side, unless it was delivered already.
        if stats.deliveredEarly.remove(cmid) == nil { stats.awaitingDelivery[cmid] = sent }
    }

    @discardableResult
    private func delivered(_ text: String, from sender: String, kind: Int) -> Bool {
        guard Frames.firstString("senderType", in: text) == Substring(sender) else { return false }
        guard let cmid = Frames.firstString("clientMessageId", in: text) else { return true }
        if let sent = stats.inFlight[cmid] {
            stats.deliveredEarly.insert(cmid)
            if sent.measured { stats.deliveryLatency[kind].append(Double(Self.now() - sent.at) / 1e9) }
        } else if let sent = stats.awaitingDelivery.removeValue(forKey: cmid), sent.measured {
            stats.deliveryLatency[kind].append(Double(Self.now() - sent.at) / 1e9)
        }
        return true
    }

    private func failed(_ text: String) {
        let code = Frames.firstString("code", in: text).map(String.init) ?? "unknown"
        stats.errors[code, default: 0] += 1
        if let ref = Frames.firstString("ref", in: text) { stats.inFlight.removeValue(forKey: ref) }
    }
}
