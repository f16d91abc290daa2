import Foundation

/// The wait a queued shopper is shown (`etaSeconds` of `queue` frames).
///
/// Model: every online agent has `capacityPerAgent` places, and a place frees up on average
/// once per average handle time (assignment to resolution, measured in wall-clock time, so
/// an agent's parallel conversations are already accounted for). Places therefore free up at
/// `agents × capacity ÷ handle` per second, and the shopper at `position` waits for
/// `position` of them:
///
///     eta = position × averageHandleSeconds ÷ (agentsOnline × capacityPerAgent)
///
/// The result is rounded up to a multiple of 10 s (a promise is better kept early than late),
/// is at least ``minimumSeconds`` and at most ``maximumSeconds``. With no agent online, the
/// wait is the time until the shop opens if that is known (rounded the same way), else
/// ``noAgentSeconds``. Position 0 or less means "being assigned": 0.
public enum QueueEstimate {
    /// The shortest wait ever shown.
    public static let minimumSeconds = 30
    /// The longest wait ever shown (a day).
    public static let maximumSeconds = 86_400
    /// The wait shown when nobody is online and the next opening is not known.
    public static let noAgentSeconds = 600
    /// Handle time assumed when there is no history.
    public static let defaultHandleSeconds: Double = 180
    /// Handle times above this (two hours) are left out of the average: conversations left
    /// open overnight, not work.
    public static let outlierSeconds: TimeInterval = 7_200

    /// Seconds the shopper at `position` (1-based) is expected to wait.
    /// - Parameters:
    ///   - agentsOnline: agents with status online in the inbox (with or without room).
    ///   - capacityPerAgent: the inbox's capacity (values below 1 count as 1).
    ///   - averageHandleSeconds: see ``averageHandleSeconds(durations:default:)``; values
    ///     that are not positive and finite count as ``defaultHandleSeconds``.
    ///   - secondsUntilOpening: when nobody is online, the time until the shop opens (from
    ///     ``BusinessHours/nextOpening(after:)``), if known.
    public static func etaSeconds(position: Int, agentsOnline: Int, capacityPerAgent: Int = 1,
                                  averageHandleSeconds: Double, secondsUntilOpening: TimeInterval? = nil) -> Int {
        guard position > 0 else { return 0 }
        guard agentsOnline > 0 else {
            guard let wait = secondsUntilOpening, wait.isFinite else { return noAgentSeconds }
            return rounded(wait)
        }
        let handle = averageHandleSeconds.isFinite && averageHandleSeconds > 0 ? averageHandleSeconds : defaultHandleSeconds
        let places = Double(agentsOnline) * Double(max(capacityPerAgent, 1))
        return rounded(Double(position) * handle / places)
    }

    /// The average handle time of recent conversations: durations that are not positive and
    /// finite or longer than ``outlierSeconds`` are left out, then the shortest and longest
    /// tenth (rounded down, so nothing below 10 samples) are trimmed and the rest averaged.
    /// `default` when nothing is left.
    public static func averageHandleSeconds(durations: [TimeInterval], default fallback: Double = defaultHandleSeconds) -> Double {
        let kept = durations.filter { $0.isFinite && $0 > 0 && $0 <= outlierSeconds }.sorted()
        let trim = kept.count / 10
        let middle = kept.dropFirst(trim).dropLast(trim)
        guard !middle.isEmpty else { return fallback }
        return middle.reduce(0, +) / Double(middle.count)
    }

    /// Rounded up to 10 s, clamped to ``minimumSeconds``...``maximumSeconds``.
    static func rounded(_ seconds: Double) -> Int {
        guard seconds < Double(maximumSeconds) else { return maximumSeconds }
        // The tolerance keeps 60.000000001 (a rounding error of the division) at 60.
        let tens = Int((max(seconds - 1e-6, 0) / 10).rounded(.up)) * 10
        return min(max(tens, minimumSeconds), maximumSeconds)
    }
}
