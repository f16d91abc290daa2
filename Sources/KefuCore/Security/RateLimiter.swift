/// A sliding-window counter: at most `limit` events per `window` seconds per key.
/// Pure and clock-free: callers pass the time, so tests are deterministic.
/// Not thread-safe by itself; the server keeps one behind a lock.
public struct SlidingWindowLimiter: Sendable {
    public let limit: Int
    public let window: Double
    private var events: [String: [Double]] = [:]
    private var checks = 0

    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.window = Double(windowSeconds)
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; retry after this many whole seconds.
        case refused(retryAfter: Int)
    }

    /// Whether another event for `key` at `now` would stay within the limit.
    public mutating func check(_ key: String, now: Double) -> Decision {
        prune(key, now: now)
        let recent = events[key] ?? []
        guard recent.count >= limit, let oldest = recent.first else { return .allowed }
        let wait = oldest + window - now
        return .refused(retryAfter: max(1, Int(wait.rounded(.up))))
    }

    /// Records one event for `key` at `now`.
    public mutating func record(_ key: String, now: Double) {
        prune(key, now: now)
        events[key, default: []].append(now)
        checks += 1
        if checks % 1024 == 0 { pruneAll(now: now) }
    }

    /// Checks and records in one step: the event counts only when allowed.
    public mutating func hit(_ key: String, now: Double) -> Decision {
        let decision = check(key, now: now)
        if decision == .allowed { record(key, now: now) }
        return decision
    }

    /// Forgets `key`, e.g. after a successful sign-in.
    public mutating func reset(_ key: String) {
        events[key] = nil
    }

    public var trackedKeys: Int { events.count }

    private mutating func prune(_ key: String, now: Double) {
        guard var list = events[key] else { return }
        let cutoff = now - window
        if let keep = list.firstIndex(where: { $0 > cutoff }) {
            if keep > 0 { list.removeFirst(keep) }
            events[key] = list
        } else {
            events[key] = nil
        }
    }

    private mutating func pruneAll(now: Double) {
        let cutoff = now - window
        events = events.filter { $0.value.last.map { $0 > cutoff } ?? false }
    }
}
