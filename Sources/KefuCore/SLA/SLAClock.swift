import Foundation

/// The time an SLA counts: a business-hours calendar, or around the clock.
public enum SLAHours: Hashable, Sendable {
    case always
    case calendar(BusinessHours)

    /// The moment `seconds` of counted time after `start` have passed (nil: the calendar never opens).
    public func adding(_ seconds: Double, to start: Date) -> Date? {
        switch self {
        case .always: start.addingTimeInterval(max(0, seconds))
        case .calendar(let hours): hours.adding(max(0, seconds), to: start)
        }
    }

    /// Counted seconds between two moments.
    public func seconds(from: Date, to: Date) -> Double {
        switch self {
        case .always: max(0, to.timeIntervalSince(from))
        case .calendar(let hours): hours.businessSeconds(from: from, to: to)
        }
    }
}

/// One metric's clock on one ticket or conversation. It runs, pauses and resumes as the case
/// moves; its due time is the moment the counted time since it started reaches the target.
/// A breached clock keeps running until it is fulfilled, so reports can say how late it was.
public struct SLAClock: Hashable, Sendable {
    public enum State: String, Codable, Hashable, Sendable {
        case running, paused, fulfilled, cancelled

        public var isFinished: Bool { self == .fulfilled || self == .cancelled }
    }

    public var id: UUID
    public var metric: SLAMetric
    public var targetSeconds: Int
    /// Counted seconds after which it warns; nil: no warning.
    public var warnAfterSeconds: Int?
    /// When the clock started (for a next reply: the oldest customer message not answered).
    public var activatedAt: Date
    public var state: State
    /// Start of the current running stretch; nil unless running.
    public var runningSince: Date?
    /// Counted seconds of the stretches before `runningSince`.
    public var usedSeconds: Double
    public var dueAt: Date?
    public var warnAt: Date?
    public var warnedAt: Date?
    public var breachedAt: Date?
    /// When it was fulfilled or cancelled.
    public var finishedAt: Date?

    public init(id: UUID, metric: SLAMetric, targetSeconds: Int, warnAfterSeconds: Int?, activatedAt: Date, state: State,
                runningSince: Date?, usedSeconds: Double, dueAt: Date?, warnAt: Date?, warnedAt: Date?, breachedAt: Date?,
                finishedAt: Date?) {
        self.id = id
        self.metric = metric
        self.targetSeconds = targetSeconds
        self.warnAfterSeconds = warnAfterSeconds
        self.activatedAt = activatedAt
        self.state = state
        self.runningSince = runningSince
        self.usedSeconds = usedSeconds
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.warnedAt = warnedAt
        self.breachedAt = breachedAt
        self.finishedAt = finishedAt
    }

    /// A new clock, running from `start` (or paused there, when the case is in a phase it does not count).
    public static func start(id: UUID, metric: SLAMetric, targetSeconds: Int, warnAfterSeconds: Int?, at start: Date,
                             running: Bool, hours: SLAHours) -> SLAClock {
        var clock = SLAClock(id: id, metric: metric, targetSeconds: targetSeconds, warnAfterSeconds: warnAfterSeconds, activatedAt: start,
                             state: running ? .running : .paused, runningSince: running ? start : nil, usedSeconds: 0,
                             dueAt: nil, warnAt: nil, warnedAt: nil, breachedAt: nil, finishedAt: nil)
        clock.schedule(hours)
        return clock
    }

    /// The next moment a timer must look at this clock: its warning, then its due time; nil when
    /// nothing is left to fire.
    public var nextFireAt: Date? {
        guard state == .running else { return nil }
        if warnedAt == nil, breachedAt == nil, let warnAt { return min(warnAt, dueAt ?? warnAt) }
        return breachedAt == nil ? dueAt : nil
    }

    /// Counted seconds so far, at `now`.
    public func elapsed(at now: Date, hours: SLAHours) -> Double {
        guard let runningSince, now > runningSince else { return usedSeconds }
        return usedSeconds + hours.seconds(from: runningSince, to: now)
    }

    /// Recomputes the due and warning times from the running stretch.
    mutating func schedule(_ hours: SLAHours) {
        guard state == .running, let since = runningSince else {
            dueAt = nil
            warnAt = nil
            return
        }
        dueAt = hours.adding(Double(targetSeconds) - usedSeconds, to: since)
        if let warnAfter = warnAfterSeconds, warnAfter < targetSeconds {
            warnAt = hours.adding(Double(warnAfter) - usedSeconds, to: since)
        } else {
            warnAt = nil
        }
    }

    /// Stops counting at `at` (true when it was running).
    public mutating func pause(at: Date, hours: SLAHours) -> Bool {
        guard state == .running else { return false }
        usedSeconds = elapsed(at: at, hours: hours)
        runningSince = nil
        state = .paused
        schedule(hours)
        return true
    }

    /// Counts again from `at` (true when it was paused, or finished and `reopen` is set).
    public mutating func resume(at: Date, hours: SLAHours, reopen: Bool = false) -> Bool {
        guard state == .paused || (reopen && state == .fulfilled) else { return false }
        state = .running
        runningSince = at
        finishedAt = nil
        schedule(hours)
        return true
    }

    /// Ends the clock at `at`: met (or met late, when it breached first) or no longer wanted.
    public mutating func finish(_ how: State, at: Date, hours: SLAHours) -> Bool {
        precondition(how.isFinished)
        guard !state.isFinished else { return false }
        usedSeconds = elapsed(at: at, hours: hours)
        runningSince = nil
        state = how
        finishedAt = at
        schedule(hours)
        return true
    }

    /// A new target (another policy or priority), keeping the time already counted.
    public mutating func retarget(seconds: Int, warnAfter: Int?, at: Date, hours: SLAHours) {
        if let since = runningSince, at > since {
            usedSeconds += hours.seconds(from: since, to: at)
            runningSince = at
        }
        targetSeconds = seconds
        warnAfterSeconds = warnAfter
        schedule(hours)
    }

    /// Its calendar changed at `at`: the running stretch so far is counted on the old one, the
    /// rest on the new one.
    public mutating func recalendar(at: Date, from old: SLAHours, to new: SLAHours) {
        if let since = runningSince, at > since {
            usedSeconds += old.seconds(from: since, to: at)
            runningSince = at
        }
        schedule(new)
    }

    /// The warning and breach due by `now`, each at its own exact moment, recorded on the clock.
    public mutating func fire(now: Date) -> [(SLAEventKind, Date)] {
        guard state == .running else { return [] }
        var out: [(SLAEventKind, Date)] = []
        if warnedAt == nil, breachedAt == nil, let warnAt, warnAt <= now, dueAt.map({ warnAt < $0 }) ?? true {
            warnedAt = warnAt
            out.append((.warned, warnAt))
        }
        if breachedAt == nil, let dueAt, dueAt <= now {
            breachedAt = dueAt
            out.append((.breached, dueAt))
        }
        return out
    }
}
