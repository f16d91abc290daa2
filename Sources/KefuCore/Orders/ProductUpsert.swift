import Foundation

/// Whether a product can be bought.
public enum ProductStatus: String, Codable, CaseIterable, Sendable {
    case onSale = "on_sale"
    case offShelf = "off_shelf"
    case soldOut = "sold_out"

    /// `raw` (trimmed, any case) as a status; throws `.invalid` naming `field` and listing the
    /// statuses otherwise.
    public static func parse(_ raw: String, field: String = "status") throws(DomainError) -> ProductStatus {
        guard let value = ProductStatus(rawValue: raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// Which of a product's prices a buyer pays: the market price, the member price or the VIP
/// price (see ``ValidProduct/price(for:)``).
public enum PriceTier: String, Codable, CaseIterable, Sendable {
    case regular, member, vip

    /// `raw` (trimmed, any case) as a tier; throws `.invalid` naming `field` and listing the
    /// tiers otherwise.
    public static func parse(_ raw: String, field: String = "tier") throws(DomainError) -> PriceTier {
        guard let value = PriceTier(rawValue: raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }

    /// The price a buyer of this tier pays: VIPs the VIP price, else the member price, else the
    /// market price; members the member price, else the market price; everyone else the
    /// market price.
    public func pick<Price>(market: Price, member: Price?, vip: Price?) -> Price {
        switch self {
        case .regular: market
        case .member: member ?? market
        case .vip: vip ?? member ?? market
        }
    }
}

/// The body of `PUT /api/v1/products/{externalId}`: a product as the shop's platform sends
/// it. Amounts are integer minor units of `currency` (29900 is ¥299.00).
///
/// JSON: `{"title":"真丝连衣裙","keywords":["连衣裙"],"category":"女装/连衣裙","currency":"CNY",
/// "marketPrice":29900,"memberPrice":26900,"vipPrice":null,"stock":120,"imageUrl":null,
/// "url":null,"status":"on_sale"}`; only `title`, `currency` and `marketPrice` are required,
/// the rest default to the values of ``init(title:keywords:category:currency:marketPrice:memberPrice:vipPrice:stock:imageUrl:url:status:)``
/// (a `null` counts as missing).
public struct ProductUpsert: Codable, Sendable, Hashable {
    public var title: String
    public var keywords: [String]
    public var category: String
    public var currency: String
    public var marketPrice: Int64
    public var memberPrice: Int64?
    public var vipPrice: Int64?
    public var stock: Int
    public var imageUrl: String?
    public var url: String?
    public var status: String

    public static let maxTitleLength = 200
    public static let maxKeywords = 20
    public static let maxKeywordLength = 40
    public static let maxCategoryLength = 100
    public static let stockRange = 0...10_000_000

    public init(title: String, keywords: [String] = [], category: String = "", currency: String, marketPrice: Int64,
                memberPrice: Int64? = nil, vipPrice: Int64? = nil, stock: Int = 0, imageUrl: String? = nil,
                url: String? = nil, status: String = ProductStatus.onSale.rawValue) {
        self.title = title
        self.keywords = keywords
        self.category = category
        self.currency = currency
        self.marketPrice = marketPrice
        self.memberPrice = memberPrice
        self.vipPrice = vipPrice
        self.stock = stock
        self.imageUrl = imageUrl
        self.url = url
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case title, keywords, category, currency, marketPrice, memberPrice, vipPrice, stock, imageUrl, url, status
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(title: try c.decode(String.self, forKey: .title),
                  keywords: try c.decodeIfPresent([String].self, forKey: .keywords) ?? [],
                  category: try c.decodeIfPresent(String.self, forKey: .category) ?? "",
                  currency: try c.decode(String.self, forKey: .currency),
                  marketPrice: try c.decode(Int64.self, forKey: .marketPrice),
                  memberPrice: try c.decodeIfPresent(Int64.self, forKey: .memberPrice),
                  vipPrice: try c.decodeIfPresent(Int64.self, forKey: .vipPrice),
                  stock: try c.decodeIfPresent(Int.self, forKey: .stock) ?? 0,
                  imageUrl: try c.decodeIfPresent(String.self, forKey: .imageUrl),
                  url: try c.decodeIfPresent(String.self, forKey: .url),
                  status: try c.decodeIfPresent(String.self, forKey: .status) ?? ProductStatus.onSale.rawValue)
    }

    /// The product checked and typed. Throws `.invalid` for the first problem, naming the
    /// field ("externalId", "title", "keywords[3]", "category", "currency", "marketPrice",
    /// "memberPrice", "vipPrice", "stock", "imageUrl", "url", "status"):
    ///
    /// - `externalId`: see ``ExternalID``.
    /// - `title`: trimmed, 1...200 characters, no control characters.
    /// - `keywords`: each trimmed, empty ones and repeats dropped; at most 20 of at most 40
    ///   characters, without `|` (the CSV list separator) or control characters.
    /// - `category`: trimmed, at most 100 characters.
    /// - `currency`: three upper-case letters (``Money/checkCurrency(_:field:)``).
    /// - prices not negative; the member and VIP prices not above the market price.
    /// - `stock`: 0...10,000,000.
    /// - `imageUrl`, `url`: http(s) addresses of at most 2000 characters; empty is none.
    /// - `status`: a ``ProductStatus``.
    public func validated(externalId: String) throws(DomainError) -> ValidProduct {
        let id = try ExternalID.validate(externalId)
        let title = try Validate.name(self.title, field: "title", limit: Self.maxTitleLength)
        var keywords: [String] = []
        for (index, raw) in self.keywords.enumerated() {
            let field = "keywords[\(index)]"
            let keyword = try InputText.trimmed(raw, field: field, limit: Self.maxKeywordLength)
            guard !keyword.contains("|") else { throw .invalid(field, "\(field) must not contain '|'") }
            if !keyword.isEmpty, !keywords.contains(keyword) { keywords.append(keyword) }
        }
        guard keywords.count <= Self.maxKeywords else {
            throw .invalid("keywords", "a product has at most \(Self.maxKeywords) keywords, got \(keywords.count)")
        }
        let category = try InputText.trimmed(self.category, field: "category", limit: Self.maxCategoryLength)
        try Money.checkCurrency(currency)
        let market = try InputText.amount(marketPrice, currency: currency, field: "marketPrice")
        var member: Money?
        var vip: Money?
        for (field, raw) in [("memberPrice", memberPrice), ("vipPrice", vipPrice)] {
            guard let raw else { continue }
            let price = try InputText.amount(raw, currency: currency, field: field)
            guard price <= market else {
                throw .invalid(field, "\(field) \(price) is above the market price \(market)")
            }
            if field == "memberPrice" { member = price } else { vip = price }
        }
        guard Self.stockRange.contains(stock) else {
            throw .invalid("stock", "stock must be between 0 and \(Self.stockRange.upperBound), got \(stock)")
        }
        return ValidProduct(externalId: id, title: title, keywords: keywords, category: category, currency: currency,
                            marketPrice: market, memberPrice: member, vipPrice: vip, stock: stock,
                            imageUrl: try HTTPURL.optional(self.imageUrl, field: "imageUrl"),
                            url: try HTTPURL.optional(self.url, field: "url"),
                            status: try ProductStatus.parse(self.status))
    }
}

/// A product that passed ``ProductUpsert/validated(externalId:)``: trimmed text and typed
/// values. All prices are in ``currency``.
public struct ValidProduct: Sendable, Hashable {
    public var externalId: String
    public var title: String
    public var keywords: [String]
    /// Empty when none.
    public var category: String
    public var currency: String
    public var marketPrice: Money
    public var memberPrice: Money?
    public var vipPrice: Money?
    public var stock: Int
    public var imageUrl: String?
    public var url: String?
    public var status: ProductStatus

    /// Takes the values as they are (for rows read back from the database); use
    /// ``ProductUpsert/validated(externalId:)`` for input.
    public init(externalId: String, title: String, keywords: [String], category: String, currency: String,
                marketPrice: Money, memberPrice: Money?, vipPrice: Money?, stock: Int, imageUrl: String?,
                url: String?, status: ProductStatus) {
        self.externalId = externalId
        self.title = title
        self.keywords = keywords
        self.category = category
        self.currency = currency
        self.marketPrice = marketPrice
        self.memberPrice = memberPrice
        self.vipPrice = vipPrice
        self.stock = stock
        self.imageUrl = imageUrl
        self.url = url
        self.status = status
    }

    /// The price a buyer of `tier` pays (``PriceTier/pick(market:member:vip:)``).
    public func price(for tier: PriceTier) -> Money {
        tier.pick(market: marketPrice, member: memberPrice, vip: vipPrice)
    }

    /// The product as a request body again (amounts in minor units), e.g. for ``ProductCSV``.
    public var upsert: ProductUpsert {
        ProductUpsert(title: title, keywords: keywords, category: category, currency: currency,
                      marketPrice: marketPrice.minor, memberPrice: memberPrice?.minor, vipPrice: vipPrice?.minor,
                      stock: stock, imageUrl: imageUrl, url: url, status: status.rawValue)
    }
}
