/// Failed sign-ins slow further guesses down, per account **and** client address: after `free`
/// failures within `window` seconds, each further attempt must wait twice as long as the one
/// before (1 s, 2 s, 4 s, … up to `window`). Keyed by address too, so a stranger's wrong
/// passwords never lock the real user out of their own address — the account lockout was a
/// denial-of-service tool (five wrong passwords from anywhere locked the owner out for 15
/// minutes). One address guessing at many accounts is held by the per-address limit.
/// Pure and clock-free like ``SlidingWindowLimiter``; the server keeps one behind a lock.
public struct LoginThrottle: Sendable {
    public let free: Int
    public let window: Double
    private var failures: [String: [Double]] = [:]
    private var writes = 0

    public init(free: Int, windowSeconds: Int) {
        self.free = free
        self.window = Double(windowSeconds)
    }

    public static func key(account: String, address: String) -> String { account.lowercased() + "|" + address }

    /// Whether an attempt for `key` may go ahead at `now`.
    public mutating func check(_ key: String, now: Double) -> SlidingWindowLimiter.Decision {
        prune(key, now: now)
        guard let recent = failures[key], recent.count >= free, let last = recent.last else { return .allowed }
        let wait = min(window, Double(1 << min(recent.count - free, 30)))
        let left = last + wait - now
        return left > 0 ? .refused(retryAfter: max(1, Int(left.rounded(.up)))) : .allowed
    }

    public mutating func failed(_ key: String, now: Double) {
        prune(key, now: now)
        failures[key, default: []].append(now)
        writes += 1
        if writes % 1024 == 0 { failures = failures.filter { $0.value.last.map { now - $0 < window } ?? false } }
    }

    public mutating func succeeded(_ key: String) {
        failures[key] = nil
    }

    public var trackedKeys: Int { failures.count }

    private mutating func prune(_ key: String, now: Double) {
        guard var list = failures[key] else { return }
        list.removeAll { now - $0 >= window }
        failures[key] = list.isEmpty ? nil : list
    }
}
