import Foundation

/// When a shop answers: weekly opening hours in the shop's time zone, minus holidays. Used
/// by the bot ("outside hours" mode), routing and auto-replies.
///
/// JSON: `{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"18:00"}]},"holidays":["2026-10-01"]}`
/// (`weekly` and `holidays` may be left out).
///
/// All times are wall-clock times in ``timeZone``, so "09:00" stays 09:00 across daylight
/// saving changes. A range whose end is not after its start runs past midnight
/// (22:00–02:00; 09:00–09:00 is 24 hours) and belongs to the day it starts: a holiday on that
/// day closes it, after-midnight part included, while a holiday the next day does not cut
/// the previous evening's range short. Ranges of a day may overlap; they are united.
public struct BusinessHours: Codable, Sendable, Hashable {
    /// Opening time to closing time, "HH:mm"; the end may be "24:00".
    public struct TimeRange: Codable, Sendable, Hashable {
        public var start: String
        public var end: String

        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    /// IANA time zone name, e.g. "Asia/Shanghai".
    public var timeZone: String
    /// Opening ranges by day: "mon", "tue", "wed", "thu", "fri", "sat", "sun". A day left
    /// out is closed.
    public var weekly: [String: [TimeRange]]
    /// Days closed all day, "YYYY-MM-DD" in the shop's time zone.
    public var holidays: [String]
    /// Special working days (调休): dates open with their own ranges whatever their weekday,
    /// e.g. a Sunday worked to make up for a holiday.
    public var workdays: [WorkDay]

    /// A date worked outside the weekly pattern, with its ranges.
    public struct WorkDay: Codable, Sendable, Hashable {
        public var date: String
        public var ranges: [TimeRange]

        public init(date: String, ranges: [TimeRange]) {
            self.date = date
            self.ranges = ranges
        }
    }

    public init(timeZone: String, weekly: [String: [TimeRange]], holidays: [String] = [], workdays: [WorkDay] = []) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
        self.workdays = workdays
    }

    /// The day keys, Monday first.
    public static let dayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let maxRangesPerDay = 10
    public static let maxHolidays = 1000
    /// How far ``nextOpening(after:)`` looks ahead.
    public static let lookaheadDays = 14

    /// Open around the clock, every day.
    public static let alwaysOpen = BusinessHours(
        timeZone: "UTC",
        weekly: Dictionary(uniqueKeysWithValues: dayKeys.map { ($0, [TimeRange(start: "00:00", end: "24:00")]) }))

    enum CodingKeys: String, CodingKey { case timeZone, weekly, holidays, workdays }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try c.decode(String.self, forKey: .timeZone)
        weekly = try c.decodeIfPresent([String: [TimeRange]].self, forKey: .weekly) ?? [:]
        holidays = try c.decodeIfPresent([String].self, forKey: .holidays) ?? []
        workdays = try c.decodeIfPresent([WorkDay].self, forKey: .workdays) ?? []
    }

    /// `workdays` only when there are some, so hours stored before them read back unchanged.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(weekly, forKey: .weekly)
        try c.encode(holidays, forKey: .holidays)
        if !workdays.isEmpty { try c.encode(workdays, forKey: .workdays) }
    }

    // MARK: validation

    /// Throws `.invalid` with field "businessHours" and a message naming the exact entry:
    /// an unknown time zone, day key, time not in "HH:mm" or date not in "YYYY-MM-DD".
    public func validate() throws(DomainError) {
        func fail(_ message: String) -> DomainError { .invalid("businessHours", "businessHours." + message) }
        guard TimeZone(identifier: timeZone) != nil else {
            throw fail("timeZone: unknown time zone '\(timeZone)'; use an IANA name such as Asia/Shanghai")
        }
        for key in weekly.keys.sorted() where !Self.dayKeys.contains(key) {
            throw fail("weekly: unknown day '\(key)'; use \(Self.dayKeys.joined(separator: ", "))")
        }
        for key in Self.dayKeys {
            guard let ranges = weekly[key] else { continue }
            guard ranges.count <= Self.maxRangesPerDay else {
                throw fail("weekly.\(key): \(ranges.count) ranges; at most \(Self.maxRangesPerDay) a day")
            }
            for (index, range) in ranges.enumerated() {
                guard Self.minutes(range.start, allowMidnightEnd: false) != nil else {
                    throw fail("weekly.\(key)[\(index)].start: '\(range.start)' is not a time in HH:mm (00:00 to 23:59)")
                }
                guard Self.minutes(range.end, allowMidnightEnd: true) != nil else {
                    throw fail("weekly.\(key)[\(index)].end: '\(range.end)' is not a time in HH:mm (00:00 to 24:00)")
                }
            }
        }
        guard holidays.count <= Self.maxHolidays else {
            throw fail("holidays: \(holidays.count) days; at most \(Self.maxHolidays)")
        }
        for (index, day) in holidays.enumerated() where Self.dayNumber(day) == nil {
            throw fail("holidays[\(index)]: '\(day)' is not a date in YYYY-MM-DD")
        }
        guard workdays.count <= Self.maxHolidays else {
            throw fail("workdays: \(workdays.count) days; at most \(Self.maxHolidays)")
        }
        var worked = Set<String>()
        for (index, day) in workdays.enumerated() {
            guard Self.dayNumber(day.date) != nil else { throw fail("workdays[\(index)].date: '\(day.date)' is not a date in YYYY-MM-DD") }
            guard worked.insert(day.date).inserted else { throw fail("workdays[\(index)].date: \(day.date) is listed twice") }
            guard !holidays.contains(day.date) else { throw fail("workdays[\(index)].date: \(day.date) is also a holiday") }
            guard (1...Self.maxRangesPerDay).contains(day.ranges.count) else {
                throw fail("workdays[\(index)].ranges: a working day needs 1 to \(Self.maxRangesPerDay) ranges")
            }
            for (r, range) in day.ranges.enumerated() {
                guard Self.minutes(range.start, allowMidnightEnd: false) != nil, Self.minutes(range.end, allowMidnightEnd: true) != nil else {
                    throw fail("workdays[\(index)].ranges[\(r)]: '\(range.start)'–'\(range.end)' is not a range of HH:mm times")
                }
            }
        }
    }

    // MARK: evaluation

    /// Whether the shop is open at `date`. Entries that do not validate are ignored; an
    /// unknown time zone counts as UTC.
    public func isOpen(at date: Date) -> Bool {
        let schedule = OpeningSchedule(self)
        let (day, second) = schedule.local(date)
        for range in schedule.spans(on: day) {
            if range.overnight ? second >= range.start : (second >= range.start && second < range.end) { return true }
        }
        for range in schedule.spans(on: day - 1) where range.overnight && second < range.end { return true }
        return false
    }

    /// The first moment at or after `date` when the shop is open: `date` itself if it is open
    /// then, else the start of the next opening range (on a daylight-saving day whose opening
    /// time does not exist, the moment the clocks jump). Nil if it does not open within
    /// ``lookaheadDays`` days.
    public func nextOpening(after date: Date) -> Date? {
        if isOpen(at: date) { return date }
        let schedule = OpeningSchedule(self)
        let limit = date.addingTimeInterval(Double(Self.lookaheadDays) * 86_400)
        let (today, _) = schedule.local(date)
        for day in today...(today + Self.lookaheadDays + 1) {
            let starts = schedule.spans(on: day)
                .map { schedule.instant(localSeconds: day * 86_400 + $0.start) }
                .filter { $0 > date && $0 <= limit }
            if let first = starts.min() { return first }
        }
        return nil
    }

    // MARK: parsing

    /// Minutes since midnight of "HH:mm" (00:00...23:59, and "24:00" if allowed).
    static func minutes(_ text: String, allowMidnightEnd: Bool) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"), let h = twoDigits(b[0], b[1]), let m = twoDigits(b[3], b[4]) else { return nil }
        if h == 24, m == 0, allowMidnightEnd { return 1440 }
        return h < 24 && m < 60 ? h * 60 + m : nil
    }

    /// Days since 1970-01-01 of "YYYY-MM-DD", or nil if it is not a real date.
    static func dayNumber(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y1 = twoDigits(b[0], b[1]), let y2 = twoDigits(b[2], b[3]),
              let month = twoDigits(b[5], b[6]), let day = twoDigits(b[8], b[9]) else { return nil }
        let year = y1 * 100 + y2
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard year >= 1, (1...12).contains(month), day >= 1, day <= lengths[month - 1] else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    static func twoDigits(_ a: UInt8, _ b: UInt8) -> Int? {
        let zero = UInt8(ascii: "0")
        guard a >= zero, a <= zero + 9, b >= zero, b <= zero + 9 else { return nil }
        return Int(a - zero) * 10 + Int(b - zero)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// ``BusinessHours`` parsed once per question: seconds-of-day ranges per weekday, holidays
/// as day numbers, the zone resolved.
struct OpeningSchedule {
    struct Span {
        var start: Int
        var end: Int
        var overnight: Bool
    }

    let zone: TimeZone
    /// Index 0 = Monday.
    let ranges: [[Span]]
    let holidays: Set<Int>
    /// Special working days by day number.
    let workdays: [Int: [Span]]

    init(_ hours: BusinessHours) {
        zone = TimeZone(identifier: hours.timeZone) ?? TimeZone(secondsFromGMT: 0) ?? .current
        ranges = BusinessHours.dayKeys.map { key in Self.spans(hours.weekly[key] ?? []) }
        holidays = Set(hours.holidays.compactMap(BusinessHours.dayNumber))
        var worked: [Int: [Span]] = [:]
        for day in hours.workdays {
            if let number = BusinessHours.dayNumber(day.date) { worked[number] = Self.spans(day.ranges) }
        }
        workdays = worked
    }

    static func spans(_ ranges: [BusinessHours.TimeRange]) -> [Span] {
        ranges.compactMap { range in
            guard let start = BusinessHours.minutes(range.start, allowMidnightEnd: false),
                  let end = BusinessHours.minutes(range.end, allowMidnightEnd: true) else { return nil }
            return Span(start: start * 60, end: end * 60, overnight: end <= start)
        }
    }

    /// The ranges that start on local day `day`: a working day's own, none on a holiday, else its weekday's.
    func spans(on day: Int) -> [Span] {
        if let worked = workdays[day] { return worked }
        if holidays.contains(day) { return [] }
        return ranges[Self.weekday(day)]
    }

    /// Monday = 0 … Sunday = 6 of a day number (1970-01-01 was a Thursday).
    static func weekday(_ day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7
    }

    /// The local day number and second of the day of `date`.
    func local(_ date: Date) -> (day: Int, second: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return (day, seconds - day * 86_400)
    }

    /// The moment a local wall-clock time (seconds since 1970-01-01 local) happens: the
    /// earlier one if it happens twice (clocks set back), the jump if it never happens
    /// (clocks set forward).
    func instant(localSeconds: Int) -> Date {
        let around = [-129_600, 0, 129_600].map { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(localSeconds + $0))) }
        let candidates = Set(around).map { localSeconds - $0 }.sorted()
        for t in candidates where zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) == localSeconds - t {
            return Date(timeIntervalSince1970: Double(t))
        }
        let before = Date(timeIntervalSince1970: Double(candidates.first ?? localSeconds))
        return zone.nextDaylightSavingTimeTransition(after: before) ?? Date(timeIntervalSince1970: Double(candidates.last ?? localSeconds))
    }
}
