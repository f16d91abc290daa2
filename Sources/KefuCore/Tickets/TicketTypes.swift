/// The kinds of tickets a shop files (seed 004 §4.1, 问题的类型). The list is the shop's to edit
/// (ticket settings); these are the built-in keys every shop starts with and the classifier
/// proposes. Labels of built-in types come from the catalogues (`tickets.type.<key>`); a shop's
/// own types carry their label.
public enum TicketTypes {
    /// 常见问题, 技术, 投诉, 咨询, 售后.
    public static let builtIn = ["question", "technical", "complaint", "inquiry", "after_sale"]

    /// A type key: 1–40 of a–z, 0–9 and `_`, starting with a letter.
    public static func checkKey(_ key: String, field: String = "type") throws(DomainError) {
        let ok = !key.isEmpty && key.count <= 40 && key.first!.isLetter
            && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard ok else {
            throw DomainError.invalid(field, "\(field) must be 1–40 characters of a–z, 0–9 and _, starting with a letter; got '\(key)'")
        }
    }

    /// Types of these keys may carry an after-sale case (a later step): complaints and after-sale.
    public static let caseTypes: Set<String> = ["complaint", "after_sale"]
}
