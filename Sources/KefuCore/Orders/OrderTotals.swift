/// One product on an order: `quantity` × `unitPrice`.
public struct OrderLine: Codable, Hashable, Sendable {
    /// The shop's stock-keeping unit, 1...64 characters.
    public var sku: String
    /// The product name as shown to the buyer, 1...200 characters.
    public var title: String
    /// 1...9999.
    public var quantity: Int
    /// The price of one piece; not negative.
    public var unitPrice: Money

    public static let quantityRange = 1...9999
    public static let maxSKULength = 64
    public static let maxTitleLength = 200

    public init(sku: String, title: String, quantity: Int, unitPrice: Money) {
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    /// Throws `.invalid` naming the field, prefixed with `field` ("lines[2].quantity").
    public func validate(field: String = "line") throws(DomainError) {
        _ = try Validate.name(sku, field: "\(field).sku", limit: Self.maxSKULength)
        _ = try Validate.name(title, field: "\(field).title", limit: Self.maxTitleLength)
        guard Self.quantityRange.contains(quantity) else {
            throw .invalid("\(field).quantity", "\(field).quantity must be between 1 and 9999, got \(quantity)")
        }
        guard !unitPrice.isNegative else {
            throw .invalid("\(field).unitPrice", "\(field).unitPrice must not be negative, got \(unitPrice)")
        }
    }

    /// `quantity × unitPrice`; throws on overflow.
    public var amount: Money {
        get throws(DomainError) { try unitPrice.multiplied(by: quantity) }
    }
}

/// The money of an order: its lines, shipping fee and discount, all in one currency (the
/// shipping fee's).
///
///     subtotal = Σ quantity × unitPrice
///     total    = subtotal + shippingFee − discount   (never below zero)
public struct OrderAmounts: Codable, Hashable, Sendable {
    /// At least one, at most ``maxLines``.
    public var lines: [OrderLine]
    /// Not negative; zero for free shipping (包邮).
    public var shippingFee: Money
    /// An amount taken off the whole order; not negative.
    public var discount: Money

    public static let maxLines = 200

    public init(lines: [OrderLine], shippingFee: Money, discount: Money) {
        self.lines = lines
        self.shippingFee = shippingFee
        self.discount = discount
    }

    /// The order's currency: the shipping fee's, which every line and the discount must share.
    public var currency: String { shippingFee.currency }

    /// Throws `.invalid` naming the entry: no lines or too many, a line that does not
    /// validate, a negative fee or discount, an amount in another currency.
    public func validate() throws(DomainError) {
        guard !lines.isEmpty else { throw .invalid("lines", "an order needs at least one line") }
        guard lines.count <= Self.maxLines else {
            throw .invalid("lines", "an order has at most \(Self.maxLines) lines, got \(lines.count)")
        }
        for (index, line) in lines.enumerated() {
            try line.validate(field: "lines[\(index)]")
            try sameCurrency(line.unitPrice, "lines[\(index)].unitPrice")
        }
        guard !shippingFee.isNegative else { throw .invalid("shippingFee", "shippingFee must not be negative, got \(shippingFee)") }
        guard !discount.isNegative else { throw .invalid("discount", "discount must not be negative, got \(discount)") }
        try sameCurrency(discount, "discount")
    }

    /// Σ quantity × unitPrice, after ``validate()``; throws on overflow.
    public var subtotal: Money {
        get throws(DomainError) {
            try validate()
            var sum = try Money.zero(currency)
            for line in lines { sum = try sum.adding(try line.amount) }
            return sum
        }
    }

    /// subtotal + shippingFee − discount. Throws `.invalid` (field "discount") when the
    /// discount is larger than subtotal and shipping together.
    public var total: Money {
        get throws(DomainError) {
            let beforeDiscount = try subtotal.adding(shippingFee)
            guard discount <= beforeDiscount else {
                throw .invalid("discount", "the discount \(discount) is more than the order's \(beforeDiscount) (goods and shipping)")
            }
            return try beforeDiscount.subtracting(discount)
        }
    }

    private func sameCurrency(_ amount: Money, _ field: String) throws(DomainError) {
        guard amount.currency == currency else {
            throw DomainError(.invalid, code: "currency_mismatch",
                              message: "\(field) is in \(amount.currency) but the order is in \(currency)", field: field)
        }
    }
}
