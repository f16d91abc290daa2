import Foundation

/// What to do about an automatic payment reminder now.
public enum ReminderDecision: Equatable, Sendable {
    /// Send the reminder now.
    case sendNow
    /// Not yet: ask again at this moment (the delay has not passed, quiet hours, or the buyer
    /// wrote recently).
    case deferUntil(Date)
    /// No more automatic reminders for this order; the text says why.
    case done(String)
}

/// When unpaid orders are reminded (催付), by a ``ReminderRule``.
///
/// An automatic reminder is due `delayMinutes` after the order was placed, and the next one
/// `max(delayMinutes, minimumGapMinutes)` after the last reminder (manual ones count), while
/// the order is unpaid and fewer than `maxPerOrder` reminders went out. It waits until
/// `skipIfChattedWithinMinutes` after the buyer's last message, and one that falls in the quiet
/// hours waits for their end, on the wall clock of the shop's time zone (across midnight and
/// daylight-saving changes; an end that does not exist that night is the moment the clocks
/// jump). Durations are elapsed time, not wall-clock time.
///
/// A manual reminder (one click by an agent) is limited only by `minimumGapMinutes`: the
/// agent chose to send it, quiet hours and `maxPerOrder` do not apply, but it counts
/// towards `maxPerOrder` for the automatic ones.
public enum ReminderSchedule {
    /// The first automatic reminder of an order placed at `orderCreatedAt`: `delayMinutes`
    /// later, moved out of the quiet hours.
    public static func firstDue(orderCreatedAt: Date, rule: ReminderRule) -> Date {
        outsideQuietHours(orderCreatedAt.addingTimeInterval(minutes(rule.delayMinutes)), rule: rule)
    }

    /// Whether `date` is in the rule's quiet hours.
    public static func isQuiet(_ date: Date, rule: ReminderRule) -> Bool {
        !rule.awakeHours.isOpen(at: date)
    }

    /// `date` if it is outside the quiet hours, else the end of the quiet hours.
    public static func outsideQuietHours(_ date: Date, rule: ReminderRule) -> Date {
        rule.awakeHours.nextOpening(after: date) ?? date
    }

    /// Whether to send an automatic reminder at `now`.
    /// - Parameters:
    ///   - orderStatus: only `.unpaid` orders are reminded; any other status is `.done`.
    ///   - orderCreatedAt: when the order was placed (became unpaid).
    ///   - remindersSent: when reminders went out, automatic and manual.
    ///   - lastBuyerMessageAt: the buyer's last message in the conversation, if any.
    public static func decide(now: Date, orderStatus: OrderStatus, orderCreatedAt: Date, remindersSent: [Date],
                              lastBuyerMessageAt: Date?, rule: ReminderRule) -> ReminderDecision {
        guard orderStatus == .unpaid else { return .done("the order is \(orderStatus.rawValue); only unpaid orders are reminded") }
        guard remindersSent.count < rule.maxPerOrder else {
            return .done("reminded \(times(remindersSent.count)); at most \(times(rule.maxPerOrder)) per order")
        }
        var earliest = orderCreatedAt.addingTimeInterval(minutes(rule.delayMinutes))
        if let last = remindersSent.max() {
            earliest = max(earliest, last.addingTimeInterval(minutes(max(rule.delayMinutes, rule.minimumGapMinutes))))
        }
        if let message = lastBuyerMessageAt, rule.skipIfChattedWithinMinutes > 0 {
            earliest = max(earliest, message.addingTimeInterval(minutes(rule.skipIfChattedWithinMinutes)))
        }
        let at = outsideQuietHours(max(now, earliest), rule: rule)
        return at <= now ? .sendNow : .deferUntil(at)
    }

    /// Checks that an agent may remind the order by hand at `now`. Throws `.conflict` (code
    /// "not_unpaid") unless the order is unpaid, and `.rateLimited` (code
    /// "reminded_recently", with `retryAfter` in seconds) within `minimumGapMinutes` of the
    /// last reminder: "this order was reminded 12 minutes ago; wait 48 more minutes".
    public static func manualAllowed(now: Date, orderStatus: OrderStatus, remindersSent: [Date], rule: ReminderRule) throws(DomainError) {
        guard orderStatus == .unpaid else {
            throw DomainError(.conflict, code: "not_unpaid",
                              message: "only unpaid orders can be reminded; this order is \(orderStatus.rawValue)", field: "status")
        }
        guard let last = remindersSent.max() else { return }
        let elapsed = max(0, now.timeIntervalSince(last))
        let gap = minutes(rule.minimumGapMinutes)
        guard elapsed < gap else { return }
        let waitSeconds = Int((gap - elapsed).rounded(.up))
        let ago = Int(elapsed / 60)
        let agoText = ago == 0 ? "less than a minute" : ago == 1 ? "1 minute" : "\(ago) minutes"
        let wait = (waitSeconds + 59) / 60
        throw DomainError(.rateLimited, code: "reminded_recently",
                          message: "this order was reminded \(agoText) ago; wait \(wait) more \(wait == 1 ? "minute" : "minutes")",
                          retryAfter: waitSeconds)
    }

    static func minutes(_ count: Int) -> TimeInterval { TimeInterval(count) * 60 }

    static func times(_ count: Int) -> String { count == 1 ? "once" : count == 2 ? "twice" : "\(count) times" }
}
