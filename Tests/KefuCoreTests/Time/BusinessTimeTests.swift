import Foundation
import KefuCore
import XCTest

/// Business-time arithmetic: examples a shop would check by hand, then properties over random
/// calendars (lunch breaks, overnight ranges, holidays, 调休 working days) in zones with and
/// without daylight saving, from a fixed seed.
final class BusinessTimeTests: XCTestCase {
    typealias R = BusinessHours.TimeRange

    func at(_ text: String, _ zone: String = "Asia/Shanghai") -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: zone)
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    /// 售后: Monday to Friday 9:00–12:00 and 13:00–18:00 (a lunch break).
    var afterSale: BusinessHours {
        let day = [R(start: "09:00", end: "12:00"), R(start: "13:00", end: "18:00")]
        return BusinessHours(timeZone: "Asia/Shanghai", weekly: ["mon": day, "tue": day, "wed": day, "thu": day, "fri": day])
    }

    func testLunchBreaksNightsWeekendsHolidaysAndWorkdays() throws {
        let hours = afterSale
        // 2026-12-07 is a Monday. Four business hours from 10:00: 10–12, 13–15.
        XCTAssertEqual(hours.adding(4 * 3600, to: at("2026-12-07 10:00")), at("2026-12-07 15:00"))
        // From Friday 17:00, two hours: one on Friday, one on Monday morning.
        XCTAssertEqual(hours.adding(2 * 3600, to: at("2026-12-11 17:00")), at("2026-12-14 10:00"))
        XCTAssertEqual(hours.businessSeconds(from: at("2026-12-11 17:00"), to: at("2026-12-14 10:00")), 2 * 3600)
        // Started outside hours: the clock starts at the next opening.
        XCTAssertEqual(hours.adding(30 * 60, to: at("2026-12-07 12:10")), at("2026-12-07 13:30"))
        XCTAssertEqual(hours.adding(0, to: at("2026-12-07 12:10")), at("2026-12-07 12:10"))
        // A holiday on Wednesday: Tuesday 17:00 to Thursday 10:00 is two hours.
        var holiday = hours
        holiday.holidays = ["2026-12-09"]
        XCTAssertEqual(holiday.businessSeconds(from: at("2026-12-08 17:00"), to: at("2026-12-10 10:00")), 2 * 3600)
        // 调休: Sunday worked 10:00–12:00.
        var worked = hours
        worked.workdays = [.init(date: "2026-12-13", ranges: [R(start: "10:00", end: "12:00")])]
        XCTAssertEqual(worked.businessSeconds(from: at("2026-12-12 12:00"), to: at("2026-12-14 10:00")), 3 * 3600)
        XCTAssertTrue(worked.isOpen(at: at("2026-12-13 11:00")))
        XCTAssertEqual(worked.nextOpening(after: at("2026-12-12 12:00")), at("2026-12-13 10:00"))
        // An overnight range (售前 until 01:00) belongs to the day it starts.
        let late = BusinessHours(timeZone: "Asia/Shanghai", weekly: ["fri": [R(start: "20:00", end: "01:00")]])
        XCTAssertEqual(late.businessSeconds(from: at("2026-12-11 00:00"), to: at("2026-12-13 00:00")), 5 * 3600)
        // Never open: no end.
        XCTAssertNil(BusinessHours(timeZone: "UTC", weekly: [:]).adding(60, to: at("2026-12-07 10:00")))
    }

    func testDaylightSavingDaysAreShorterAndLongerInRealTime() {
        let allDay = BusinessHours(timeZone: "America/New_York",
                                   weekly: Dictionary(uniqueKeysWithValues: BusinessHours.dayKeys.map { ($0, [R(start: "00:00", end: "24:00")]) }))
        // 2026-03-08: clocks go forward; 2026-11-01: back.
        XCTAssertEqual(allDay.businessSeconds(from: at("2026-03-08 00:00", "America/New_York"), to: at("2026-03-09 00:00", "America/New_York")), 23 * 3600)
        XCTAssertEqual(allDay.businessSeconds(from: at("2026-11-01 00:00", "America/New_York"), to: at("2026-11-02 00:00", "America/New_York")), 25 * 3600)
        // A nine-to-five day is eight hours on both days.
        let office = BusinessHours(timeZone: "Europe/Berlin", weekly: ["sun": [R(start: "09:00", end: "17:00")]])
        XCTAssertEqual(office.businessSeconds(from: at("2026-03-29 00:00", "Europe/Berlin"), to: at("2026-03-30 00:00", "Europe/Berlin")), 8 * 3600)
        XCTAssertEqual(office.adding(8 * 3600, to: at("2026-10-25 09:00", "Europe/Berlin")), at("2026-10-25 17:00", "Europe/Berlin"))
    }

    func testAlwaysOpenIsPlainTime() {
        let start = at("2026-12-07 10:00")
        XCTAssertEqual(BusinessHours.alwaysOpen.adding(12_345, to: start), start.addingTimeInterval(12_345))
        XCTAssertEqual(BusinessHours.alwaysOpen.businessSeconds(from: start, to: start.addingTimeInterval(99_999)), 99_999)
    }

    func testAddingThenMeasuringGivesTheSpanBackOnRandomCalendars() throws {
        var rng = SplitMix(seed: 20261207)
        let zones = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Asia/Seoul"]
        for round in 0..<300 {
            let hours = Self.randomCalendar(&rng, zone: zones[Int(rng.next() % UInt64(zones.count))])
            try hours.validate()
            // Starts spread over 2026–2027, dense around the DST changes.
            let base = at("2026-01-01 00:00", "UTC").timeIntervalSince1970
            let start = Date(timeIntervalSince1970: base + Double(rng.next() % (730 * 86_400)))
            let span = Double(rng.next() % (300 * 3600)) + Double(rng.next() % 60)
            guard let end = hours.adding(span, to: start) else {
                let within = hours.businessSeconds(from: start, to: start.addingTimeInterval(Double(BusinessHours.searchDays - 2) * 86_400))
                XCTAssertLessThan(within, span, "round \(round): no end though there is enough open time")
                continue
            }
            XCTAssertEqual(hours.businessSeconds(from: start, to: end), span, accuracy: 0.001, "round \(round): \(hours) from \(start)")
            if span > 1 { XCTAssertTrue(hours.isOpen(at: end.addingTimeInterval(-0.5)), "round \(round): the span ends inside open time") }
            // Measuring is additive at any split point.
            let split = start.addingTimeInterval(end.timeIntervalSince(start) * Double(rng.next() % 1000) / 1000)
            XCTAssertEqual(hours.businessSeconds(from: start, to: split) + hours.businessSeconds(from: split, to: end),
                           hours.businessSeconds(from: start, to: end), accuracy: 0.001)
            // And agrees with isOpen, sampled.
            for _ in 0..<3 {
                let t = start.addingTimeInterval(Double(rng.next() % UInt64(max(1, end.timeIntervalSince(start)))))
                let open = hours.businessSeconds(from: t, to: t.addingTimeInterval(1)) > 0.5
                XCTAssertEqual(open, hours.isOpen(at: t.addingTimeInterval(0.5)), "round \(round): isOpen disagrees at \(t)")
            }
        }
    }

    static func randomCalendar(_ rng: inout SplitMix, zone: String) -> BusinessHours {
        func time(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
        var weekly: [String: [R]] = [:]
        for key in BusinessHours.dayKeys where rng.next() % 5 != 0 {
            switch rng.next() % 4 {
            case 0: weekly[key] = [R(start: "09:00", end: "12:00"), R(start: "13:30", end: "18:00")]
            case 1: weekly[key] = [R(start: time(Int(rng.next() % 48) * 30), end: "24:00")]
            case 2: weekly[key] = [R(start: "20:00", end: time(Int(rng.next() % 12) * 30))]   // overnight
            default:
                let s = Int(rng.next() % 40) * 30
                weekly[key] = [R(start: time(s), end: time(min(1439, s + 30 + Int(rng.next() % 16) * 30)))]
            }
        }
        var holidays: [String] = []
        var workdays: [BusinessHours.WorkDay] = []
        for _ in 0..<Int(rng.next() % 6) {
            let day = String(format: "2026-%02d-%02d", 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
            if rng.next() % 2 == 0 {
                if !holidays.contains(day) && !workdays.contains(where: { $0.date == day }) { holidays.append(day) }
            } else if !holidays.contains(day) && !workdays.contains(where: { $0.date == day }) {
                workdays.append(.init(date: day, ranges: [R(start: "10:00", end: "16:00")]))
            }
        }
        return BusinessHours(timeZone: zone, weekly: weekly, holidays: holidays, workdays: workdays)
    }
}
