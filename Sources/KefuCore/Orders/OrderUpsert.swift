import Foundation

extension OrderStatus {
    /// `raw` (trimmed, any case) as a status; throws `.invalid` naming `field` and listing
    /// the statuses otherwise.
    public static func parse(_ raw: String, field: String = "status") throws(DomainError) -> OrderStatus {
        guard let value = OrderStatus(rawValue: raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// The body of `PUT /api/v1/orders/{externalId}`: an order as the shop's platform sends it.
/// Amounts are integer minor units of `currency`; dates are whatever the decoder's date
/// strategy reads (ISO-8601 on the server).
///
/// Required keys: `status`, `currency`, `lines` (each with `sku`, `title`, `quantity`,
/// `unitPrice`), `buyer.externalId`, and `at` and `text` of each tracking event. Missing or
/// `null` optional keys are nil; `shippingFee` and `discount` default to 0, `trackingEvents`
/// to none, `buyer.tier` to regular.
public struct OrderUpsert: Codable, Sendable, Hashable {
    /// One line of the order.
    public struct LineInput: Codable, Sendable, Hashable {
        public var sku: String
        public var title: String
        public var quantity: Int
        public var unitPrice: Int64
        public var productExternalId: String?
        public var imageUrl: String?

        public init(sku: String, title: String, quantity: Int, unitPrice: Int64, productExternalId: String? = nil,
                    imageUrl: String? = nil) {
            self.sku = sku
            self.title = title
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.productExternalId = productExternalId
            self.imageUrl = imageUrl
        }
    }

    /// Who placed the order, by the shop's own customer id.
    public struct BuyerInput: Codable, Sendable, Hashable {
        public var externalId: String
        public var name: String?
        public var phone: String?
        public var email: String?
        /// A ``PriceTier`` raw value; nil is regular.
        public var tier: String?

        public init(externalId: String, name: String? = nil, phone: String? = nil, email: String? = nil,
                    tier: String? = PriceTier.regular.rawValue) {
            self.externalId = externalId
            self.name = name
            self.phone = phone
            self.email = email
            self.tier = tier
        }
    }

    /// One step of the parcel's journey ("已揽收", "杭州").
    public struct TrackingEventInput: Codable, Sendable, Hashable {
        public var at: Date
        public var text: String
        public var location: String?

        public init(at: Date, text: String, location: String? = nil) {
            self.at = at
            self.text = text
            self.location = location
        }
    }

    /// The order number shown to people; nil is the external id.
    public var number: String?
    /// An ``OrderStatus`` raw value.
    public var status: String
    public var currency: String
    public var lines: [LineInput]
    public var shippingFee: Int64
    public var discount: Int64
    public var buyer: BuyerInput
    public var placedAt: Date?
    public var paidAt: Date?
    public var carrier: String?
    public var trackingNo: String?
    public var trackingEvents: [TrackingEventInput]
    public var payLink: String?
    public var url: String?

    public static let maxNumberLength = 64
    public static let maxCarrierLength = 50
    public static let maxTrackingNoLength = 64
    public static let maxTrackingEvents = 100
    public static let maxTrackingTextLength = 500
    public static let maxLocationLength = 100
    public static let maxBuyerNameLength = 100
    public static let maxPhoneLength = 32

    public init(number: String? = nil, status: String, currency: String, lines: [LineInput], shippingFee: Int64 = 0,
                discount: Int64 = 0, buyer: BuyerInput, placedAt: Date? = nil, paidAt: Date? = nil, carrier: String? = nil,
                trackingNo: String? = nil, trackingEvents: [TrackingEventInput] = [], payLink: String? = nil, url: String? = nil) {
        self.number = number
        self.status = status
        self.currency = currency
        self.lines = lines
        self.shippingFee = shippingFee
        self.discount = discount
        self.buyer = buyer
        self.placedAt = placedAt
        self.paidAt = paidAt
        self.carrier = carrier
        self.trackingNo = trackingNo
        self.trackingEvents = trackingEvents
        self.payLink = payLink
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case number, status, currency, lines, shippingFee, discount, buyer, placedAt, paidAt, carrier, trackingNo,
             trackingEvents, payLink, url
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(number: try c.decodeIfPresent(String.self, forKey: .number),
                  status: try c.decode(String.self, forKey: .status),
                  currency: try c.decode(String.self, forKey: .currency),
                  lines: try c.decode([LineInput].self, forKey: .lines),
                  shippingFee: try c.decodeIfPresent(Int64.self, forKey: .shippingFee) ?? 0,
                  discount: try c.decodeIfPresent(Int64.self, forKey: .discount) ?? 0,
                  buyer: try c.decode(BuyerInput.self, forKey: .buyer),
                  placedAt: try c.decodeIfPresent(Date.self, forKey: .placedAt),
                  paidAt: try c.decodeIfPresent(Date.self, forKey: .paidAt),
                  carrier: try c.decodeIfPresent(String.self, forKey: .carrier),
                  trackingNo: try c.decodeIfPresent(String.self, forKey: .trackingNo),
                  trackingEvents: try c.decodeIfPresent([TrackingEventInput].self, forKey: .trackingEvents) ?? [],
                  payLink: try c.decodeIfPresent(String.self, forKey: .payLink),
                  url: try c.decodeIfPresent(String.self, forKey: .url))
    }

    /// The order checked and typed. Throws `.invalid` for the first problem, naming the
    /// field ("externalId", "number", "status", "currency", "lines", "lines[0].unitPrice",
    /// "shippingFee", "discount", "buyer.externalId", "buyer.tier", "paidAt", "carrier",
    /// "trackingNo", "trackingEvents[2].text", "payLink", "url", …):
    ///
    /// - `externalId`, `buyer.externalId`, `lines[i].productExternalId`: see ``ExternalID``.
    /// - `number`: trimmed, at most 64 characters; empty or nil is the external id.
    /// - `status`: an ``OrderStatus``; `paidAt` must be nil while it is created or unpaid.
    /// - `currency`: three upper-case letters.
    /// - `lines`: 1...200 (see ``OrderAmounts/validate()``), sku and title trimmed, no sku
    ///   twice (price changes name the line by its sku); unit prices, `shippingFee` and
    ///   `discount` not negative; the discount not above goods and shipping together.
    /// - `buyer`: name at most 100 characters, phone at most 32, e-mail an address (stored
    ///   lower-case), tier a ``PriceTier``.
    /// - `carrier` at most 50 characters, `trackingNo` at most 64; at most 100 tracking
    ///   events, each text 1...500 characters and location at most 100.
    /// - `payLink`, `url`, `lines[i].imageUrl`: http(s) addresses of at most 2000 characters.
    public func validated(externalId: String) throws(DomainError) -> ValidOrder {
        let id = try ExternalID.validate(externalId)
        let number = try InputText.optional(self.number, field: "number", limit: Self.maxNumberLength) ?? id
        let status = try OrderStatus.parse(self.status)
        try Money.checkCurrency(currency)

        var orderLines: [OrderLine] = []
        var details: [ValidOrderLine] = []
        guard !lines.isEmpty else { throw .invalid("lines", "an order needs at least one line") }
        guard lines.count <= OrderAmounts.maxLines else {
            throw .invalid("lines", "an order has at most \(OrderAmounts.maxLines) lines, got \(lines.count)")
        }
        for (index, input) in lines.enumerated() {
            let field = "lines[\(index)]"
            let line = OrderLine(sku: try Validate.name(input.sku, field: "\(field).sku", limit: OrderLine.maxSKULength),
                                 title: try Validate.name(input.title, field: "\(field).title", limit: OrderLine.maxTitleLength),
                                 quantity: input.quantity,
                                 unitPrice: try Money(minor: input.unitPrice, currency: currency))
            try line.validate(field: field)
            if let first = orderLines.firstIndex(where: { $0.sku == line.sku }) {
                throw .invalid("\(field).sku", "\(field).sku '\(line.sku)' is also the sku of lines[\(first)]; each line needs its own sku")
            }
            var product: String?
            if let raw = input.productExternalId?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                product = try ExternalID.validate(raw, field: "\(field).productExternalId")
            }
            orderLines.append(line)
            details.append(ValidOrderLine(line: line, productExternalId: product,
                                          imageUrl: try HTTPURL.optional(input.imageUrl, field: "\(field).imageUrl")))
        }
        let amounts = OrderAmounts(lines: orderLines,
                                   shippingFee: try InputText.amount(shippingFee, currency: currency, field: "shippingFee"),
                                   discount: try InputText.amount(discount, currency: currency, field: "discount"))
        let subtotal = try amounts.subtotal
        let total = try amounts.total

        var tier = PriceTier.regular
        if let raw = buyer.tier, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            tier = try PriceTier.parse(raw, field: "buyer.tier")
        }
        let validBuyer = ValidBuyer(
            externalId: try ExternalID.validate(buyer.externalId, field: "buyer.externalId"),
            name: try InputText.optional(buyer.name, field: "buyer.name", limit: Self.maxBuyerNameLength),
            phone: try InputText.optional(buyer.phone, field: "buyer.phone", limit: Self.maxPhoneLength),
            email: try Self.email(buyer.email),
            tier: tier)

        if paidAt != nil, status.isBeforePayment {
            throw .invalid("paidAt", "paidAt given but status is \(status.rawValue)")
        }
        let carrier = try InputText.optional(self.carrier, field: "carrier", limit: Self.maxCarrierLength)
        let trackingNo = try InputText.optional(self.trackingNo, field: "trackingNo", limit: Self.maxTrackingNoLength)
        guard trackingEvents.count <= Self.maxTrackingEvents else {
            throw .invalid("trackingEvents", "an order has at most \(Self.maxTrackingEvents) tracking events, got \(trackingEvents.count)")
        }
        var events: [(Int, TrackingEvent)] = []
        for (index, input) in trackingEvents.enumerated() {
            let field = "trackingEvents[\(index)]"
            let text = try Validate.name(input.text, field: "\(field).text", limit: Self.maxTrackingTextLength)
            let location = try InputText.optional(input.location, field: "\(field).location", limit: Self.maxLocationLength)
            events.append((index, TrackingEvent(at: input.at, text: text, location: location)))
        }
        events.sort { $0.1.at != $1.1.at ? $0.1.at > $1.1.at : $0.0 < $1.0 }

        return ValidOrder(externalId: id, number: number, status: status, currency: currency, lines: details,
                          amounts: amounts, subtotal: subtotal, total: total, buyer: validBuyer, placedAt: placedAt,
                          paidAt: paidAt, carrier: carrier, trackingNo: trackingNo, trackingEvents: events.map(\.1),
                          payLink: try HTTPURL.optional(payLink, field: "payLink"),
                          url: try HTTPURL.optional(url, field: "url"))
    }

    private static func email(_ raw: String?) throws(DomainError) -> String? {
        guard let raw, !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try Validate.email(raw, field: "buyer.email")
    }
}

/// An order line with what the order keeps beside its money.
public struct ValidOrderLine: Sendable, Hashable {
    /// sku and title trimmed.
    public var line: OrderLine
    public var productExternalId: String?
    public var imageUrl: String?

    public init(line: OrderLine, productExternalId: String? = nil, imageUrl: String? = nil) {
        self.line = line
        self.productExternalId = productExternalId
        self.imageUrl = imageUrl
    }
}

/// The buyer of a ``ValidOrder``.
public struct ValidBuyer: Sendable, Hashable {
    public var externalId: String
    public var name: String?
    public var phone: String?
    /// Lower-case.
    public var email: String?
    public var tier: PriceTier

    public init(externalId: String, name: String? = nil, phone: String? = nil, email: String? = nil, tier: PriceTier = .regular) {
        self.externalId = externalId
        self.name = name
        self.phone = phone
        self.email = email
        self.tier = tier
    }
}

/// One step of the parcel's journey.
public struct TrackingEvent: Codable, Sendable, Hashable {
    public var at: Date
    public var text: String
    public var location: String?

    public init(at: Date, text: String, location: String? = nil) {
        self.at = at
        self.text = text
        self.location = location
    }
}

/// An order that passed ``OrderUpsert/validated(externalId:)``: trimmed text, typed values,
/// empty optional text as nil, tracking events newest first (equal times in the given order).
public struct ValidOrder: Sendable, Hashable {
    public var externalId: String
    /// The external id when none was given.
    public var number: String
    public var status: OrderStatus
    public var currency: String
    /// The lines in the given order; `amounts.lines` holds the same ``OrderLine``s.
    public var lines: [ValidOrderLine]
    public var amounts: OrderAmounts
    public var subtotal: Money
    /// subtotal + shipping − discount.
    public var total: Money
    public var buyer: ValidBuyer
    public var placedAt: Date?
    public var paidAt: Date?
    public var carrier: String?
    public var trackingNo: String?
    public var trackingEvents: [TrackingEvent]
    public var payLink: String?
    public var url: String?

    /// Takes the values as they are (for rows read back from the database); use
    /// ``OrderUpsert/validated(externalId:)`` for input.
    public init(externalId: String, number: String, status: OrderStatus, currency: String, lines: [ValidOrderLine],
                amounts: OrderAmounts, subtotal: Money, total: Money, buyer: ValidBuyer, placedAt: Date?, paidAt: Date?,
                carrier: String?, trackingNo: String?, trackingEvents: [TrackingEvent], payLink: String?, url: String?) {
        self.externalId = externalId
        self.number = number
        self.status = status
        self.currency = currency
        self.lines = lines
        self.amounts = amounts
        self.subtotal = subtotal
        self.total = total
        self.buyer = buyer
        self.placedAt = placedAt
        self.paidAt = paidAt
        self.carrier = carrier
        self.trackingNo = trackingNo
        self.trackingEvents = trackingEvents
        self.payLink = payLink
        self.url = url
    }

    /// The order as a request body again (amounts in minor units), e.g. for ``OrderCSV``.
    public var upsert: OrderUpsert {
        OrderUpsert(number: number, status: status.rawValue, currency: currency,
                    lines: lines.map {
                        OrderUpsert.LineInput(sku: $0.line.sku, title: $0.line.title, quantity: $0.line.quantity,
                                              unitPrice: $0.line.unitPrice.minor, productExternalId: $0.productExternalId,
                                              imageUrl: $0.imageUrl)
                    },
                    shippingFee: amounts.shippingFee.minor, discount: amounts.discount.minor,
                    buyer: OrderUpsert.BuyerInput(externalId: buyer.externalId, name: buyer.name, phone: buyer.phone,
                                                  email: buyer.email, tier: buyer.tier.rawValue),
                    placedAt: placedAt, paidAt: paidAt, carrier: carrier, trackingNo: trackingNo,
                    trackingEvents: trackingEvents.map { .init(at: $0.at, text: $0.text, location: $0.location) },
                    payLink: payLink, url: url)
    }
}
