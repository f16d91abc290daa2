import Foundation

/// An amount of money: a whole number of minor units (fen, cents; yen and won have none) in
/// an ISO 4217 currency. Never floating point: amounts are added, multiplied and parsed as
/// integers, and every operation that could overflow `Int64` or mix currencies throws.
///
/// JSON: `{"minor":1234,"currency":"CNY"}` is ¥12.34.
///
/// `Comparable` orders amounts of one currency by value; amounts of different currencies are
/// ordered by currency code first (a total order for sorting, not a comparison of value), so
/// check ``currency`` before comparing amounts that may differ in it.
public struct Money: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The amount in minor units: 1234 is 12.34 CNY, 1200 is 1,200 KRW.
    public let minor: Int64
    /// ISO 4217 code, three upper-case ASCII letters: "CNY", "USD".
    public let currency: String

    /// Throws `.invalid` (field "currency") unless `currency` is three upper-case letters.
    public init(minor: Int64, currency: String) throws(DomainError) {
        try Self.checkCurrency(currency)
        self.minor = minor
        self.currency = currency
    }

    /// Nothing, in `currency`.
    public static func zero(_ currency: String) throws(DomainError) -> Money {
        try Money(minor: 0, currency: currency)
    }

    enum CodingKeys: String, CodingKey { case minor, currency }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let minor = try c.decode(Int64.self, forKey: .minor)
        let currency = try c.decode(String.self, forKey: .currency)
        do {
            try self.init(minor: minor, currency: currency)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .currency, in: c, debugDescription: error.message)
        }
    }

    // MARK: currencies

    /// Minor-unit exponents (decimals) of the currencies Kefu knows; any other well-formed code
    /// has 2. TWD has 2 in ISO 4217 even though its coins stop at 1 dollar.
    public static let minorUnitExponents: [String: Int] = [
        "CNY": 2, "HKD": 2, "MOP": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "AUD": 2, "CAD": 2,
        "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0,
        "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
    ]

    /// The number of decimals of `currency` (2 when unknown).
    public static func exponent(of currency: String) -> Int {
        minorUnitExponents[currency] ?? 2
    }

    /// The number of decimals of this amount's currency.
    public var exponent: Int { Self.exponent(of: currency) }

    /// Throws `.invalid` naming `field` unless `code` is three upper-case ASCII letters.
    public static func checkCurrency(_ code: String, field: String = "currency") throws(DomainError) {
        let bytes = Array(code.utf8)
        guard bytes.count == 3, bytes.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw .invalid(field, "\(field) must be an ISO 4217 code of three upper-case letters such as CNY; got '\(code)'")
        }
    }

    // MARK: arithmetic

    public var isZero: Bool { minor == 0 }
    public var isNegative: Bool { minor < 0 }

    /// `self + other`; throws on mixed currencies or overflow.
    public func adding(_ other: Money) throws(DomainError) -> Money {
        try sameCurrency(other, "add")
        let (sum, overflow) = minor.addingReportingOverflow(other.minor)
        guard !overflow else { throw Self.overflow(currency) }
        return Money(unchecked: sum, currency)
    }

    /// `self - other`; throws on mixed currencies or overflow.
    public func subtracting(_ other: Money) throws(DomainError) -> Money {
        try sameCurrency(other, "subtract")
        let (difference, overflow) = minor.subtractingReportingOverflow(other.minor)
        guard !overflow else { throw Self.overflow(currency) }
        return Money(unchecked: difference, currency)
    }

    /// `self × factor` (a quantity); throws on overflow.
    public func multiplied(by factor: Int) throws(DomainError) -> Money {
        let (product, overflow) = minor.multipliedReportingOverflow(by: Int64(factor))
        guard !overflow else { throw Self.overflow(currency) }
        return Money(unchecked: product, currency)
    }

    /// `percent` % of this amount: `applyingPercent(90)` is the price after 10 % off. See
    /// ``scaled(by:dividedBy:)`` for the rounding.
    public func applyingPercent(_ percent: Int) throws(DomainError) -> Money {
        try scaled(by: Int64(percent), dividedBy: 100)
    }

    /// `self × numerator ÷ denominator`, rounded to a whole minor unit half away from zero
    /// (0.5 fen becomes 1 fen, -0.5 fen becomes -1 fen): 8.5 % of ¥0.10 is
    /// `scaled(by: 85, dividedBy: 1000)` = 0.85 fen → ¥0.01. Throws `.invalid` if the
    /// denominator is not positive and on overflow of the intermediate product.
    public func scaled(by numerator: Int64, dividedBy denominator: Int64) throws(DomainError) -> Money {
        guard denominator > 0 else { throw .invalid("amount", "the divisor must be positive, got \(denominator)") }
        let (product, overflow) = minor.multipliedReportingOverflow(by: numerator)
        guard !overflow else { throw Self.overflow(currency) }
        var quotient = product / denominator
        let remainder = product % denominator
        // |remainder| < denominator, so doubling its magnitude fits in UInt64.
        if remainder.magnitude * 2 >= denominator.magnitude {
            quotient += product < 0 ? -1 : 1
        }
        return Money(unchecked: quotient, currency)
    }

    /// The sum of `amounts`, all in `currency` (zero when empty).
    public static func sum(_ amounts: [Money], currency: String) throws(DomainError) -> Money {
        var total = try Money.zero(currency)
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.minor < rhs.minor : lhs.currency < rhs.currency
    }

    // MARK: text

    /// The amount as a plain decimal with the currency's decimals, computed from the integer:
    /// "12.34", "-0.05", "1200" (JPY).
    public var decimalString: String {
        let digits = String(minor.magnitude)
        let sign = minor < 0 ? "-" : ""
        guard exponent > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let point = padded.index(padded.endIndex, offsetBy: -exponent)
        return sign + padded[..<point] + "." + padded[point...]
    }

    /// "12.34 CNY": unambiguous and locale-free, for logs and error messages.
    public var description: String { "\(decimalString) \(currency)" }

    /// Parses a decimal amount as people type it: ASCII digits, optionally a point and at most
    /// as many decimals as the currency has ("12.34", "12.3", "12", "0.1"; "1200" for JPY).
    /// Refused: empty text, ".5", "1.", "1e3", "1,200", "+1", spaces, full-width digits
    /// ("１２"), more decimals than the currency has ("12.345", "1.5" in JPY), amounts beyond
    /// `Int64` minor units, and a minus sign unless `allowNegative`.
    public static func parse(_ text: String, currency: String, allowNegative: Bool = false,
                             field: String = "amount") throws(DomainError) -> Money {
        try checkCurrency(currency)
        let exponent = exponent(of: currency)
        let example = exponent == 0 ? "1200" : "12." + String(repeating: "5", count: exponent)
        let notAnAmount = DomainError.invalid(field, "\(field) '\(text)' is not an amount; write digits with an optional decimal point, like \(example)")
        var bytes = Array(text.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(point ?? bytes.endIndex)]
        let fraction = point.map { bytes[bytes.index(after: $0)...] } ?? []
        guard !whole.isEmpty, point == nil || !fraction.isEmpty,
              (whole + fraction).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { throw notAnAmount }
        guard !negative || allowNegative else { throw .invalid(field, "\(field) must not be negative; got '\(text)'") }
        guard fraction.count <= exponent else {
            throw .invalid(field, exponent == 0
                ? "\(field) '\(text)' has decimals; \(currency) amounts are whole numbers"
                : "\(field) '\(text)' has \(fraction.count) decimals; \(currency) has \(exponent)")
        }
        let padding = Array(repeating: UInt8(ascii: "0"), count: exponent - fraction.count)
        var value: Int64 = 0
        for digit in whole + fraction + padding {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .invalid(field, "\(field) '\(text)' is too large") }
            value = next
        }
        return Money(unchecked: negative ? -value : value, currency)
    }

    /// The amount for people, in `locale`'s currency format: "¥12.34" (zh_CN, CNY), "₩1,200"
    /// (ko_KR, KRW), "$5.00" (en_US, USD), "CN¥12.34" (en_US, CNY). Always with exactly the
    /// currency's decimals. The number handed to the formatter is a `Decimal` built from the
    /// integer; as the formatter is exact only to 15 significant digits, amounts of 10^15
    /// minor units or more are written as ``description`` ("92233720368547758.07 USD").
    public func formatted(locale: Locale) -> String {
        guard minor.magnitude < 1_000_000_000_000_000 else { return description }
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .currency
        formatter.currencyCode = currency
        formatter.minimumFractionDigits = exponent
        formatter.maximumFractionDigits = exponent
        let value = Decimal(sign: minor < 0 ? .minus : .plus, exponent: -exponent, significand: Decimal(minor.magnitude))
        return formatter.string(from: NSDecimalNumber(decimal: value)) ?? description
    }

    // MARK: helpers

    /// For results of checked arithmetic on an already validated currency.
    private init(unchecked minor: Int64, _ currency: String) {
        self.minor = minor
        self.currency = currency
    }

    private func sameCurrency(_ other: Money, _ verb: String) throws(DomainError) {
        guard other.currency == currency else {
            throw DomainError(.invalid, code: "currency_mismatch",
                              message: "cannot \(verb) amounts in different currencies (\(self) and \(other))", field: "currency")
        }
    }

    private static func overflow(_ currency: String) -> DomainError {
        DomainError(.invalid, code: "amount_too_large",
                    message: "the amount is too large; at most \(Money(unchecked: .max, currency)) can be held", field: "amount")
    }
}
