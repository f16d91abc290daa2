/// The human-readable ticket number of a shop: `T-10001`, `T-10002`, … (per shop, never reused).
public enum TicketNumber {
    public static let first = 10001

    public static func format(_ n: Int) -> String { "T-\(n)" }

    /// Reads what a person typed when searching: `T-10234`, `t10234`, `#10234` or `10234`.
    public static func parse(_ text: String) -> Int? {
        var s = Substring(text.trimmingWhitespace())
        if s.first == "#" { s = s.dropFirst() }
        if let f = s.first, f == "T" || f == "t" {
            s = s.dropFirst()
            if s.first == "-" { s = s.dropFirst() }
        }
        guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }
}
