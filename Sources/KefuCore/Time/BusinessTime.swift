import Foundation

/// Business-time arithmetic on a calendar (``BusinessHours``): which moments are open, how much
/// open time lies between two moments, and when a span of open time ends. SLA targets ("first
/// reply within 2 business hours") are measured with these. Open time is real elapsed time
/// inside the opening ranges: a 09:00–18:00 day is nine hours even when the clocks change that
/// night, and an overnight range over a change is an hour shorter or longer.
extension BusinessHours {
    /// How far ``adding(_:to:)`` looks for open time before it gives up (a calendar that never opens).
    public static let searchDays = 800

    /// The open intervals that overlap `from..<to`, clipped to it, in order and merged.
    public func openIntervals(from: Date, to: Date) -> [DateInterval] {
        guard to > from else { return [] }
        let schedule = OpeningSchedule(self)
        let first = schedule.local(from).day - 1
        let last = schedule.local(to).day
        return Self.merge(schedule.intervals(days: first...last)).compactMap { interval in
            let start = max(interval.start, from), end = min(interval.end, to)
            return end > start ? DateInterval(start: start, end: end) : nil
        }
    }

    /// Open seconds between `from` and `to` (0 when `to` is not after `from`).
    public func businessSeconds(from: Date, to: Date) -> TimeInterval {
        openIntervals(from: from, to: to).reduce(0) { $0 + $1.duration }
    }

    /// The moment `seconds` of open time after `start` have passed: for 0, `start` itself; a
    /// span ends inside an open range or at its end. Nil when the calendar does not open within
    /// ``searchDays`` days.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date? {
        guard seconds > 0 else { return start }
        let schedule = OpeningSchedule(self)
        var left = seconds
        var cursor = start
        var day = schedule.local(start).day - 1
        let stop = day + Self.searchDays
        while day < stop {
            let window = day...(day + 7)
            for interval in Self.merge(schedule.intervals(days: window)) where interval.end > cursor {
                let from = max(interval.start, cursor)
                let available = interval.end.timeIntervalSince(from)
                if available >= left { return from.addingTimeInterval(left) }
                left -= available
                cursor = interval.end
            }
            // The next window starts with the last day of this one: its overnight range reaches over.
            day += 7
        }
        return nil
    }

    static func merge(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, interval.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                out.append(interval)
            }
        }
        return out
    }
}

extension OpeningSchedule {
    /// The opening ranges that start on the local days `days`, as moments (overnight ranges end
    /// the next day; "24:00" is the next midnight).
    func intervals(days: ClosedRange<Int>) -> [DateInterval] {
        var out: [DateInterval] = []
        for day in days {
            for span in spans(on: day) {
                let base = day * 86_400
                let start = instant(localSeconds: base + span.start)
                let endLocal = span.overnight ? base + 86_400 + span.end : base + span.end
                let end = instant(localSeconds: endLocal)
                if end > start { out.append(DateInterval(start: start, end: end)) }
            }
        }
        return out
    }
}
