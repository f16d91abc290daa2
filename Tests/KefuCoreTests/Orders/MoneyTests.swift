import Foundation
import KefuCore
import XCTest

final class MoneyTests: XCTestCase {
    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    /// The error `body` throws, as a `DomainError`.
    func domainError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> DomainError? {
        do {
            try body()
            XCTFail("no error thrown", file: file, line: line)
            return nil
        } catch let error as DomainError {
            return error
        } catch {
            XCTFail("not a DomainError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testCurrencyCodesAreThreeUpperCaseLetters() throws {
        // setup, act, check
        XCTAssertEqual(try Money(minor: 1, currency: "USD").currency, "USD")
        for bad in ["", "cny", "Cny", "CN", "CNYY", "C1Y", "ＣＮＹ", "CN "] {
            XCTAssertEqual(domainError { _ = try Money(minor: 1, currency: bad) }?.field, "currency", bad)
        }
    }

    func testExponents() throws {
        // setup, act, check
        for (code, exponent) in [("CNY", 2), ("USD", 2), ("EUR", 2), ("HKD", 2), ("TWD", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("XYZ", 2)] {
            XCTAssertEqual(Money.exponent(of: code), exponent, code)
        }
        XCTAssertEqual(try Money(minor: 5, currency: "JPY").exponent, 0)
    }

    func testCodableRoundTripAndValidation() throws {
        // setup
        let price = try cny(1234)

        // act
        let json = String(decoding: try JSONEncoder().encode(price), as: UTF8.self)
        let decoded = try JSONDecoder().decode(Money.self, from: Data(#"{"minor":1234,"currency":"CNY"}"#.utf8))

        // check
        XCTAssertTrue(json.contains(#""minor":1234"#) && json.contains(#""currency":"CNY""#), json)
        XCTAssertEqual(decoded, price)
        XCTAssertThrowsError(try JSONDecoder().decode(Money.self, from: Data(#"{"minor":1,"currency":"cny"}"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(Money.self, from: Data(#"{"minor":1.5,"currency":"CNY"}"#.utf8)))
    }

    func testAddingSubtractingAndMultiplying() throws {
        // setup
        let a = try cny(1234)
        let b = try cny(66)

        // act, check
        XCTAssertEqual(try a.adding(b), try cny(1300))
        XCTAssertEqual(try b.subtracting(a), try cny(-1168))
        XCTAssertEqual(try a.multiplied(by: 3), try cny(3702))
        XCTAssertEqual(try Money.sum([a, b, b], currency: "CNY"), try cny(1366))
        XCTAssertEqual(try Money.sum([], currency: "CNY"), try cny(0))
    }

    func testMixedCurrenciesAreRefused() throws {
        // setup
        let yuan = try cny(100)
        let dollars = try Money(minor: 100, currency: "USD")

        // act
        let error = domainError { _ = try yuan.adding(dollars) }

        // check
        XCTAssertEqual(error?.code, "currency_mismatch")
        XCTAssertEqual(error?.message, "cannot add amounts in different currencies (1.00 CNY and 1.00 USD)")
        XCTAssertEqual(domainError { _ = try yuan.subtracting(dollars) }?.code, "currency_mismatch")
        XCTAssertEqual(domainError { _ = try Money.sum([yuan, dollars], currency: "CNY") }?.code, "currency_mismatch")
    }

    func testOverflowIsAnErrorNotATrap() throws {
        // setup
        let most = try cny(.max)
        let least = try cny(.min)

        // act, check
        XCTAssertEqual(domainError { _ = try most.adding(try self.cny(1)) }?.code, "amount_too_large")
        XCTAssertEqual(domainError { _ = try least.subtracting(try self.cny(1)) }?.code, "amount_too_large")
        XCTAssertEqual(domainError { _ = try most.multiplied(by: 2) }?.code, "amount_too_large")
        XCTAssertEqual(domainError { _ = try most.applyingPercent(101) }?.code, "amount_too_large")
        XCTAssertEqual(try most.applyingPercent(1), try cny(92_233_720_368_547_758), "92233720368547758.07 rounds to …58")
        XCTAssertEqual(try least.scaled(by: 1, dividedBy: 2), try cny(-4_611_686_018_427_387_904))
    }

    func testPercentRoundsHalfAwayFromZeroInMinorUnits() throws {
        // setup, act, check
        XCTAssertEqual(try cny(1235).applyingPercent(10), try cny(124), "123.5 fen → 124")
        XCTAssertEqual(try cny(1234).applyingPercent(10), try cny(123), "123.4 fen → 123")
        XCTAssertEqual(try cny(-1235).applyingPercent(10), try cny(-124), "-123.5 fen → -124")
        XCTAssertEqual(try cny(1999).applyingPercent(90), try cny(1799), "1799.1 → 1799")
        XCTAssertEqual(try cny(5).applyingPercent(50), try cny(3), "2.5 → 3")
        XCTAssertEqual(try cny(10).scaled(by: 85, dividedBy: 1000), try cny(1), "8.5 % of ¥0.10 = 0.85 fen → 1")
        XCTAssertEqual(try cny(1000).applyingPercent(0), try cny(0))
        XCTAssertEqual(domainError { _ = try self.cny(1).scaled(by: 1, dividedBy: 0) }?.kind, .invalid)
    }

    func testComparableWithinACurrency() throws {
        // setup
        let amounts = [try cny(500), try Money(minor: 1, currency: "USD"), try cny(-5), try cny(20)]

        // act
        let sorted = amounts.sorted()

        // check
        XCTAssertTrue(try cny(1) < cny(2))
        XCTAssertEqual(sorted.map(\.description), ["-0.05 CNY", "0.20 CNY", "5.00 CNY", "0.01 USD"], "by currency, then value")
    }

    func testDecimalStringFromIntegers() throws {
        // setup, act, check
        XCTAssertEqual(try cny(1234).decimalString, "12.34")
        XCTAssertEqual(try cny(5).decimalString, "0.05")
        XCTAssertEqual(try cny(-5).decimalString, "-0.05")
        XCTAssertEqual(try cny(0).decimalString, "0.00")
        XCTAssertEqual(try cny(.min).decimalString, "-92233720368547758.08")
        XCTAssertEqual(try Money(minor: 1200, currency: "JPY").decimalString, "1200")
        XCTAssertEqual(try Money(minor: 1, currency: "KWD").description, "0.001 KWD")
    }

    func testParseAcceptsPlainDecimals() throws {
        // setup, act, check
        XCTAssertEqual(try Money.parse("12.34", currency: "CNY"), try cny(1234))
        XCTAssertEqual(try Money.parse("12.3", currency: "CNY"), try cny(1230))
        XCTAssertEqual(try Money.parse("12", currency: "CNY"), try cny(1200))
        XCTAssertEqual(try Money.parse("0.1", currency: "CNY"), try cny(10))
        XCTAssertEqual(try Money.parse("0", currency: "CNY"), try cny(0))
        XCTAssertEqual(try Money.parse("007.50", currency: "CNY"), try cny(750))
        XCTAssertEqual(try Money.parse("1200", currency: "JPY"), try Money(minor: 1200, currency: "JPY"))
        XCTAssertEqual(try Money.parse("-1.5", currency: "CNY", allowNegative: true), try cny(-150))
        XCTAssertEqual(try Money.parse("92233720368547758.07", currency: "CNY"), try cny(.max))
    }

    func testParseRefusesEverythingElse() throws {
        // setup
        let notAmounts = ["", "1.", ".5", "1e3", "１２", "1,200", "+1", " 1", "1 ", "1.2.3", "¥12", "12元", "-", "--1", "0x10", "NaN"]

        // act, check
        for text in notAmounts {
            let error = domainError { _ = try Money.parse(text, currency: "CNY") }
            XCTAssertEqual(error?.field, "amount", text)
            XCTAssertEqual(error?.message, "amount '\(text)' is not an amount; write digits with an optional decimal point, like 12.55", text)
        }
        XCTAssertEqual(domainError { _ = try Money.parse("-1", currency: "CNY") }?.message, "amount must not be negative; got '-1'")
        XCTAssertEqual(domainError { _ = try Money.parse("12.345", currency: "CNY") }?.message, "amount '12.345' has 3 decimals; CNY has 2")
        XCTAssertEqual(domainError { _ = try Money.parse("1.5", currency: "JPY") }?.message, "amount '1.5' has decimals; JPY amounts are whole numbers")
        XCTAssertEqual(domainError { _ = try Money.parse("92233720368547758.08", currency: "CNY") }?.message, "amount '92233720368547758.08' is too large")
        XCTAssertEqual(domainError { _ = try Money.parse("1", currency: "rmb") }?.field, "currency")
        XCTAssertEqual(domainError { _ = try Money.parse("x", currency: "CNY", field: "unitPrice") }?.field, "unitPrice")
    }

    func testFormattedForPeople() throws {
        // setup
        let china = Locale(identifier: "zh_CN")
        let us = Locale(identifier: "en_US")

        // act, check
        XCTAssertEqual(try cny(1234).formatted(locale: china), "¥12.34")
        XCTAssertEqual(try cny(-1234).formatted(locale: china), "-¥12.34")
        XCTAssertEqual(try Money(minor: 1200, currency: "KRW").formatted(locale: Locale(identifier: "ko_KR")), "₩1,200")
        XCTAssertEqual(try Money(minor: 500, currency: "USD").formatted(locale: us), "$5.00")
        XCTAssertEqual(try cny(1234).formatted(locale: us), "CN¥12.34")
        XCTAssertEqual(try cny(123_456_789).formatted(locale: china), "¥1,234,567.89")
        XCTAssertEqual(try Money(minor: 999_999_999_999_999, currency: "USD").formatted(locale: us), "$9,999,999,999,999.99",
                       "15 digits are exact")
        XCTAssertEqual(try Money(minor: .max, currency: "USD").formatted(locale: us), "92233720368547758.07 USD",
                       "beyond what the formatter holds exactly: plain digits, never rounded")
    }
}
