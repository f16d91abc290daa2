import Foundation

/// A shop's rule for payment reminders (催付): when an unpaid order is reminded, how often,
/// and with what text. ``ReminderSchedule`` applies it.
///
/// JSON: `{"timeZone":"Asia/Shanghai","delayMinutes":30,"maxPerOrder":1,"quietStart":"22:00",
/// "quietEnd":"08:00","skipIfChattedWithinMinutes":10,"minimumGapMinutes":60,"template":"…"}`
/// (only `timeZone` is required; the rest default to these values and ``defaultTemplate``).
///
/// Quiet hours run from `quietStart` (included) to `quietEnd` (excluded), wall-clock times
/// in `timeZone`; a window whose end is before its start runs past midnight (22:00–08:00),
/// and equal times mean no quiet hours.
public struct ReminderRule: Codable, Sendable, Hashable {
    /// IANA time zone of the quiet hours, e.g. "Asia/Shanghai".
    public var timeZone: String
    /// Minutes after the order is placed before the first reminder, 1...1440; also the least
    /// time between two automatic reminders.
    public var delayMinutes: Int
    /// Reminders per order, manual ones included, 1...5.
    public var maxPerOrder: Int
    /// Start of the quiet hours, "HH:mm".
    public var quietStart: String
    /// End of the quiet hours, "HH:mm".
    public var quietEnd: String
    /// No automatic reminder while the buyer wrote in the last this many minutes, 0...240
    /// (0: no such pause).
    public var skipIfChattedWithinMinutes: Int
    /// The least time after any reminder before the next one, 1...1440; a manual reminder
    /// sooner is refused.
    public var minimumGapMinutes: Int
    /// The text sent, with the variables in ``variables``; see ``ReplyTemplate``.
    public var template: String

    public static let variables = ["customer_name", "order_no", "amount", "pay_link"]
    public static let defaultTemplate = "亲，您的订单{order_no}还未付款，共{amount}，点此完成支付：{pay_link}"
    public static let maxTemplateLength = 500

    public init(timeZone: String, delayMinutes: Int = 30, maxPerOrder: Int = 1, quietStart: String = "22:00",
                quietEnd: String = "08:00", skipIfChattedWithinMinutes: Int = 10, minimumGapMinutes: Int = 60,
                template: String = ReminderRule.defaultTemplate) {
        self.timeZone = timeZone
        self.delayMinutes = delayMinutes
        self.maxPerOrder = maxPerOrder
        self.quietStart = quietStart
        self.quietEnd = quietEnd
        self.skipIfChattedWithinMinutes = skipIfChattedWithinMinutes
        self.minimumGapMinutes = minimumGapMinutes
        self.template = template
    }

    enum CodingKeys: String, CodingKey {
        case timeZone, delayMinutes, maxPerOrder, quietStart, quietEnd, skipIfChattedWithinMinutes, minimumGapMinutes, template
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ReminderRule(timeZone: try c.decode(String.self, forKey: .timeZone))
        self = defaults
        delayMinutes = try c.decodeIfPresent(Int.self, forKey: .delayMinutes) ?? defaults.delayMinutes
        maxPerOrder = try c.decodeIfPresent(Int.self, forKey: .maxPerOrder) ?? defaults.maxPerOrder
        quietStart = try c.decodeIfPresent(String.self, forKey: .quietStart) ?? defaults.quietStart
        quietEnd = try c.decodeIfPresent(String.self, forKey: .quietEnd) ?? defaults.quietEnd
        skipIfChattedWithinMinutes = try c.decodeIfPresent(Int.self, forKey: .skipIfChattedWithinMinutes) ?? defaults.skipIfChattedWithinMinutes
        minimumGapMinutes = try c.decodeIfPresent(Int.self, forKey: .minimumGapMinutes) ?? defaults.minimumGapMinutes
        template = try c.decodeIfPresent(String.self, forKey: .template) ?? defaults.template
    }

    /// Throws `.invalid` (field "reminderRule") naming the entry: an unknown time zone, a
    /// number out of its range, a time not in "HH:mm", an empty or too long template, or a
    /// template variable other than ``variables``.
    public func validate() throws(DomainError) {
        func fail(_ message: String) -> DomainError { .invalid("reminderRule", "reminderRule." + message) }
        guard TimeZone(identifier: timeZone) != nil else {
            throw fail("timeZone: unknown time zone '\(timeZone)'; use an IANA name such as Asia/Shanghai")
        }
        for (name, value, range) in [("delayMinutes", delayMinutes, 1...1440), ("maxPerOrder", maxPerOrder, 1...5),
                                     ("skipIfChattedWithinMinutes", skipIfChattedWithinMinutes, 0...240),
                                     ("minimumGapMinutes", minimumGapMinutes, 1...1440)] where !range.contains(value) {
            throw fail("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        for (name, value) in [("quietStart", quietStart), ("quietEnd", quietEnd)]
        where BusinessHours.minutes(value, allowMidnightEnd: false) == nil {
            throw fail("\(name): '\(value)' is not a time in HH:mm (00:00 to 23:59)")
        }
        guard !template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail("template must not be empty") }
        guard template.count <= Self.maxTemplateLength else {
            throw fail("template is longer than \(Self.maxTemplateLength) characters")
        }
        for name in ReplyTemplate.variables(in: template) where !Self.variables.contains(name) {
            throw fail("template: unknown variable {\(name)}; use " + Self.variables.map { "{\($0)}" }.joined(separator: ", "))
        }
    }

    /// The reminder text for one order, the amount formatted for `locale` ("¥12.34").
    public func message(customerName: String, orderNo: String, amount: Money, payLink: String, locale: Locale) -> String {
        ReminderText.render(template: template, customerName: customerName, orderNo: orderNo, amount: amount, payLink: payLink,
                            locale: locale)
    }

    /// The hours outside the quiet hours, every day, as opening hours: quiet 22:00–08:00 is
    /// open 08:00–22:00, quiet 13:00–14:00 is open 14:00 to 13:00 the next day.
    var awakeHours: BusinessHours {
        BusinessHours(timeZone: timeZone,
                      weekly: Dictionary(uniqueKeysWithValues: BusinessHours.dayKeys.map {
                          ($0, [BusinessHours.TimeRange(start: quietEnd, end: quietStart)])
                      }))
    }
}
