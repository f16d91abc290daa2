import Foundation
import KefuCore
import XCTest

final class ProductUpsertTests: XCTestCase {
    func cny(_ minor: Int64) throws -> Money { try Money(minor: minor, currency: "CNY") }

    func product(marketPrice: Int64 = 29900, memberPrice: Int64? = 26900, vipPrice: Int64? = 23900) -> ProductUpsert {
        ProductUpsert(title: "真丝连衣裙", keywords: ["连衣裙", "真丝"], category: "女装/连衣裙", currency: "CNY",
                      marketPrice: marketPrice, memberPrice: memberPrice, vipPrice: vipPrice, stock: 120,
                      imageUrl: "https://img.example.com/1.jpg", url: "https://shop.example.com/p/1001", status: "on_sale")
    }

    /// The `DomainError` thrown by `body`, or nil (and a failure) when there is none.
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

    func testDecodesTheContractBody() throws {
        // setup
        let json = #"""
        {"title":"真丝连衣裙","keywords":["连衣裙"],"category":"女装/连衣裙","currency":"CNY","marketPrice":29900,
         "memberPrice":26900,"vipPrice":null,"stock":120,"imageUrl":"https://img.example.com/1.jpg","url":null,"status":"sold_out"}
        """#

        // act
        let decoded = try JSONDecoder().decode(ProductUpsert.self, from: Data(json.utf8))

        // check
        XCTAssertEqual(decoded, ProductUpsert(title: "真丝连衣裙", keywords: ["连衣裙"], category: "女装/连衣裙", currency: "CNY",
                                              marketPrice: 29900, memberPrice: 26900, vipPrice: nil, stock: 120,
                                              imageUrl: "https://img.example.com/1.jpg", url: nil, status: "sold_out"))
    }

    func testMissingOrNullKeysTakeTheirDefaults() throws {
        // setup
        let minimal = #"{"title":"T","currency":"CNY","marketPrice":100}"#
        let nulls = #"{"title":"T","currency":"CNY","marketPrice":100,"keywords":null,"category":null,"stock":null,"status":null}"#

        // act
        let a = try JSONDecoder().decode(ProductUpsert.self, from: Data(minimal.utf8))
        let b = try JSONDecoder().decode(ProductUpsert.self, from: Data(nulls.utf8))

        // check
        let expected = ProductUpsert(title: "T", currency: "CNY", marketPrice: 100)
        XCTAssertEqual(a, expected)
        XCTAssertEqual(b, expected)
        XCTAssertEqual(a.keywords, [])
        XCTAssertEqual(a.category, "")
        XCTAssertEqual(a.stock, 0)
        XCTAssertEqual(a.status, "on_sale")
        XCTAssertNil(a.memberPrice)
        XCTAssertThrowsError(try JSONDecoder().decode(ProductUpsert.self, from: Data(#"{"title":"T","currency":"CNY"}"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(ProductUpsert.self, from: Data(#"{"title":"T","currency":"CNY","marketPrice":1.5}"#.utf8)))
    }

    func testEncodingRoundTrips() throws {
        // setup
        let original = product()

        // act
        let decoded = try JSONDecoder().decode(ProductUpsert.self, from: try JSONEncoder().encode(original))

        // check
        XCTAssertEqual(decoded, original)
    }

    func testValidatedHoldsTypedTrimmedValues() throws {
        // setup
        var input = product()
        input.title = "  真丝连衣裙 \n"
        input.keywords = [" 连衣裙 ", "", "真丝", "连衣裙", "  "]
        input.category = " 女装/连衣裙 "
        input.imageUrl = "  "
        input.status = " Sold_Out "

        // act
        let valid = try input.validated(externalId: "SKU-1001")

        // check
        XCTAssertEqual(valid.externalId, "SKU-1001")
        XCTAssertEqual(valid.title, "真丝连衣裙")
        XCTAssertEqual(valid.keywords, ["连衣裙", "真丝"])
        XCTAssertEqual(valid.category, "女装/连衣裙")
        XCTAssertEqual(valid.currency, "CNY")
        XCTAssertEqual(valid.marketPrice, try cny(29900))
        XCTAssertEqual(valid.memberPrice, try cny(26900))
        XCTAssertEqual(valid.vipPrice, try cny(23900))
        XCTAssertEqual(valid.stock, 120)
        XCTAssertNil(valid.imageUrl)
        XCTAssertEqual(valid.url, "https://shop.example.com/p/1001")
        XCTAssertEqual(valid.status, .soldOut)
    }

    func testAPathOnKefuIsKeptAndMadeAbsoluteWhereItLeavesKefu() throws {
        var input = product()
        input.imageUrl = "/demo/products/tee.svg"
        XCTAssertEqual(try input.validated(externalId: "SKU-1").imageUrl, "/demo/products/tee.svg")
        XCTAssertEqual(KefuURL.absolute("/demo/products/tee.svg", origin: "https://kefu.shop.example"), "https://kefu.shop.example/demo/products/tee.svg")
        XCTAssertEqual(KefuURL.absolute("https://img.example.com/1.jpg", origin: "https://kefu.shop.example"), "https://img.example.com/1.jpg")
        // a protocol-relative address is another host: refused
        input.imageUrl = "//evil.example.com/x.svg"
        XCTAssertThrowsError(try input.validated(externalId: "SKU-1"))
        input.imageUrl = "/demo/a b.svg"
        XCTAssertThrowsError(try input.validated(externalId: "SKU-1"))
    }

    func testExternalIDRules() throws {
        // setup
        let good = ["SKU-1001", "a", "E2026.11:22_001", String(repeating: "x", count: 64)]
        let bad = ["", " SKU", "SKU 1", "SKU/1", "商品1", "SKU#1", "ＳＫＵ", String(repeating: "x", count: 65)]

        // act, check
        for id in good { XCTAssertEqual(try product().validated(externalId: id).externalId, id) }
        for id in bad {
            let error = domainError { _ = try self.product().validated(externalId: id) }
            XCTAssertEqual(error?.field, "externalId", id)
            XCTAssertEqual(error?.kind, .invalid, id)
        }
        XCTAssertEqual(domainError { _ = try ExternalID.validate("a b", field: "buyer.externalId") }?.message,
                       "buyer.externalId 'a b' may only contain letters A-Z and a-z, digits and - _ . :")
    }

    func testTitleKeywordsAndCategoryLimits() throws {
        // setup
        func error(_ change: (inout ProductUpsert) -> Void) -> DomainError? {
            var input = product()
            change(&input)
            return domainError { _ = try input.validated(externalId: "P1") }
        }

        // act, check
        XCTAssertEqual(error { $0.title = "   " }?.field, "title")
        XCTAssertEqual(error { $0.title = String(repeating: "裙", count: 201) }?.field, "title")
        XCTAssertNoThrow(try ProductUpsert(title: String(repeating: "裙", count: 200), currency: "CNY", marketPrice: 1).validated(externalId: "P1"))
        XCTAssertEqual(error { $0.keywords = (1...21).map { "k\($0)" } }?.message, "a product has at most 20 keywords, got 21")
        XCTAssertNoThrow(try ProductUpsert(title: "T", keywords: (1...20).map { "k\($0)" } + ["k1"], currency: "CNY", marketPrice: 1)
            .validated(externalId: "P1"))
        XCTAssertEqual(error { $0.keywords = ["ok", String(repeating: "k", count: 41)] }?.field, "keywords[1]")
        XCTAssertEqual(error { $0.keywords = ["a|b"] }?.message, "keywords[0] must not contain '|'")
        XCTAssertEqual(error { $0.category = String(repeating: "c", count: 101) }?.field, "category")
        XCTAssertEqual(error { $0.currency = "cny" }?.field, "currency")
    }

    func testPricesMustNotBeNegativeNorAboveTheMarketPrice() throws {
        // setup, act
        let negativeMarket = domainError { _ = try self.product(marketPrice: -1, memberPrice: nil, vipPrice: nil).validated(externalId: "P1") }
        let negativeMember = domainError { _ = try self.product(memberPrice: -5).validated(externalId: "P1") }
        let negativeVIP = domainError { _ = try self.product(vipPrice: -5).validated(externalId: "P1") }
        let memberAbove = domainError { _ = try self.product(marketPrice: 1000, memberPrice: 1001, vipPrice: nil).validated(externalId: "P1") }
        let vipAbove = domainError { _ = try self.product(marketPrice: 1000, memberPrice: nil, vipPrice: 1001).validated(externalId: "P1") }

        // check
        XCTAssertEqual(negativeMarket?.field, "marketPrice")
        XCTAssertEqual(negativeMarket?.message, "marketPrice must not be negative, got -0.01 CNY")
        XCTAssertEqual(negativeMember?.field, "memberPrice")
        XCTAssertEqual(negativeVIP?.field, "vipPrice")
        XCTAssertEqual(memberAbove?.field, "memberPrice")
        XCTAssertEqual(memberAbove?.message, "memberPrice 10.01 CNY is above the market price 10.00 CNY")
        XCTAssertEqual(vipAbove?.field, "vipPrice")
        XCTAssertNoThrow(try product(marketPrice: 1000, memberPrice: 1000, vipPrice: 0).validated(externalId: "P1"))
        XCTAssertNoThrow(try product(marketPrice: 0, memberPrice: nil, vipPrice: nil).validated(externalId: "P1"))
    }

    func testStockRange() throws {
        // setup
        var input = product()

        // act, check
        for stock in [0, 10_000_000] {
            input.stock = stock
            XCTAssertEqual(try input.validated(externalId: "P1").stock, stock)
        }
        for stock in [-1, 10_000_001] {
            input.stock = stock
            XCTAssertEqual(domainError { _ = try input.validated(externalId: "P1") }?.field, "stock")
        }
    }

    func testAddressesMustBeHTTP() throws {
        // setup
        let good = ["https://shop.example.com/p/1", "http://例子.测试/商品?id=1#top", "HTTPS://Shop.Example.com", "https://h:8443/x",
                    "https://[::1]:8080/x", "https://user@host.example/x"]
        let bad = ["ftp://shop.example.com/x", "javascript:alert(1)", "https://", "https:///path", "//shop.example.com/x", "shop.example.com",
                   "https://shop example.com", "https://h:0/x", "https://h:99999", "https://h:x/", "https://h\\evil",
                   "https://" + String(repeating: "a", count: 1993)]

        // act, check
        for url in good {
            var input = product()
            input.url = url
            XCTAssertEqual(try input.validated(externalId: "P1").url, url, url)
        }
        for url in bad {
            var input = product()
            input.imageUrl = url
            XCTAssertEqual(domainError { _ = try input.validated(externalId: "P1") }?.field, "imageUrl", url)
        }
        var longest = product()
        longest.url = "https://" + String(repeating: "a", count: 1992)
        XCTAssertEqual(try longest.validated(externalId: "P1").url?.count, 2000)
    }

    func testStatusMustBeKnown() throws {
        // setup
        var input = product()
        input.status = "deleted"

        // act
        let error = domainError { _ = try input.validated(externalId: "P1") }

        // check
        XCTAssertEqual(error?.field, "status")
        XCTAssertEqual(error?.message, "status must be one of on_sale, off_shelf, sold_out; got 'deleted'")
        XCTAssertEqual(ProductStatus.allCases.map(\.rawValue), ["on_sale", "off_shelf", "sold_out"])
        XCTAssertEqual(try ProductStatus.parse("off_shelf"), .offShelf)
    }

    func testPriceTiers() throws {
        // setup
        let all = try product(marketPrice: 300, memberPrice: 200, vipPrice: 100).validated(externalId: "P1")
        let memberOnly = try product(marketPrice: 300, memberPrice: 200, vipPrice: nil).validated(externalId: "P1")
        let marketOnly = try product(marketPrice: 300, memberPrice: nil, vipPrice: nil).validated(externalId: "P1")
        let vipOnly = try product(marketPrice: 300, memberPrice: nil, vipPrice: 100).validated(externalId: "P1")

        // act, check
        XCTAssertEqual([all.price(for: .regular), all.price(for: .member), all.price(for: .vip)], [try cny(300), try cny(200), try cny(100)])
        XCTAssertEqual([memberOnly.price(for: .regular), memberOnly.price(for: .member), memberOnly.price(for: .vip)],
                       [try cny(300), try cny(200), try cny(200)])
        XCTAssertEqual([marketOnly.price(for: .member), marketOnly.price(for: .vip)], [try cny(300), try cny(300)])
        XCTAssertEqual([vipOnly.price(for: .member), vipOnly.price(for: .vip)], [try cny(300), try cny(100)])
    }

    func testPriceTierParse() throws {
        // setup, act, check
        XCTAssertEqual(try PriceTier.parse("vip"), .vip)
        XCTAssertEqual(try PriceTier.parse(" Member "), .member)
        XCTAssertEqual(PriceTier.allCases.map(\.rawValue), ["regular", "member", "vip"])
        let error = domainError { _ = try PriceTier.parse("gold") }
        XCTAssertEqual(error?.field, "tier")
        XCTAssertEqual(error?.message, "tier must be one of regular, member, vip; got 'gold'")
        XCTAssertEqual(domainError { _ = try PriceTier.parse("", field: "buyer.tier") }?.field, "buyer.tier")
    }

    func testUpsertOfAValidProductValidatesToTheSame() throws {
        // setup
        let valid = try product().validated(externalId: "SKU-1001")

        // act
        let again = try valid.upsert.validated(externalId: valid.externalId)

        // check
        XCTAssertEqual(again, valid)
        XCTAssertEqual(valid.upsert.marketPrice, 29900)
    }

    func testJPYPricesAreWholeUnits() throws {
        // setup
        let input = ProductUpsert(title: "抹茶", currency: "JPY", marketPrice: 1200, memberPrice: 1000)

        // act
        let valid = try input.validated(externalId: "P1")

        // check
        XCTAssertEqual(valid.marketPrice.description, "1200 JPY")
        XCTAssertEqual(valid.price(for: .member).minor, 1000)
    }
}
