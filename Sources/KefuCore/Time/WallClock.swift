import Foundation

/// Where the time comes from. The application owns one clock and every rule takes `now`
/// from it, so tests pin and move time instead of sleeping (``ManualClock``).
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system's time.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until it is set or moved: tests and benchmarks.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_796_083_200)) {  // 2026-12-01T00:00:00Z
        current = start
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by seconds: TimeInterval) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }

    public func set(_ date: Date) {
        lock.lock()
        current = date
        lock.unlock()
    }
}

/// Where new ids come from, owned by the application like the clock.
public protocol IDSource: Sendable {
    func make() -> UUID
}

/// Random version-4 UUIDs.
public struct RandomIDs: IDSource {
    public init() {}
    public func make() -> UUID { UUID() }
}

/// Ids counted up from a prefix (`00000000-0000-4000-8000-000000000001`, …): tests that
/// compare ids or want them in creation order.
public final class SequentialIDs: IDSource, @unchecked Sendable {
    private let lock = NSLock()
    private var next: UInt64 = 1

    public init() {}

    public func make() -> UUID {
        lock.lock()
        let n = next
        next += 1
        lock.unlock()
        let hex = String(n, radix: 16)
        let tail = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return UUID(uuidString: "00000000-0000-4000-8000-" + tail.suffix(12))!
    }
}
