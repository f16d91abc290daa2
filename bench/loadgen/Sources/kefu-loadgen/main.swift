import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOConcurrencyHelpers
import WebSocketKit

// kefu-loadgen CONFIG.json: opens a shopper and an agent socket per pair, lets each shopper
// send `rate` messages a second on a fixed schedule for `duration` seconds (the agent answers
// every `replyEvery`-th), and prints one JSON report: acknowledged messages, latency send → ack
// and send → delivery at the other socket, errors, never-acknowledged messages, its own CPU.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("kefu-loadgen: " + message + "\n").utf8))
    exit(2)
}

guard CommandLine.arguments.count == 2, let data = FileManager.default.contents(atPath: CommandLine.arguments[1]),
      let config = try? JSONDecoder().decode(Config.self, from: data) else {
    fail("usage: kefu-loadgen CONFIG.json (see bench/chat_load.py --client swift)")
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// A process's user + system CPU seconds from /proc/PID/stat.
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The machine's jiffies: user nice system idle iowait irq softirq steal.
func machineTicks() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = text.split(separator: "\n").first else { return [] }
    return line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.threads))
let loops = Array(group.makeIterator())
var statsByLoop: [ObjectIdentifier: LoopStats] = [:]
for loop in loops { statsByLoop[ObjectIdentifier(loop)] = LoopStats() }
let pairs: [Pair] = config.pairs.indices.map { i in
    let loop = loops[i % loops.count]
    let pair = Pair(index: i, loop: loop, stats: statsByLoop[ObjectIdentifier(loop)]!)
    pair.replyEvery = config.replyEvery
    return pair
}
let text = config.text ?? "请问这件外套还有 M 码吗？什么时候发货？"
let wsConfig = WebSocketClient.Configuration(maxFrameSize: 1 << 20)

/// Opens both sockets of a pair (the shopper's alone in the spike shape) and sends the
/// shopper's first message (the conversation's).
func open(_ pair: Pair, _ spec: Config.Pair) -> EventLoopFuture<Void> {
    let loop = pair.loop
    let visitorReady = loop.makePromise(of: Void.self)
    let agentReady = loop.makePromise(of: Void.self)
    if let cookie = spec.agentCookie {
        connectAgent(cookie, on: loop) { ws in
            pair.agent = ws
            ws.onText { _, text in pair.agentFrame(text) }
        }.cascade(to: agentReady)
    } else {
        agentReady.succeed(())
    }
    WebSocket.connect(to: config.url + "/api/v1/widget/ws?token=" + spec.visitorToken, configuration: wsConfig, on: loop) { ws in
        pair.visitor = ws
        ws.onText { _, text in pair.visitorFrame(text) }
        visitorReady.succeed(())
    }.cascadeFailure(to: visitorReady)
    return visitorReady.futureResult.and(agentReady.futureResult).flatMap { _ in
        let first = loop.makePromise(of: String.self)
        pair.firstAck = first
        pair.visitor?.send(Frames.send("开始", clientMessageID: UUID().uuidString, conversationID: nil))
        return first.futureResult.map { pair.conversationID = $0 }
    }
}

/// An agent's socket, signed in with `cookie`.
func connectAgent(_ cookie: String, on loop: any EventLoop, _ ready: @escaping @Sendable (WebSocket) -> Void) -> EventLoopFuture<Void> {
    let promise = loop.makePromise(of: Void.self)
    var headers = HTTPHeaders()
    headers.add(name: "Cookie", value: cookie)
    WebSocket.connect(to: config.url + "/api/v1/agent/ws", headers: headers, configuration: wsConfig, on: loop) { ws in
        ready(ws)
        promise.succeed(())
    }.cascadeFailure(to: promise)
    return promise.futureResult
}

// Connect, a bounded number at a time.
let connectStarted = Pair.now()
let concurrency = config.connectConcurrency ?? 50
var next = 0
var connectErrors = 0
let connectLock = NSLock()
let connected = DispatchSemaphore(value: 0)
func connectNext() {
    connectLock.lock()
    guard next < pairs.count else { connectLock.unlock(); return }
    let i = next
    next += 1
    connectLock.unlock()
    open(pairs[i], config.pairs[i]).whenComplete { result in
        if case .failure(let error) = result {
            connectLock.lock(); connectErrors += 1; connectLock.unlock()
            FileHandle.standardError.write(Data("pair \(i): \(error)\n".utf8))
        }
        connected.signal()
        connectNext()
    }
}
for _ in 0..<min(concurrency, pairs.count) { connectNext() }
for _ in pairs.indices { connected.wait() }
let connectSeconds = Double(Pair.now() - connectStarted) / 1e9
if connectErrors > 0 { fail("\(connectErrors) pairs could not connect") }

// The schedule: every shopper sends at start + phase + k / rate (open loop).
let start = Pair.now() + 1_000_000_000
let warmupEnd = start + UInt64(config.warmup * 1e9)
let end = start + UInt64(config.duration * 1e9)
for stats in statsByLoop.values { stats.measuredFrom = warmupEnd }
let interval = 1.0 / config.rate
func schedule(_ pair: Pair, k: Int, phase: Double) {
    let due = start + UInt64((phase + Double(k) * interval) * 1e9)
    guard due < end else { return }
    let wait = Int64(due) - Int64(Pair.now())
    pair.loop.scheduleTask(in: .nanoseconds(max(0, wait))) {
        let now = Pair.now()
        if now > due { pair.stats.lag.append(Double(now - due) / 1e9) }
        pair.send(kind: 0, text: text, measured: now >= warmupEnd)
        schedule(pair, k: k + 1, phase: phase)
    }
}
// The spike shape: the shared inbox's agents connect later; their frames are only counted.
let lateAt: UInt64? = config.lateAgentsAfter.map { start + UInt64($0 * 1e9) }
let lateFrames = NIOLockedValueBox<[String: Int]>([:])
var lateSockets: [WebSocket] = []
let lateLock = NSLock()
var serverAtLate: Double?
if let lateAt, let cookies = config.lateAgents {
    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(lateAt - Pair.now()))) {
        serverAtLate = config.serverPid.flatMap(processCPUSeconds)
        for (i, cookie) in cookies.enumerated() {
            let loop = loops[i % loops.count]
            _ = connectAgent(cookie, on: loop) { ws in
                lateLock.lock(); lateSockets.append(ws); lateLock.unlock()
                ws.onText { _, text in
                    let type = Frames.lastString("type", in: text).map(String.init) ?? "?"
                    lateFrames.withLockedValue { $0["agent_" + type, default: 0] += 1 }
                }
            }
        }
    }
}
var cpuAtWarmupEnd = 0.0
for pair in pairs { pair.loop.execute { schedule(pair, k: 0, phase: Double.random(in: 0..<interval)) } }
Thread.sleep(forTimeInterval: Double(warmupEnd - Pair.now()) / 1e9)
cpuAtWarmupEnd = cpuSeconds()
let serverAtWarmupEnd = config.serverPid.flatMap(processCPUSeconds)
let ticksAtWarmupEnd = machineTicks()
Thread.sleep(forTimeInterval: Double(end - Pair.now()) / 1e9)
let cpuAtEnd = cpuSeconds()
let serverAtEnd = config.serverPid.flatMap(processCPUSeconds)
let ticksAtEnd = machineTicks()
for pair in pairs { pair.loop.execute { pair.ended = true } }

// Drain: wait for the acks still in flight, at most `drain` seconds.
func inFlight() -> Int {
    statsByLoop.map { (key, stats) in
        try! loops.first { ObjectIdentifier($0) == key }!.submit { stats.inFlight.count }.wait()
    }.reduce(0, +)
}
let drainUntil = Pair.now() + UInt64(config.drain * 1e9)
while Pair.now() < drainUntil, inFlight() > 0 { Thread.sleep(forTimeInterval: 0.05) }
Thread.sleep(forTimeInterval: 0.5)

// Report.
func latency(_ values: [Double]) -> Report.Latency {
    guard !values.isEmpty else { return .init(count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0, mean_ms: 0) }
    let sorted = values.sorted()
    func p(_ q: Double) -> Double { (sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] * 1e5).rounded() / 100 }
    return .init(count: sorted.count, p50_ms: p(0.5), p95_ms: p(0.95), p99_ms: p(0.99), max_ms: (sorted.last! * 1e5).rounded() / 100,
                 mean_ms: (sorted.reduce(0, +) / Double(sorted.count) * 1e5).rounded() / 100)
}
var all = LoopStats()
for (key, stats) in statsByLoop {
    let loop = loops.first { ObjectIdentifier($0) == key }!
    try! loop.submit {
        for k in 0..<2 {
            all.ackLatency[k] += stats.ackLatency[k]
            all.deliveryLatency[k] += stats.deliveryLatency[k]
            all.sent[k] += stats.sent[k]
            all.acked[k] += stats.acked[k]
            all.ackedMeasured[k] += stats.ackedMeasured[k]
        }
        all.lag += stats.lag
        all.errors.merge(stats.errors, uniquingKeysWith: +)
        all.received.merge(stats.received, uniquingKeysWith: +)
        all.inFlight.merge(stats.inFlight) { a, _ in a }
    }.wait()
}
let measured = Double(end - warmupEnd) / 1e9
let kinds = ["visitor", "agent"]
let serverCPU = serverAtWarmupEnd.flatMap { a in serverAtEnd.map { $0 - a } }
let ackedInWindow = all.ackedMeasured.reduce(0, +)
let tickDelta = zip(ticksAtWarmupEnd, ticksAtEnd).map { $1 - $0 }
let tickTotal = max(1, tickDelta.reduce(0, +))
let split = Dictionary(uniqueKeysWithValues: zip(["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"],
                                                 tickDelta.map { ($0 * 1000 / tickTotal).rounded() / 10 }))
var report = Report(
    pairs: pairs.count, connect_seconds: (connectSeconds * 100).rounded() / 100, measured_seconds: measured,
    sent: Dictionary(uniqueKeysWithValues: zip(kinds, all.sent)), acked: Dictionary(uniqueKeysWithValues: zip(kinds, all.acked)),
    acked_measured: Dictionary(uniqueKeysWithValues: zip(kinds, all.ackedMeasured)), unacknowledged: all.inFlight.count,
    errors: all.errors,
    ack_latency: Dictionary(uniqueKeysWithValues: zip(kinds, all.ackLatency.map(latency))),
    delivery_latency: Dictionary(uniqueKeysWithValues: zip(kinds, all.deliveryLatency.map(latency))),
    schedule_lag: latency(all.lag), received_frames: all.received,
    client_cpu_seconds: ((cpuAtEnd - cpuAtWarmupEnd) * 100).rounded() / 100,
    client_cpu_percent_of_one_core: ((cpuAtEnd - cpuAtWarmupEnd) / measured * 1000).rounded() / 10,
    server_cpu_seconds: serverCPU.map { ($0 * 100).rounded() / 100 },
    server_cpu_percent_of_one_core: serverCPU.map { ($0 / measured * 1000).rounded() / 10 },
    server_cpu_us_per_message: serverCPU.flatMap { ackedInWindow > 0 ? ($0 / Double(ackedInWindow) * 1e7).rounded() / 10 : nil },
    machine_cpu_split_percent: split, phases: nil)
// The spike shape's phases: measured shopper messages sent before / after the agents came.
if let lateAt {
    var acks: [(at: UInt64, latency: Double)] = []
    var frames: [(at: UInt64, type: String)] = []
    for (key, stats) in statsByLoop {
        let loop = loops.first { ObjectIdentifier($0) == key }!
        try! loop.submit { acks += stats.timedAcks; frames += stats.timedFrames }.wait()
    }
    func phase(_ name: String, from: UInt64, to: UInt64, cpu: Double?) -> Report.Phase {
        let inside = acks.filter { $0.at >= from && $0.at < to }
        var counts: [String: Int] = [:]
        for f in frames where f.at >= from && f.at < to { counts[f.type, default: 0] += 1 }
        let seconds = Double(to - from) / 1e9
        return Report.Phase(name: name, seconds: (seconds * 100).rounded() / 100, acked_visitor: inside.count,
                            acked_per_s: (Double(inside.count) / seconds * 10).rounded() / 10, ack_latency: latency(inside.map(\.latency)),
                            server_cpu_us_per_message: cpu.flatMap { inside.isEmpty ? nil : ($0 / Double(inside.count) * 1e7).rounded() / 10 },
                            received_frames: counts)
    }
    func difference(_ a: Double?, _ b: Double?) -> Double? { a.flatMap { a in b.map { $0 - a } } }
    let before = difference(serverAtWarmupEnd, serverAtLate)
    let after = difference(serverAtLate, serverAtEnd)
    report.phases = [phase("queued (no agent online)", from: warmupEnd, to: max(warmupEnd, lateAt), cpu: before),
                     phase("agents online", from: max(warmupEnd, lateAt), to: end, cpu: after)]
    report.received_frames.merge(lateFrames.withLockedValue { $0 }, uniquingKeysWith: +)
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try! encoder.encode(report), as: UTF8.self))
for pair in pairs {
    _ = pair.visitor?.close()
    _ = pair.agent?.close()
}
for socket in lateSockets { _ = socket.close() }
try? group.syncShutdownGracefully()
