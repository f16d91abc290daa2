import Foundation

/// The events a shop's webhook may subscribe to.
public enum WebhookEvent: String, Codable, CaseIterable, Sendable {
    /// A price or shipping fee of an order was changed (applied at once or approved).
    case orderPriceChanged = "order.price_changed"
    /// A payment reminder went out for an order.
    case orderReminded = "order.reminded"
    /// An after-sale case was opened or changed (state, deadline, solution, the customer's answer).
    case caseUpdated = "case.updated"
    /// A compensation was granted or reversed: the platform carries out the refund, coupon or payment.
    case compensationApproved = "compensation.approved"
    /// An SLA clock of a ticket or conversation reached its warning time.
    case slaWarned = "sla.warned"
    /// An SLA clock of a ticket or conversation passed its due time.
    case slaBreached = "sla.breached"
    /// An automation rule with a webhook action fired on a ticket or conversation.
    case automationFired = "automation.fired"

    /// The events named in `names` (trimmed), in the given order, repeats dropped. Throws
    /// `.invalid` (field "events") for an empty list or an unknown name, listing the events.
    public static func parse(_ names: [String], field: String = "events") throws(DomainError) -> [WebhookEvent] {
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw .invalid(field, "\(field) must name at least one event: \(known)") }
        var events: [WebhookEvent] = []
        for name in names {
            guard let event = WebhookEvent(rawValue: name.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw .invalid(field, "\(field): unknown event '\(name)'; the events are \(known)")
            }
            if !events.contains(event) { events.append(event) }
        }
        return events
    }
}

/// The address a webhook posts to.
public enum WebhookURL {
    /// `raw` trimmed, when it is an http:// or https:// address with a host, at most 2000
    /// characters, without spaces or control characters; else throws `.invalid` (field
    /// "url"). Only the form is checked: whether the host may be reached (not a private
    /// or loopback address) is for the sender to decide when it connects.
    public static func validate(_ raw: String) throws(DomainError) -> String {
        try HTTPURL.required(raw, field: "url")
    }
}

/// When a failed webhook delivery is tried again.
///
/// A delivery is tried at most ``maxAttempts`` times. After a failed attempt `n` (1-based)
/// the next waits ``delays``[n − 1] — 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h — plus or
/// minus up to 20 % so that many failed deliveries do not come back at the same moment.
/// A 2xx answer is success; no answer, 408, 429 and 5xx are tried again; any other answer
/// means the receiver refuses the delivery: it is recorded as failed and not tried again.
public enum WebhookRetry {
    public static let maxAttempts = 8
    /// The waits after attempts 1...7, before jitter.
    public static let delays: [TimeInterval] = [10, 30, 120, 600, 1800, 3600, 10_800]
    /// The largest change jitter makes, as a fraction of the wait.
    public static let jitterFraction = 0.2

    /// The wait after failed attempt `n` with `jitter` in 0..<1 (a random number the caller
    /// draws; 0.5 is no change, 0 is −20 %, towards 1 is +20 %; values outside are clamped).
    /// `n` below 1 counts as 1 and above 7 as 7; see ``nextDelay(afterAttempt:statusCode:jitter:)``
    /// for whether there is a next attempt at all.
    public static func delay(afterAttempt n: Int, jitter: Double) -> TimeInterval {
        let base = delays[min(max(n, 1), delays.count) - 1]
        let clamped = jitter.isNaN ? 0.5 : min(max(jitter, 0), 1)
        return base * (1 + jitterFraction * (2 * clamped - 1))
    }

    /// Whether `statusCode` means delivered: 200...299.
    public static func isSuccess(statusCode: Int) -> Bool { (200...299).contains(statusCode) }

    /// Whether a failed attempt is worth repeating: no answer (`nil`: network error,
    /// timeout), 408 Request Timeout, 429 Too Many Requests and 5xx yes; success and every
    /// other answer (400, 401, 404, 410, 3xx, …) no.
    public static func shouldRetry(statusCode: Int?) -> Bool {
        guard let code = statusCode else { return true }
        return code == 408 || code == 429 || (500...599).contains(code)
    }

    /// The wait before the next attempt after attempt `n` (1-based) ended with `statusCode`
    /// (nil: no answer), or nil when there is none: delivered, refused, or `n` was attempt
    /// ``maxAttempts``.
    public static func nextDelay(afterAttempt n: Int, statusCode: Int?, jitter: Double) -> TimeInterval? {
        if let code = statusCode, isSuccess(statusCode: code) { return nil }
        guard shouldRetry(statusCode: statusCode), n < maxAttempts else { return nil }
        return delay(afterAttempt: n, jitter: jitter)
    }
}
