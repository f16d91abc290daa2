import Fluent
import Foundation
import KefuCore
import Vapor

/// Demo SLA: a 售后 calendar with a lunch break, promised times for complaints and after-sales
/// tickets on it, and quick first replies in chats around the clock (before the demo tickets, so
/// theirs start with them).
enum SLADemo {
    static var steps: [DemoSeed] { [seed] }

    static let seed = DemoSeed(title: "SLA: a 售后 calendar with a lunch break, promised times for complaints and chats") { app, accountID in
        let accountID = accountID!
        let owner = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == DemoData.ownerEmail).first()
        let principal = Principal(kind: .user, accountID: accountID, role: .owner, userID: owner?.id, tokenID: nil, sessionID: nil,
                                  label: DemoData.ownerEmail)
        let day = [BusinessHours.TimeRange(start: "09:00", end: "12:00"), BusinessHours.TimeRange(start: "13:00", end: "18:00")]
        let calendar = try await app.sla.saveCalendar(
            SLACalendarInput(name: "售后 9:00–18:00", hours: BusinessHours(
                timeZone: "Asia/Shanghai", weekly: Dictionary(uniqueKeysWithValues: BusinessHours.dayKeys.prefix(5).map { ($0, day) }))),
            id: nil, by: principal, ip: nil)
        func targets(_ metric: SLAMetric, _ minutes: [SLAPriority: Int]) -> [SLAPolicyRules.Target] {
            SLAPriority.allCases.compactMap { p in minutes[p].map { .init(metric: metric, priority: p, minutes: $0) } }
        }
        _ = try await app.sla.savePolicy(SLAPolicyInput(
            name: "投诉与售后", conditions: .init(targetTypes: [.ticket], ticketTypes: ["complaint", "after_sale"]), calendarId: .some(calendar.id),
            targets: targets(.firstReply, [.urgent: 30, .high: 60, .normal: 240, .low: 480])
                + targets(.nextReply, [.urgent: 60, .high: 120, .normal: 480])
                + targets(.resolution, [.urgent: 1440, .high: 2880, .normal: 4320]),
            warning: .init(percent: 80)), id: nil, by: principal, ip: nil)
        _ = try await app.sla.savePolicy(SLAPolicyInput(
            name: "在线咨询", conditions: .init(targetTypes: [.conversation]), calendarId: .some(nil),
            targets: targets(.firstReply, [.urgent: 1, .high: 2, .normal: 3, .low: 5]) + targets(.nextReply, [.urgent: 2, .high: 3, .normal: 5, .low: 10]),
            warning: .init(minutesBefore: 1)), id: nil, by: principal, ip: nil)
        return accountID
    }
}
