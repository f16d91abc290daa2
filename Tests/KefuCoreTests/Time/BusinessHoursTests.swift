import Foundation
import KefuCore
import XCTest

final class BusinessHoursTests: XCTestCase {
    typealias TimeRange = BusinessHours.TimeRange

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

    let weekdays = BusinessHours(
        timeZone: "Asia/Shanghai",
        weekly: ["mon": [TimeRange(start: "09:00", end: "18:00")], "tue": [TimeRange(start: "09:00", end: "18:00")],
                 "wed": [TimeRange(start: "09:00", end: "18:00")], "thu": [TimeRange(start: "09:00", end: "18:00")],
                 "fri": [TimeRange(start: "09:00", end: "12:00"), TimeRange(start: "13:00", end: "18:00")]])

    func testDecodesAndEncodesTheDocumentedJSON() throws {
        // setup
        let json = #"{"timeZone":"Asia/Shanghai","weekly":{"mon":[{"start":"09:00","end":"18:00"}]},"holidays":["2026-10-01"]}"#

        // act
        let hours = try JSONDecoder().decode(BusinessHours.self, from: Data(json.utf8))
        let again = try JSONDecoder().decode(BusinessHours.self, from: JSONEncoder().encode(hours))
        let minimal = try JSONDecoder().decode(BusinessHours.self, from: Data(#"{"timeZone":"UTC"}"#.utf8))

        // check
        XCTAssertEqual(hours, BusinessHours(timeZone: "Asia/Shanghai", weekly: ["mon": [TimeRange(start: "09:00", end: "18:00")]], holidays: ["2026-10-01"]))
        XCTAssertEqual(again, hours)
        XCTAssertEqual(minimal, BusinessHours(timeZone: "UTC", weekly: [:], holidays: []), "weekly and holidays may be left out")
        XCTAssertFalse(minimal.isOpen(at: Date()), "no hours: never open")
    }

    func testOpenInsideRangesOnly() throws {
        // setup, act, check: 2026-10-05 is a Monday, 2026-10-02 a Friday
        XCTAssertFalse(weekdays.isOpen(at: try at("2026-10-05 08:59:59")))
        XCTAssertTrue(weekdays.isOpen(at: try at("2026-10-05 09:00")), "the start is inside")
        XCTAssertTrue(weekdays.isOpen(at: try at("2026-10-05 17:59:59")))
        XCTAssertFalse(weekdays.isOpen(at: try at("2026-10-05 18:00")), "the end is outside")
        XCTAssertFalse(weekdays.isOpen(at: try at("2026-10-02 12:30")), "Friday lunch break")
        XCTAssertTrue(weekdays.isOpen(at: try at("2026-10-02 13:00")))
        XCTAssertFalse(weekdays.isOpen(at: try at("2026-10-03 10:00")), "Saturday has no hours")
    }

    func testARangePastMidnightRunsIntoTheNextDay() throws {
        // setup: Friday 22:00–02:00, Saturday 20:00–24:00
        let hours = BusinessHours(timeZone: "Asia/Shanghai",
                                  weekly: ["fri": [TimeRange(start: "22:00", end: "02:00")], "sat": [TimeRange(start: "20:00", end: "24:00")]])

        // act, check
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-02 21:59")))
        XCTAssertTrue(hours.isOpen(at: try at("2026-10-02 23:30")))
        XCTAssertTrue(hours.isOpen(at: try at("2026-10-03 01:59:59")), "Saturday morning belongs to Friday's range")
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-03 02:00")))
        XCTAssertTrue(hours.isOpen(at: try at("2026-10-03 23:59:59")), "24:00 is the end of the day")
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-04 00:00")), "a 24:00 end does not run into Sunday")
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-09 01:00")), "Thursday has no range to run into Friday")
    }

    func testEqualStartAndEndIsTwentyFourHours() throws {
        // setup
        let hours = BusinessHours(timeZone: "UTC", weekly: ["mon": [TimeRange(start: "08:00", end: "08:00")]])

        // act, check
        XCTAssertTrue(hours.isOpen(at: try utc("2026-10-05 08:00")))
        XCTAssertTrue(hours.isOpen(at: try utc("2026-10-06 07:59")))
        XCTAssertFalse(hours.isOpen(at: try utc("2026-10-06 08:00")))
    }

    func testAHolidayClosesItsDayIncludingTheAfterMidnightPart() throws {
        // setup: Thursday 2026-10-01 and Friday 2026-10-02 both 20:00–01:00; the 1st is a holiday
        let hours = BusinessHours(timeZone: "Asia/Shanghai",
                                  weekly: ["thu": [TimeRange(start: "20:00", end: "01:00")], "fri": [TimeRange(start: "20:00", end: "01:00")]],
                                  holidays: ["2026-10-01"])

        // act, check
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-01 21:00")), "the holiday itself")
        XCTAssertFalse(hours.isOpen(at: try at("2026-10-02 00:30")), "the holiday's range is closed after midnight too")
        XCTAssertTrue(hours.isOpen(at: try at("2026-10-02 20:30")))

        let nextDayHoliday = BusinessHours(timeZone: "Asia/Shanghai", weekly: hours.weekly, holidays: ["2026-10-02"])
        XCTAssertTrue(nextDayHoliday.isOpen(at: try at("2026-10-02 00:30")), "the range belongs to the day it starts")
        XCTAssertFalse(nextDayHoliday.isOpen(at: try at("2026-10-02 20:30")))
    }

    func testTheSameMomentInDifferentTimeZones() throws {
        // setup: Monday 2026-03-09 02:00 UTC is 10:00 Monday in Shanghai, 22:00 Sunday in New York (EDT)
        let shanghai = weekdays
        var newYork = weekdays
        newYork.timeZone = "America/New_York"
        let moment = try utc("2026-03-09 02:00")

        // act, check
        XCTAssertTrue(shanghai.isOpen(at: moment))
        XCTAssertFalse(newYork.isOpen(at: moment))
        XCTAssertEqual(newYork.nextOpening(after: moment), try utc("2026-03-09 13:00"), "09:00 EDT")
        XCTAssertEqual(shanghai.nextOpening(after: try utc("2026-03-09 10:00")), try utc("2026-03-10 01:00"), "09:00 CST on Tuesday")
    }

    func testWallClockHoursHoldAcrossDaylightSavingChanges() throws {
        // setup: New York springs forward on Sunday 2026-03-08 at 02:00 EST (07:00 UTC),
        // and falls back on Sunday 2026-11-01 at 02:00 EDT (06:00 UTC).
        let hours = BusinessHours(timeZone: "America/New_York", weekly: ["sun": [TimeRange(start: "09:00", end: "17:00")]])
        let gap = BusinessHours(timeZone: "America/New_York", weekly: ["sun": [TimeRange(start: "02:30", end: "04:00")]])
        let overlap = BusinessHours(timeZone: "America/New_York", weekly: ["sun": [TimeRange(start: "01:30", end: "05:00")]])

        // act, check
        XCTAssertTrue(hours.isOpen(at: try utc("2026-03-01 14:00")), "09:00 EST a week before")
        XCTAssertFalse(hours.isOpen(at: try utc("2026-03-08 12:59")), "08:59 EDT")
        XCTAssertTrue(hours.isOpen(at: try utc("2026-03-08 13:00")), "09:00 EDT")
        XCTAssertFalse(hours.isOpen(at: try utc("2026-03-08 21:00")), "17:00 EDT")
        XCTAssertEqual(hours.nextOpening(after: try utc("2026-03-08 05:00")), try utc("2026-03-08 13:00"))
        XCTAssertEqual(gap.nextOpening(after: try utc("2026-03-08 06:00")), try utc("2026-03-08 07:00"),
                       "02:30 does not exist that night: it opens when the clocks jump to 03:00")
        XCTAssertTrue(gap.isOpen(at: try utc("2026-03-08 07:00")))
        XCTAssertEqual(overlap.nextOpening(after: try utc("2026-11-01 04:00")), try utc("2026-11-01 05:30"),
                       "01:30 happens twice: the first time counts")
        XCTAssertTrue(overlap.isOpen(at: try utc("2026-11-01 09:59")), "04:59 EST")
        XCTAssertFalse(overlap.isOpen(at: try utc("2026-11-01 10:00")), "05:00 EST")
    }

    func testNextOpeningOverAWeekendAndAHoliday() throws {
        // setup
        var withHoliday = weekdays
        withHoliday.holidays = ["2026-10-05", "2026-10-06"]

        // act, check
        XCTAssertEqual(weekdays.nextOpening(after: try at("2026-10-02 18:30")), try at("2026-10-05 09:00"), "Friday evening → Monday")
        XCTAssertEqual(weekdays.nextOpening(after: try at("2026-10-02 12:15")), try at("2026-10-02 13:00"), "after lunch")
        XCTAssertEqual(weekdays.nextOpening(after: try at("2026-10-05 03:00")), try at("2026-10-05 09:00"))
        XCTAssertEqual(withHoliday.nextOpening(after: try at("2026-10-02 18:30")), try at("2026-10-07 09:00"), "Monday and Tuesday off")
        let now = try at("2026-10-05 10:00")
        XCTAssertEqual(weekdays.nextOpening(after: now), now, "open now: now")
    }

    func testNextOpeningIsNilWhenClosedForTwoWeeks() throws {
        // setup
        var closed = weekdays
        closed.holidays = (5...31).map { String(format: "2026-10-%02d", $0) }
        let never = BusinessHours(timeZone: "UTC", weekly: [:])

        // act, check
        XCTAssertNil(closed.nextOpening(after: try at("2026-10-02 18:30")))
        XCTAssertNil(never.nextOpening(after: Date()))
        XCTAssertEqual(closed.nextOpening(after: try at("2026-10-20 18:30")), try at("2026-11-02 09:00"))
    }

    func testAlwaysOpen() throws {
        // setup
        let hours = BusinessHours.alwaysOpen
        let moments = [Date(timeIntervalSince1970: 0), try utc("2026-03-08 07:00"), try utc("2026-12-31 23:59"), Date()]

        // act, check
        XCTAssertNoThrow(try hours.validate())
        for moment in moments {
            XCTAssertTrue(hours.isOpen(at: moment))
            XCTAssertEqual(hours.nextOpening(after: moment), moment)
        }
    }

    func testValidationNamesTheExactEntry() {
        // setup
        func message(_ hours: BusinessHours) -> String? {
            do {
                try hours.validate()
                return nil
            } catch {
                XCTAssertEqual(error.kind, .invalid)
                XCTAssertEqual(error.field, "businessHours")
                return error.message
            }
        }
        func hours(_ weekly: [String: [TimeRange]], zone: String = "Asia/Shanghai", holidays: [String] = []) -> BusinessHours {
            BusinessHours(timeZone: zone, weekly: weekly, holidays: holidays)
        }
        let ok = [TimeRange(start: "09:00", end: "18:00")]

        // act, check
        XCTAssertNil(message(weekdays))
        XCTAssertNil(message(hours(["sun": [TimeRange(start: "22:00", end: "02:00"), TimeRange(start: "00:00", end: "24:00")]], holidays: ["2028-02-29"])))
        XCTAssertEqual(message(hours(["mon": ok], zone: "Mars/Olympus")),
                       "businessHours.timeZone: unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Shanghai")
        XCTAssertEqual(message(hours(["monday": ok])), "businessHours.weekly: unknown day 'monday'; use mon, tue, wed, thu, fri, sat, sun")
        XCTAssertEqual(message(hours(["tue": [TimeRange(start: "9:00", end: "18:00")]])),
                       "businessHours.weekly.tue[0].start: '9:00' is not a time in HH:mm (00:00 to 23:59)")
        XCTAssertEqual(message(hours(["wed": ok + [TimeRange(start: "19:00", end: "24:30")]])),
                       "businessHours.weekly.wed[1].end: '24:30' is not a time in HH:mm (00:00 to 24:00)")
        XCTAssertEqual(message(hours(["thu": [TimeRange(start: "24:00", end: "02:00")]])),
                       "businessHours.weekly.thu[0].start: '24:00' is not a time in HH:mm (00:00 to 23:59)")
        XCTAssertEqual(message(hours(["fri": [TimeRange(start: "09:60", end: "10:00")]])),
                       "businessHours.weekly.fri[0].start: '09:60' is not a time in HH:mm (00:00 to 23:59)")
        XCTAssertEqual(message(hours(["sat": Array(repeating: ok[0], count: 11)])), "businessHours.weekly.sat: 11 ranges; at most 10 a day")
        XCTAssertEqual(message(hours(["mon": ok], holidays: ["2026-10-01", "2026-02-29"])),
                       "businessHours.holidays[1]: '2026-02-29' is not a date in YYYY-MM-DD")
        XCTAssertEqual(message(hours(["mon": ok], holidays: ["2026-1-01"])), "businessHours.holidays[0]: '2026-1-01' is not a date in YYYY-MM-DD")
        XCTAssertEqual(message(hours(["mon": ok], holidays: ["01/10/2026"])), "businessHours.holidays[0]: '01/10/2026' is not a date in YYYY-MM-DD")
    }

    func testInvalidEntriesAreIgnoredWhenEvaluating() throws {
        // setup: stored hours that would not validate
        let hours = BusinessHours(timeZone: "Nowhere/Else", weekly: ["mon": [TimeRange(start: "nine", end: "18:00"), TimeRange(start: "10:00", end: "11:00")]],
                                  holidays: ["someday"])

        // act, check: the zone falls back to UTC, the bad range and holiday are skipped
        XCTAssertTrue(hours.isOpen(at: try utc("2026-10-05 10:30")))
        XCTAssertFalse(hours.isOpen(at: try utc("2026-10-05 09:30")))
    }
}
