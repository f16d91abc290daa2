import Foundation

/// A policy as it applies to one ticket or conversation: which policy, which of its versions.
public struct SLAApplied: Hashable, Sendable {
    public var policyID: UUID
    public var version: Int
    public var rules: SLAPolicyRules

    public init(policyID: UUID, version: Int, rules: SLAPolicyRules) {
        self.policyID = policyID
        self.version = version
        self.rules = rules
    }
}

/// What happened to a ticket or conversation, as far as its SLA clocks are concerned.
public enum SLASignal: Hashable, Sendable {
    /// It began.
    case started
    /// The customer wrote (a chat message, a reply to a ticket).
    case customerMessage
    /// A person on the team replied publicly. Automatic replies, the bot, rules and private notes are not this.
    case humanReply
    /// Its status moved to another phase.
    case phase(SLAPhase)
    /// A field a policy looks at changed (priority, type, inbox, tags): the policy is matched again.
    case reapplied
}

/// One line of the append-only SLA log.
public struct SLALogEntry: Hashable, Sendable {
    public var clockID: UUID?
    public var metric: SLAMetric?
    public var kind: SLAEventKind
    public var at: Date

    public init(clockID: UUID?, metric: SLAMetric?, kind: SLAEventKind, at: Date) {
        self.clockID = clockID
        self.metric = metric
        self.kind = kind
        self.at = at
    }
}

/// The clocks a signal changed or started, and what to log.
public struct SLAOutcome: Sendable {
    public var changed: [SLAClock] = []
    public var created: Set<UUID> = []
    public var log: [SLALogEntry] = []

    public init() {}

    mutating func put(_ clock: SLAClock, new: Bool = false) {
        if new { created.insert(clock.id) }
        if let index = changed.firstIndex(where: { $0.id == clock.id }) { changed[index] = clock } else { changed.append(clock) }
    }

    mutating func log(_ clock: SLAClock, _ kind: SLAEventKind, at: Date) {
        log.append(SLALogEntry(clockID: clock.id, metric: clock.metric, kind: kind, at: at))
    }
}

/// The rules of SLA clocks (Zendesk's semantics, which helpdesk teams know): which signal starts,
/// pauses, resumes, fulfils or cancels which metric. Pure: the caller loads the clocks, passes
/// the subject as it stands after the signal, and stores the outcome.
public enum SLAEngine {
    /// `clocks`: the subject's unfinished clocks, plus its finished requester-wait, agent-work and
    /// resolution clocks (a reopened case resumes them). `policy`: the policy that applies now
    /// (nil: none; with `.reapplied`, running clocks it has no target for are cancelled).
    public static func react(to signal: SLASignal, at now: Date, subject: SLASubject, clocks: [SLAClock], policy: SLAApplied?,
                             firstReplied: Bool, hours: SLAHours, newID: () -> UUID) -> SLAOutcome {
        var out = SLAOutcome()
        var open = clocks.filter { !$0.state.isFinished }

        func start(_ metric: SLAMetric, at start: Date) {
            guard let policy, let target = policy.rules.target(metric, subject.priority) else { return }
            let clock = SLAClock.start(id: newID(), metric: metric, targetSeconds: target,
                                       warnAfterSeconds: policy.rules.warning.warnAfter(target: target), at: start,
                                       running: metric.runs(in: subject.phase), hours: hours)
            out.put(clock, new: true)
            out.log(clock, .activated, at: start)
            if clock.state == .paused { out.log(clock, .paused, at: start) }
            open.append(clock)
        }

        func finish(_ metric: SLAMetric, _ how: SLAClock.State) {
            for var clock in open where clock.metric == metric {
                guard clock.finish(how, at: now, hours: hours) else { continue }
                out.put(clock)
                out.log(clock, how == .fulfilled ? .fulfilled : .cancelled, at: now)
            }
            open.removeAll { $0.metric == metric }
        }

        switch signal {
        case .started:
            guard policy != nil, subject.phase != .done else { return out }
            out.log.append(SLALogEntry(clockID: nil, metric: nil, kind: .policyApplied, at: now))
            for metric in SLAMetric.allCases where metric.startsWithTarget && !(metric == .firstReply && firstReplied) {
                start(metric, at: subject.createdAt)
            }

        case .customerMessage:
            guard subject.phase != .done, !open.contains(where: { $0.metric == .firstReply || $0.metric == .nextReply }),
                  firstReplied else { return out }
            start(.nextReply, at: now)

        case .humanReply:
            finish(.firstReply, .fulfilled)
            finish(.nextReply, .fulfilled)
            finish(.periodicUpdate, .fulfilled)
            if subject.phase != .done { start(.periodicUpdate, at: now) }

        case .phase(let phase):
            if phase == .done {
                for metric in [SLAMetric.requesterWait, .agentWork, .resolution] { finish(metric, .fulfilled) }
                for metric in [SLAMetric.firstReply, .nextReply, .periodicUpdate] { finish(metric, .cancelled) }
                return out
            }
            for var clock in open {
                if clock.metric.runs(in: phase) {
                    if clock.resume(at: now, hours: hours) { out.put(clock); out.log(clock, .resumed, at: now) }
                } else if clock.pause(at: now, hours: hours) {
                    out.put(clock)
                    out.log(clock, .paused, at: now)
                }
            }
            // Reopened: the clocks that ended with the case count on.
            for var clock in clocks where clock.state == .fulfilled && [.requesterWait, .agentWork, .resolution].contains(clock.metric)
                && !open.contains(where: { $0.metric == clock.metric }) {
                if clock.metric.runs(in: phase), clock.resume(at: now, hours: hours, reopen: true) {
                    out.put(clock)
                    out.log(clock, .resumed, at: now)
                    open.append(clock)
                }
            }

        case .reapplied:
            for var clock in open {
                if let policy, let target = policy.rules.target(clock.metric, subject.priority) {
                    let warnAfter = policy.rules.warning.warnAfter(target: target)
                    guard target != clock.targetSeconds || warnAfter != clock.warnAfterSeconds else { continue }
                    clock.retarget(seconds: target, warnAfter: warnAfter, at: now, hours: hours)
                    out.put(clock)
                } else if clock.finish(.cancelled, at: now, hours: hours) {
                    out.put(clock)
                    out.log(clock, .cancelled, at: now)
                    open.removeAll { $0.id == clock.id }
                }
            }
            guard policy != nil, subject.phase != .done else { return out }
            out.log.append(SLALogEntry(clockID: nil, metric: nil, kind: .policyApplied, at: now))
            let present = Set(clocks.map(\.metric)).union(open.map(\.metric))
            for metric in SLAMetric.allCases where metric.startsWithTarget && !present.contains(metric) {
                if metric == .firstReply && firstReplied { continue }
                // A promise about the whole case counts from its start; the others from now.
                start(metric, at: metric == .firstReply || metric == .resolution ? subject.createdAt : now)
            }
        }
        return out
    }
}
