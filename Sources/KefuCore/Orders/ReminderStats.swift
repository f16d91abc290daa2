import Foundation

/// One payment reminder as the statistics see it. Automatic reminders have a `ruleID` and
/// no agent; manual ones the `agentID` of the agent who sent them.
public struct ReminderRecord: Sendable, Hashable {
    public var ruleID: String?
    public var agentID: String?
    public var sentAt: Date
    /// When the reminded order was paid, if it was.
    public var paidAt: Date?

    public init(ruleID: String? = nil, agentID: String? = nil, sentAt: Date, paidAt: Date? = nil) {
        self.ruleID = ruleID
        self.agentID = agentID
        self.sentAt = sentAt
        self.paidAt = paidAt
    }
}

/// How well payment reminders work: how many were sent and how many were followed by a
/// payment, per rule, per agent and in all.
public enum ReminderStats {
    public struct Summary: Codable, Sendable, Hashable {
        public var sent: Int
        /// Reminders followed by a payment (paid at or after the reminder).
        public var paid: Int
        /// paid ÷ sent, 0 when nothing was sent; not rounded.
        public var rate: Double
        /// The median of the minutes from reminder to payment among the paid ones, rounded
        /// to a whole minute (half away from zero); nil when none was paid.
        public var medianMinutesToPay: Int?

        public init(sent: Int, paid: Int, rate: Double, medianMinutesToPay: Int?) {
            self.sent = sent
            self.paid = paid
            self.rate = rate
            self.medianMinutesToPay = medianMinutesToPay
        }

        public static let empty = Summary(sent: 0, paid: 0, rate: 0, medianMinutesToPay: nil)
    }

    /// The summaries of `records` by rule id, by agent id and in all. A record counts for its
    /// rule and for its agent when it has them (a record with both counts for both) and
    /// always in the total. A payment before the reminder does not count as paid.
    public static func summarize(_ records: [ReminderRecord]) -> (byRule: [String: Summary], byAgent: [String: Summary], total: Summary) {
        var byRule: [String: [ReminderRecord]] = [:]
        var byAgent: [String: [ReminderRecord]] = [:]
        for record in records {
            if let rule = record.ruleID { byRule[rule, default: []].append(record) }
            if let agent = record.agentID { byAgent[agent, default: []].append(record) }
        }
        return (byRule.mapValues(summary), byAgent.mapValues(summary), summary(records))
    }

    /// The summary of `records`, whatever their rule or agent.
    public static func summary(_ records: [ReminderRecord]) -> Summary {
        let minutes = records.compactMap { record -> Double? in
            guard let paid = record.paidAt, paid >= record.sentAt else { return nil }
            return paid.timeIntervalSince(record.sentAt) / 60
        }.sorted()
        var median: Int?
        if !minutes.isEmpty {
            let middle = minutes.count / 2
            let value = minutes.count.isMultiple(of: 2) ? (minutes[middle - 1] + minutes[middle]) / 2 : minutes[middle]
            median = Int(value.rounded(.toNearestOrAwayFromZero))
        }
        return Summary(sent: records.count, paid: minutes.count,
                       rate: records.isEmpty ? 0 : Double(minutes.count) / Double(records.count),
                       medianMinutesToPay: median)
    }
}
