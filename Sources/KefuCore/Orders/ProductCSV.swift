/// The product CSV file (import and export): a header row, then one product per row.
///
/// Columns (any order; ``header`` on export): external_id, title, keywords (entries joined
/// with `|`), category, currency, market_price, member_price, vip_price, stock, image_url,
/// url, status. Required: external_id, title, currency, market_price. Amounts are decimals
/// as people type them ("19.90", see ``Money/parse(_:currency:allowNegative:field:)``);
/// empty member_price and vip_price are none, an empty stock is 0 and an empty status
/// on_sale.
public enum ProductCSV {
    public static let header = ["external_id", "title", "keywords", "category", "currency", "market_price",
                                "member_price", "vip_price", "stock", "image_url", "url", "status"]
    public static let requiredColumns = ["external_id", "title", "currency", "market_price"]

    /// The products of `text`, each with the line of its row. The import is all or nothing:
    /// the first problem throws `.invalid`, its message starting with the line ("line 7:
    /// market_price must not be negative, …") and its field the column ("market_price"):
    /// unknown, repeated or missing columns, an external id given twice, a cell that is not
    /// an amount or a whole number, or anything ``ProductUpsert/validated(externalId:)``
    /// refuses.
    public static func parse(_ text: String) throws(DomainError) -> [(line: Int, externalId: String, upsert: ProductUpsert)] {
        let table = try ImportCSV(text, columns: header, required: requiredColumns)
        var result: [(line: Int, externalId: String, upsert: ProductUpsert)] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            let line = row.line
            let id = row.cell("external_id")
            _ = try ImportCSV.at(line, columnOf: column) { () throws(DomainError) in try ExternalID.validate(id) }
            if let first = seen[id] {
                throw .invalid("external_id", "line \(line): external_id '\(id)' is also on line \(first)")
            }
            seen[id] = line
            let currency = row.cell("currency")
            try ImportCSV.at(line) { () throws(DomainError) in try Money.checkCurrency(currency) }
            guard let market = try ImportCSV.amount(row.cell("market_price"), currency: currency, column: "market_price", line: line) else {
                throw .invalid("market_price", "line \(line): market_price is empty")
            }
            let upsert = ProductUpsert(
                title: row.cell("title"),
                keywords: FAQCSV.splitList(row.cell("keywords")),
                category: row.cell("category"),
                currency: currency,
                marketPrice: market,
                memberPrice: try ImportCSV.amount(row.cell("member_price"), currency: currency, column: "member_price", line: line),
                vipPrice: try ImportCSV.amount(row.cell("vip_price"), currency: currency, column: "vip_price", line: line),
                stock: try ImportCSV.integer(row.cell("stock"), column: "stock", line: line) ?? 0,
                imageUrl: row.cell("image_url").isEmpty ? nil : row.cell("image_url"),
                url: row.cell("url").isEmpty ? nil : row.cell("url"),
                status: row.cell("status").isEmpty ? ProductStatus.onSale.rawValue : row.cell("status"))
            _ = try ImportCSV.at(line, columnOf: column) { () throws(DomainError) in try upsert.validated(externalId: id) }
            result.append((line, id, upsert))
        }
        return result
    }

    /// The file for `products`: ``header``, then one row each, amounts as decimals
    /// ("19.90"), formula-looking cells protected (see ``CSV/format(_:)``). ``parse(_:)``
    /// reads it back to the same upserts (keywords trimmed, empty text as none).
    public static func format(_ products: [(externalId: String, upsert: ProductUpsert)]) -> String {
        CSV.format([header] + products.map { id, p in
            [id, p.title, p.keywords.joined(separator: "|"), p.category, p.currency,
             ImportCSV.decimal(p.marketPrice, currency: p.currency),
             p.memberPrice.map { ImportCSV.decimal($0, currency: p.currency) } ?? "",
             p.vipPrice.map { ImportCSV.decimal($0, currency: p.currency) } ?? "",
             String(p.stock), p.imageUrl ?? "", p.url ?? "", p.status]
        })
    }

    /// The file for validated products (their ``ValidProduct/upsert``).
    public static func format(_ products: [ValidProduct]) -> String {
        format(products.map { (externalId: $0.externalId, upsert: $0.upsert) })
    }

    /// The column of a ``ProductUpsert/validated(externalId:)`` field.
    static func column(_ field: String) -> String? {
        if field.hasPrefix("keywords") { return "keywords" }
        switch field {
        case "externalId": return "external_id"
        case "marketPrice": return "market_price"
        case "memberPrice": return "member_price"
        case "vipPrice": return "vip_price"
        case "imageUrl": return "image_url"
        default: return field
        }
    }
}
