import Foundation
import KefuCore
import XCTest

final class ReminderScheduleTests: XCTestCase {
    /// A local wall-clock time "yyyy-MM-dd HH:mm[:ss]" in `zone`.
    func at(_ text: String, _ zone: String = "Asia/Shanghai") throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = try XCTUnwrap(TimeZone(identifier: zone))
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return try XCTUnwrap(formatter.date(from: text), text)
    }

    /// An instant in UTC, "yyyy-MM-dd HH:mm".
    func utc(_ text: String) throws -> Date { try at(text, "UTC") }

    /// 30 minutes, once, quiet 22:00–08:00 in Shanghai, no pause after chat.
    let shanghai = ReminderRule(timeZone: "Asia/Shanghai", delayMinutes: 30, skipIfChattedWithinMinutes: 0)

    func testQuietHoursAcrossMidnightMoveToTheMorning() throws {
        // setup, act, check
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 21:50"), rule: shanghai), try at("2026-10-06 08:00"),
                       "21:50 + 30 min is 22:20, in the quiet hours")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 21:29"), rule: shanghai), try at("2026-10-05 21:59"))
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 21:30"), rule: shanghai), try at("2026-10-06 08:00"),
                       "22:00 itself is quiet")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-06 01:00"), rule: shanghai), try at("2026-10-06 08:00"),
                       "after midnight: the same morning")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-06 07:30"), rule: shanghai), try at("2026-10-06 08:00"),
                       "08:00 itself is not quiet")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-06 07:45"), rule: shanghai), try at("2026-10-06 08:15"))
    }

    func testAQuietWindowWithinTheDay() throws {
        // setup: a lunch break 13:00–14:00
        var lunch = shanghai
        lunch.quietStart = "13:00"
        lunch.quietEnd = "14:00"

        // act, check
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 12:00"), rule: lunch), try at("2026-10-05 12:30"))
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 12:45"), rule: lunch), try at("2026-10-05 14:00"))
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 13:45"), rule: lunch), try at("2026-10-05 14:15"))
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 23:50"), rule: lunch), try at("2026-10-06 00:20"),
                       "midnight is not quiet in this rule")
        XCTAssertTrue(ReminderSchedule.isQuiet(try at("2026-10-05 13:59:59"), rule: lunch))
        XCTAssertFalse(ReminderSchedule.isQuiet(try at("2026-10-05 14:00"), rule: lunch))
    }

    func testEqualQuietTimesMeanNoQuietHours() throws {
        // setup
        var never = shanghai
        never.quietStart = "00:00"
        never.quietEnd = "00:00"

        // act, check
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try at("2026-10-05 23:50"), rule: never), try at("2026-10-06 00:20"))
    }

    func testQuietHoursAreInTheShopsTimeZone() throws {
        // setup: 14:00 UTC is 22:00 in Shanghai and 10:00 (EDT) in New York
        var newYork = shanghai
        newYork.timeZone = "America/New_York"
        let created = try utc("2026-10-05 14:00")

        // act
        let inShanghai = ReminderSchedule.firstDue(orderCreatedAt: created, rule: shanghai)
        let inNewYork = ReminderSchedule.firstDue(orderCreatedAt: created, rule: newYork)

        // check
        XCTAssertEqual(inShanghai, try utc("2026-10-06 00:00"), "08:00 in Shanghai")
        XCTAssertEqual(inNewYork, try utc("2026-10-05 14:30"), "10:30 in New York")
    }

    func testDaylightSavingDays() throws {
        // setup: New York springs forward on 2026-03-08 at 02:00 EST (07:00 UTC) and falls back
        // on 2026-11-01 at 02:00 EDT (06:00 UTC)
        var newYork = shanghai
        newYork.timeZone = "America/New_York"
        var endsInTheGap = newYork
        endsInTheGap.quietStart = "01:00"
        endsInTheGap.quietEnd = "02:30"
        var noQuietAtNight = newYork
        noQuietAtNight.quietStart = "22:00"
        noQuietAtNight.quietEnd = "01:00"

        // act, check
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try utc("2026-03-08 04:00"), rule: newYork), try utc("2026-03-08 12:00"),
                       "created 23:00 EST, reminded 08:00 EDT")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try utc("2026-11-01 03:00"), rule: newYork), try utc("2026-11-01 13:00"),
                       "created 23:00 EDT, reminded 08:00 EST")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try utc("2026-03-08 05:45"), rule: endsInTheGap), try utc("2026-03-08 07:00"),
                       "02:30 does not exist that night: the reminder goes when the clocks jump to 03:00")
        XCTAssertEqual(ReminderSchedule.firstDue(orderCreatedAt: try utc("2026-03-08 06:50"), rule: noQuietAtNight), try utc("2026-03-08 07:20"),
                       "01:50 EST + 30 minutes is 03:20 EDT: the delay is elapsed time")
    }

    func testOnceOnlyByDefault() throws {
        // setup
        let created = try at("2026-10-05 10:00")

        // act
        let early = ReminderSchedule.decide(now: try at("2026-10-05 10:10"), orderStatus: .unpaid, orderCreatedAt: created,
                                            remindersSent: [], lastBuyerMessageAt: nil, rule: shanghai)
        let due = ReminderSchedule.decide(now: try at("2026-10-05 10:30"), orderStatus: .unpaid, orderCreatedAt: created,
                                          remindersSent: [], lastBuyerMessageAt: nil, rule: shanghai)
        let after = ReminderSchedule.decide(now: try at("2026-10-05 12:00"), orderStatus: .unpaid, orderCreatedAt: created,
                                            remindersSent: [try at("2026-10-05 10:30")], lastBuyerMessageAt: nil, rule: shanghai)

        // check
        XCTAssertEqual(early, .deferUntil(try at("2026-10-05 10:30")))
        XCTAssertEqual(due, .sendNow)
        XCTAssertEqual(after, .done("reminded once; at most once per order"))
    }

    func testAtMostTwiceWithAGapBetween() throws {
        // setup: twice, 30 minutes after placing, then at least 60 minutes apart
        var twice = shanghai
        twice.maxPerOrder = 2
        let created = try at("2026-10-05 10:00")
        let first = try at("2026-10-05 10:30")

        // act
        func decide(_ now: String, _ sent: [Date]) throws -> ReminderDecision {
            ReminderSchedule.decide(now: try at(now), orderStatus: .unpaid, orderCreatedAt: created,
                                    remindersSent: sent, lastBuyerMessageAt: nil, rule: twice)
        }

        // check
        XCTAssertEqual(try decide("2026-10-05 11:00", [first]), .deferUntil(try at("2026-10-05 11:30")))
        XCTAssertEqual(try decide("2026-10-05 11:30", [first]), .sendNow)
        XCTAssertEqual(try decide("2026-10-05 21:30", [try at("2026-10-05 21:00")]), .deferUntil(try at("2026-10-06 08:00")),
                       "the second one falls in the quiet hours")
        XCTAssertEqual(try decide("2026-10-05 13:00", [first, try at("2026-10-05 11:30")]), .done("reminded twice; at most twice per order"))
    }

    func testARecentChatDefersTheReminder() throws {
        // setup: no reminder within 10 minutes of the buyer's last message
        var rule = shanghai
        rule.skipIfChattedWithinMinutes = 10
        let created = try at("2026-10-05 10:00")

        // act
        let chatting = ReminderSchedule.decide(now: try at("2026-10-05 10:30"), orderStatus: .unpaid, orderCreatedAt: created,
                                               remindersSent: [], lastBuyerMessageAt: try at("2026-10-05 10:25"), rule: rule)
        let quietAgain = ReminderSchedule.decide(now: try at("2026-10-05 10:40"), orderStatus: .unpaid, orderCreatedAt: created,
                                                 remindersSent: [], lastBuyerMessageAt: try at("2026-10-05 10:25"), rule: rule)
        let lateChat = ReminderSchedule.decide(now: try at("2026-10-05 21:55"), orderStatus: .unpaid, orderCreatedAt: created,
                                               remindersSent: [], lastBuyerMessageAt: try at("2026-10-05 21:54"), rule: rule)

        // check
        XCTAssertEqual(chatting, .deferUntil(try at("2026-10-05 10:35")))
        XCTAssertEqual(quietAgain, .sendNow)
        XCTAssertEqual(lateChat, .deferUntil(try at("2026-10-06 08:00")), "22:04 is in the quiet hours")
    }

    func testOnlyUnpaidOrdersAreReminded() throws {
        // setup
        let created = try at("2026-10-05 10:00")

        // act
        let paid = ReminderSchedule.decide(now: try at("2026-10-05 11:00"), orderStatus: .paid, orderCreatedAt: created,
                                           remindersSent: [], lastBuyerMessageAt: nil, rule: shanghai)
        let cancelled = ReminderSchedule.decide(now: try at("2026-10-05 11:00"), orderStatus: .cancelled, orderCreatedAt: created,
                                                remindersSent: [], lastBuyerMessageAt: nil, rule: shanghai)

        // check
        XCTAssertEqual(paid, .done("the order is paid; only unpaid orders are reminded"))
        XCTAssertEqual(cancelled, .done("the order is cancelled; only unpaid orders are reminded"))
    }

    func testNowInTheQuietHoursDefersToTheMorning() throws {
        // setup, act
        let decision = ReminderSchedule.decide(now: try at("2026-10-06 02:00"), orderStatus: .unpaid, orderCreatedAt: try at("2026-10-05 12:00"),
                                               remindersSent: [], lastBuyerMessageAt: nil, rule: shanghai)

        // check
        XCTAssertEqual(decision, .deferUntil(try at("2026-10-06 08:00")))
    }

    func testManualRemindersKeepTheGap() throws {
        // setup
        let last = try at("2026-10-05 10:00")
        let earlier = try at("2026-10-05 09:00")
        func refusal(_ now: String) throws -> DomainError? {
            let moment = try at(now)
            do {
                try ReminderSchedule.manualAllowed(now: moment, orderStatus: .unpaid, remindersSent: [earlier, last], rule: shanghai)
            } catch {
                return error
            }
            return nil
        }

        // act
        let twelve = try refusal("2026-10-05 10:12")
        let twelveAndAHalf = try refusal("2026-10-05 10:12:30")

        // check
        XCTAssertEqual(twelve?.message, "this order was reminded 12 minutes ago; wait 48 more minutes")
        XCTAssertEqual(twelve?.kind, .rateLimited)
        XCTAssertEqual(twelve?.code, "reminded_recently")
        XCTAssertEqual(twelve?.retryAfter, 48 * 60)
        XCTAssertEqual(twelveAndAHalf?.message, "this order was reminded 12 minutes ago; wait 48 more minutes")
        XCTAssertEqual(twelveAndAHalf?.retryAfter, 47 * 60 + 30)
        XCTAssertEqual(try refusal("2026-10-05 10:00:30")?.message, "this order was reminded less than a minute ago; wait 60 more minutes")
        XCTAssertEqual(try refusal("2026-10-05 10:59:30")?.message, "this order was reminded 59 minutes ago; wait 1 more minute")
        XCTAssertNil(try refusal("2026-10-05 11:00"))
        XCTAssertNoThrow(try ReminderSchedule.manualAllowed(now: last, orderStatus: .unpaid, remindersSent: [], rule: shanghai))
        XCTAssertThrowsError(try ReminderSchedule.manualAllowed(now: last, orderStatus: .paid, remindersSent: [], rule: shanghai)) {
            XCTAssertEqual(($0 as? DomainError)?.message, "only unpaid orders can be reminded; this order is paid")
        }
    }

    func testRuleDefaultsAndValidation() throws {
        // setup
        let decoded = try JSONDecoder().decode(ReminderRule.self, from: Data(#"{"timeZone":"Asia/Shanghai","maxPerOrder":2}"#.utf8))
        func message(_ change: (inout ReminderRule) -> Void) -> String? {
            var rule = ReminderRule(timeZone: "Asia/Shanghai")
            change(&rule)
            do { try rule.validate() } catch { return error.message }
            return nil
        }

        // act, check
        XCTAssertEqual(decoded, ReminderRule(timeZone: "Asia/Shanghai", maxPerOrder: 2))
        XCTAssertEqual(decoded.delayMinutes, 30)
        XCTAssertEqual(decoded.quietStart, "22:00")
        XCTAssertEqual(decoded.minimumGapMinutes, 60)
        XCTAssertEqual(try JSONDecoder().decode(ReminderRule.self, from: JSONEncoder().encode(decoded)), decoded)
        XCTAssertNil(message { _ in })
        XCTAssertEqual(message { $0.timeZone = "Mars/Olympus" },
                       "reminderRule.timeZone: unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Shanghai")
        XCTAssertEqual(message { $0.delayMinutes = 0 }, "reminderRule.delayMinutes must be between 1 and 1440, got 0")
        XCTAssertEqual(message { $0.maxPerOrder = 6 }, "reminderRule.maxPerOrder must be between 1 and 5, got 6")
        XCTAssertEqual(message { $0.skipIfChattedWithinMinutes = 241 }, "reminderRule.skipIfChattedWithinMinutes must be between 0 and 240, got 241")
        XCTAssertEqual(message { $0.minimumGapMinutes = 0 }, "reminderRule.minimumGapMinutes must be between 1 and 1440, got 0")
        XCTAssertEqual(message { $0.quietEnd = "8:00" }, "reminderRule.quietEnd: '8:00' is not a time in HH:mm (00:00 to 23:59)")
        XCTAssertEqual(message { $0.quietStart = "24:00" }, "reminderRule.quietStart: '24:00' is not a time in HH:mm (00:00 to 23:59)")
        XCTAssertEqual(message { $0.template = " " }, "reminderRule.template must not be empty")
        XCTAssertEqual(message { $0.template = "{order_no} {shop}" },
                       "reminderRule.template: unknown variable {shop}; use {customer_name}, {order_no}, {amount}, {pay_link}")
    }

    func testTheMessageFillsInTheVariables() throws {
        // setup
        let rule = ReminderRule(timeZone: "Asia/Shanghai", template: "{customer_name}，订单{order_no}待付{amount}：{pay_link}")

        // act
        let text = rule.message(customerName: "小美", orderNo: "KF20261005001", amount: try Money(minor: 5030, currency: "CNY"),
                                payLink: "https://shop.example/pay/1", locale: Locale(identifier: "zh_CN"))

        // check
        XCTAssertEqual(text, "小美，订单KF20261005001待付¥50.30：https://shop.example/pay/1")
        XCTAssertNoThrow(try ReminderRule(timeZone: "UTC").validate(), "the default template only uses known variables")
    }
}
