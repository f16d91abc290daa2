import Foundation
import NIOConcurrencyHelpers

/// A small cache for what the chat path reads on every message but rarely changes (an inbox's
/// replies and rules, a customer's language, agents' presence). Entries live `ttl` seconds of real
/// time — what another instance changed is seen after that — and the code that changes a value on
/// this instance forgets it at once (``forget(_:)``). Bounded: past `limit` entries it starts over.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let ttl: Duration
    private let limit: Int
    private let entries = NIOLockedValueBox<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])

    init(ttl: Duration, limit: Int = 50_000) {
        self.ttl = ttl
        self.limit = limit
    }

    /// The cached value, or `load`'s (cached when not nil).
    func value(_ key: Key, load: () async throws -> Value?) async rethrows -> Value? {
        let now = ContinuousClock.now
        if let hit = entries.withLockedValue({ $0[key] }), hit.until > now { return hit.value }
        guard let loaded = try await load() else { return nil }
        entries.withLockedValue { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = (loaded, now.advanced(by: ttl))
        }
        return loaded
    }

    /// Changes a cached value in place (keeping its expiry); nothing when it is not cached.
    func update(_ key: Key, _ body: (inout Value) -> Void) {
        entries.withLockedValue { entries in
            guard var entry = entries[key] else { return }
            body(&entry.value)
            entries[key] = entry
        }
    }

    /// Whether a live entry is cached for `key`.
    func contains(_ key: Key) -> Bool {
        entries.withLockedValue { $0[key] }.map { $0.until > ContinuousClock.now } ?? false
    }

    func forget(_ key: Key) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }

    func forgetAll() {
        entries.withLockedValue { $0.removeAll() }
    }
}
