import Foundation

/// The order CSV file (import and export): a header row, then one row per order line; the
/// rows with the same external_id form one order, in the order its first row appears.
///
/// Columns (any order; ``header`` on export): external_id, number, status, currency,
/// buyer_id, buyer_name, buyer_tier, placed_at, paid_at, shipping_fee, discount (the order
/// columns), sku, title, quantity, unit_price (the line columns), carrier, tracking_no,
/// pay_link (order columns too). Required: external_id, status, currency, buyer_id, sku,
/// title, quantity, unit_price.
///
/// The order columns are read from the order's first row; on its later rows they may be
/// empty or repeat the same value, anything else is refused. Amounts are decimals as people
/// type them ("19.90"); empty shipping_fee and discount are 0. Dates are ISO-8601
/// ("2026-11-22T14:30:00+08:00") or "2026-11-22 14:30" ("2026/11/22 14:30", seconds
/// optional) on the wall clock of the time zone given. Phone, e-mail, tracking events, url
/// and the lines' product ids and images are not part of the file.
public enum OrderCSV {
    public static let header = ["external_id", "number", "status", "currency", "buyer_id", "buyer_name", "buyer_tier",
                                "placed_at", "paid_at", "shipping_fee", "discount", "sku", "title", "quantity", "unit_price",
                                "carrier", "tracking_no", "pay_link"]
    public static let requiredColumns = ["external_id", "status", "currency", "buyer_id", "sku", "title", "quantity", "unit_price"]
    /// The columns that describe a line; the others describe the order.
    public static let lineColumns = ["sku", "title", "quantity", "unit_price"]

    /// The orders of `text`, each with the line of its first row, dates without an offset
    /// read in `timeZone`. The import is all or nothing: the problem on the lowest line
    /// throws `.invalid`, its message starting with the line ("line 7: unit_price '1.999'
    /// has 3 decimals; CNY has 2") and its field the column ("unit_price"): unknown,
    /// repeated or missing columns, an order column that differs from the order's first
    /// row, a sku twice in one order, a cell that is not an amount, whole number or date, or
    /// anything ``OrderUpsert/validated(externalId:)`` refuses.
    public static func parse(_ text: String, timeZone: TimeZone) throws(DomainError) -> [(line: Int, externalId: String, upsert: OrderUpsert)] {
        let table = try ImportCSV(text, columns: header, required: requiredColumns)
        var groups: [[ImportCSV.Row]] = []
        var groupOf: [String: Int] = [:]
        var firstError: (line: Int, error: DomainError)?
        for row in table.rows {
            let id = row.cell("external_id")
            do {
                _ = try ImportCSV.at(row.line, columnOf: column) { () throws(DomainError) in try ExternalID.validate(id) }
            } catch {
                firstError = firstError ?? (row.line, error)
                break
            }
            if let index = groupOf[id] {
                groups[index].append(row)
            } else {
                groupOf[id] = groups.count
                groups.append([row])
            }
        }
        var result: [(line: Int, externalId: String, upsert: OrderUpsert)] = []
        for rows in groups {
            do {
                result.append((rows[0].line, rows[0].cell("external_id"), try order(rows, timeZone: timeZone)))
            } catch {
                let line = Int(error.message.dropFirst("line ".count).prefix { $0.isNumber }) ?? rows[0].line
                if firstError.map({ line < $0.line }) ?? true { firstError = (line, error) }
            }
        }
        if let firstError { throw firstError.error }
        return result
    }

    /// The file for `orders`: ``header``, then one row per line with the order columns
    /// repeated, amounts as decimals ("19.90"), dates as ISO-8601 to the second with the
    /// offset of `timeZone` ("2026-11-22T14:30:00+08:00"), formula-looking cells protected
    /// (see ``CSV/format(_:)``). An order without lines has no row. ``parse(_:timeZone:)``
    /// reads it back to the same upserts, apart from what the file does not hold.
    public static func format(_ orders: [(externalId: String, upsert: OrderUpsert)], timeZone: TimeZone) -> String {
        var rows = [header]
        for (id, order) in orders {
            let money = { (minor: Int64) in ImportCSV.decimal(minor, currency: order.currency) }
            let date = { (date: Date?) in date.map { ImportCSV.iso($0, timeZone: timeZone) } ?? "" }
            for line in order.lines {
                rows.append([id, order.number ?? "", order.status, order.currency, order.buyer.externalId, order.buyer.name ?? "",
                             order.buyer.tier ?? "", date(order.placedAt), date(order.paidAt), money(order.shippingFee),
                             money(order.discount), line.sku, line.title, String(line.quantity), money(line.unitPrice),
                             order.carrier ?? "", order.trackingNo ?? "", order.payLink ?? ""])
            }
        }
        return CSV.format(rows)
    }

    /// The file for validated orders (their ``ValidOrder/upsert``).
    public static func format(_ orders: [ValidOrder], timeZone: TimeZone) -> String {
        format(orders.map { (externalId: $0.externalId, upsert: $0.upsert) }, timeZone: timeZone)
    }

    // MARK: reading one order

    /// The order of `rows` (one external id), checked with ``OrderUpsert/validated(externalId:)``.
    static func order(_ rows: [ImportCSV.Row], timeZone: TimeZone) throws(DomainError) -> OrderUpsert {
        let first = rows[0]
        let id = first.cell("external_id")
        let currency = first.cell("currency")
        try ImportCSV.at(first.line) { () throws(DomainError) in try Money.checkCurrency(currency) }

        // The order columns, compared by value: "8" and "8.00" are the same fee.
        func value(_ row: ImportCSV.Row, _ column: String) throws(DomainError) -> String {
            let cell = row.cell(column)
            switch column {
            case "shipping_fee", "discount":
                return try ImportCSV.amount(cell, currency: currency, column: column, line: row.line).map { String($0) } ?? ""
            case "placed_at", "paid_at":
                return try date(cell, row: row, column: column, timeZone: timeZone).map { String($0.timeIntervalSince1970) } ?? ""
            case "status", "buyer_tier":
                return cell.lowercased()
            default:
                return cell
            }
        }
        let orderColumns = header.filter { !lineColumns.contains($0) }
        var firstValues: [String: String] = [:]
        for column in orderColumns { firstValues[column] = try value(first, column) }

        var lines: [OrderUpsert.LineInput] = []
        var skuLines: [String: Int] = [:]
        for row in rows {
            if row.line != first.line {
                for column in orderColumns where !row.cell(column).isEmpty {
                    guard try value(row, column) != firstValues[column] else { continue }
                    throw .invalid(column, "line \(row.line): \(column) '\(row.cell(column))' differs from '\(first.cell(column))' on line \(first.line), the first row of order \(id); an order column must be empty or the same on every row of the order")
                }
            }
            let sku = row.cell("sku")
            if let earlier = skuLines[sku] {
                throw .invalid("sku", "line \(row.line): sku '\(sku)' is also on line \(earlier) of order \(id); each line of an order needs its own sku")
            }
            skuLines[sku] = row.line
            guard let quantity = try ImportCSV.integer(row.cell("quantity"), column: "quantity", line: row.line) else {
                throw .invalid("quantity", "line \(row.line): quantity is empty")
            }
            guard let price = try ImportCSV.amount(row.cell("unit_price"), currency: currency, column: "unit_price", line: row.line) else {
                throw .invalid("unit_price", "line \(row.line): unit_price is empty")
            }
            lines.append(OrderUpsert.LineInput(sku: sku, title: row.cell("title"), quantity: quantity, unitPrice: price))
        }

        func text(_ column: String) -> String? { first.cell(column).isEmpty ? nil : first.cell(column) }
        let upsert = OrderUpsert(
            number: text("number"), status: first.cell("status"), currency: currency, lines: lines,
            shippingFee: Int64(firstValues["shipping_fee"] ?? "") ?? 0, discount: Int64(firstValues["discount"] ?? "") ?? 0,
            buyer: OrderUpsert.BuyerInput(externalId: first.cell("buyer_id"), name: text("buyer_name"), tier: text("buyer_tier")),
            placedAt: try date(first.cell("placed_at"), row: first, column: "placed_at", timeZone: timeZone),
            paidAt: try date(first.cell("paid_at"), row: first, column: "paid_at", timeZone: timeZone),
            carrier: text("carrier"), trackingNo: text("tracking_no"), payLink: text("pay_link"))
        do {
            _ = try upsert.validated(externalId: id)
        } catch {
            throw located(error, rows: rows)
        }
        return upsert
    }

    static func date(_ cell: String, row: ImportCSV.Row, column: String, timeZone: TimeZone) throws(DomainError) -> Date? {
        guard !cell.isEmpty else { return nil }
        return try ImportCSV.at(row.line) { () throws(DomainError) in try ImportCSV.date(cell, timeZone: timeZone, field: column) }
    }

    /// An error of ``OrderUpsert/validated(externalId:)`` on the row and column it is about:
    /// "lines[2].unitPrice" is unit_price on the order's third row, the rest is on its first.
    static func located(_ error: DomainError, rows: [ImportCSV.Row]) -> DomainError {
        let field = error.field ?? ""
        if field.hasPrefix("lines["), let close = field.firstIndex(of: "]"),
           let index = Int(field.dropFirst("lines[".count).prefix { $0 != "]" }), rows.indices.contains(index) {
            let part = field[field.index(after: close)...].drop { $0 == "." }
            let column = part == "unitPrice" ? "unit_price" : String(part)
            return ImportCSV.relocated(error, line: rows[index].line, column: column.isEmpty ? "sku" : column)
        }
        return ImportCSV.relocated(error, line: rows[0].line, column: error.field.map(column))
    }

    /// The column of a ``OrderUpsert/validated(externalId:)`` field that is not a line's.
    static func column(_ field: String) -> String {
        switch field {
        case "externalId": "external_id"
        case "buyer.externalId": "buyer_id"
        case "buyer.name": "buyer_name"
        case "buyer.tier": "buyer_tier"
        case "placedAt": "placed_at"
        case "paidAt": "paid_at"
        case "shippingFee": "shipping_fee"
        case "trackingNo": "tracking_no"
        case "payLink": "pay_link"
        default: field
        }
    }
}
