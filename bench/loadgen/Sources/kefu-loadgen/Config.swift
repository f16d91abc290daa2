import Foundation

/// What bench/chat_load.py hands over (a JSON file): where Kefu listens, the shoppers' visitor
/// tokens and the agents' session cookies (one agent per shopper, in its own inbox), and the
/// schedule.
struct Config: Decodable {
    struct Pair: Decodable {
        var visitorToken: String
        /// The shopper's own agent; none in the spike shape (agents of one shared inbox join later).
        var agentCookie: String?
    }
    /// ws://host:port
    var url: String
    var pairs: [Pair]
    /// Messages per second per shopper (open loop: sends follow the schedule, never wait for acks).
    var rate: Double
    var duration: Double
    var warmup: Double
    /// The agent answers every K-th message it receives (0: never).
    var replyEvery: Int
    /// Seconds to wait for the last acks after the load.
    var drain: Double
    /// Event-loop threads of the client.
    var threads: Int
    /// Sockets opened at once while connecting.
    var connectConcurrency: Int?
    var text: String?
    /// The server's process id: its CPU over the measured window is read from /proc.
    var serverPid: Int32?
    /// The spike shape: these agents (session cookies) connect this many seconds into the
    /// schedule, while the shoppers keep sending; the report splits the figures at that moment.
    var lateAgents: [String]?
    var lateAgentsAfter: Double?
}

/// What it prints on stdout at the end (one JSON object).
struct Report: Encodable {
    struct Latency: Encodable {
        var count: Int
        var p50_ms: Double
        var p95_ms: Double
        var p99_ms: Double
        var max_ms: Double
        var mean_ms: Double
    }
    var pairs: Int
    var connect_seconds: Double
    var measured_seconds: Double
    var sent: [String: Int]
    var acked: [String: Int]
    var acked_measured: [String: Int]
    var unacknowledged: Int
    var errors: [String: Int]
    var ack_latency: [String: Latency]
    var delivery_latency: [String: Latency]
    var schedule_lag: Latency
    var received_frames: [String: Int]
    var client_cpu_seconds: Double
    var client_cpu_percent_of_one_core: Double
    var server_cpu_seconds: Double?
    var server_cpu_percent_of_one_core: Double?
    /// Server CPU per acknowledged message of the measured window, microseconds.
    var server_cpu_us_per_message: Double?
    /// user/system/idle/… of the whole machine over the measured window.
    var machine_cpu_split_percent: [String: Double]
    /// The spike shape: before and after the late agents connected.
    var phases: [Phase]?

    struct Phase: Encodable {
        var name: String
        var seconds: Double
        var acked_visitor: Int
        var acked_per_s: Double
        var ack_latency: Latency
        var server_cpu_us_per_message: Double?
        var received_frames: [String: Int]
    }
}
