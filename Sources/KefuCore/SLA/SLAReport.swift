import Foundation

/// How well promised times were kept: clocks counted by outcome, overall and per metric, policy
/// and day (the day the clock started, in the shop's time zone).
public enum SLAReport {
    /// One clock as the report sees it.
    public struct Clock: Hashable, Sendable {
        public var metric: SLAMetric
        public var policyID: UUID
        public var state: SLAClock.State
        public var activatedAt: Date
        public var breachedAt: Date?

        public init(metric: SLAMetric, policyID: UUID, state: SLAClock.State, activatedAt: Date, breachedAt: Date?) {
            self.metric = metric
            self.policyID = policyID
            self.state = state
            self.activatedAt = activatedAt
            self.breachedAt = breachedAt
        }
    }

    /// Clocks by outcome. `achievement` = met on time ÷ (met on time + met late + breached and still
    /// open); nil when none of those exist yet.
    public struct Summary: Codable, Hashable, Sendable {
        public var clocks = 0
        public var metOnTime = 0
        public var metLate = 0
        public var breachedOpen = 0
        public var openOnTime = 0
        public var cancelled = 0

        public init() {}

        public var decided: Int { metOnTime + metLate + breachedOpen }
        public var achievement: Double? { decided == 0 ? nil : Double(metOnTime) / Double(decided) }

        mutating func add(_ clock: Clock) {
            clocks += 1
            switch (clock.state, clock.breachedAt != nil) {
            case (.fulfilled, false): metOnTime += 1
            case (.fulfilled, true): metLate += 1
            case (.cancelled, _): cancelled += 1
            case (_, true): breachedOpen += 1
            case (_, false): openOnTime += 1
            }
        }
    }

    public struct Result: Sendable {
        public var total = Summary()
        public var byMetric: [SLAMetric: Summary] = [:]
        public var byPolicy: [UUID: Summary] = [:]
        /// "YYYY-MM-DD" in the report's time zone, every day of the range (empty days too).
        public var byDay: [(day: String, summary: Summary)] = []
    }

    /// Counts `clocks` started in `from..<to`, days cut in `zone`.
    public static func build(_ clocks: [Clock], from: Date, to: Date, zone: TimeZone) -> Result {
        var result = Result()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = zone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        var days: [String: Summary] = [:]
        var order: [String] = []
        var cursor = calendar.startOfDay(for: from)
        while cursor < to {
            let key = formatter.string(from: cursor)
            if days[key] == nil { days[key] = Summary(); order.append(key) }
            guard let next = calendar.date(byAdding: .day, value: 1, to: cursor) else { break }
            cursor = next
        }
        for clock in clocks where clock.activatedAt >= from && clock.activatedAt < to {
            result.total.add(clock)
            result.byMetric[clock.metric, default: Summary()].add(clock)
            result.byPolicy[clock.policyID, default: Summary()].add(clock)
            let key = formatter.string(from: clock.activatedAt)
            if days[key] == nil { days[key] = Summary(); order.append(key) }
            days[key]?.add(clock)
        }
        result.byDay = order.sorted().map { ($0, days[$0] ?? Summary()) }
        return result
    }
}
