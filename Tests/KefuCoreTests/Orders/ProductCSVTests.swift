import Foundation
import KefuCore
import XCTest

final class ProductCSVTests: XCTestCase {
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

    /// The error of parsing `text`.
    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DomainError? {
        domainError({ _ = try ProductCSV.parse(text) }, file: file, line: line)
    }

    let header = "external_id,title,currency,market_price\n"

    func testParsesAFileWithColumnsInAnyOrder() throws {
        // setup
        let text = """
        Title , EXTERNAL_ID,currency,market_price,member_price,vip_price,keywords,category,stock,image_url,url,status
        真丝连衣裙,SKU-1001,CNY,299,269.9,239.00,连衣裙 | 真丝||夏季,女装/连衣裙,120,https://img.example.com/1.jpg,,sold_out
        "丝巾, 印花",SKU-2002,CNY,49.5,,,,,,,,

        """

        // act
        let rows = try ProductCSV.parse(text)

        // check
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].line, 2)
        XCTAssertEqual(rows[0].externalId, "SKU-1001")
        XCTAssertEqual(rows[0].upsert, ProductUpsert(title: "真丝连衣裙", keywords: ["连衣裙", "真丝", "夏季"], category: "女装/连衣裙",
                                                     currency: "CNY", marketPrice: 29900, memberPrice: 26990, vipPrice: 23900, stock: 120,
                                                     imageUrl: "https://img.example.com/1.jpg", url: nil, status: "sold_out"))
        XCTAssertEqual(rows[1].line, 3)
        XCTAssertEqual(rows[1].upsert, ProductUpsert(title: "丝巾, 印花", currency: "CNY", marketPrice: 4950))
    }

    func testOnlyTheRequiredColumnsAreNeeded() throws {
        // setup
        let text = header + "P1,抹茶,JPY,1200\r\n\r\nP2,煎茶,JPY,800\r\n"

        // act
        let rows = try ProductCSV.parse(text)

        // check
        XCTAssertEqual(rows.map(\.externalId), ["P1", "P2"])
        XCTAssertEqual(rows.map(\.line), [2, 4])
        XCTAssertEqual(rows[0].upsert.marketPrice, 1200)
        XCTAssertEqual(rows[0].upsert.status, "on_sale")
        XCTAssertEqual(rows[0].upsert.stock, 0)
    }

    func testColumnErrors() throws {
        // setup, act
        let unknown = parseError("external_id,title,currency,market_price,price\nP1,T,CNY,1,1\n")
        let missing = parseError("external_id,title,currency\nP1,T,CNY\n")
        let twice = parseError("external_id,title,title,currency,market_price\n")
        let empty = parseError("")

        // check
        XCTAssertEqual(unknown?.field, "price")
        XCTAssertEqual(unknown?.message, "line 1: unknown column 'price'; the columns are " + ProductCSV.header.joined(separator: ", "))
        XCTAssertEqual(missing?.field, "market_price")
        XCTAssertEqual(missing?.message, "line 1: the column 'market_price' is missing; required are external_id, title, currency, market_price")
        XCTAssertEqual(twice?.field, "title")
        XCTAssertEqual(empty?.field, "csv")
        XCTAssertNoThrow(try ProductCSV.parse("external_id,title,currency,market_price,\nP1,T,CNY,1,\n"))
    }

    func testTooManyCellsAreRefused() throws {
        // setup, act
        let error = parseError(header + "P1,T,CNY,1,extra\n")

        // check
        XCTAssertEqual(error?.field, "csv")
        XCTAssertEqual(error?.message, "line 2: 5 fields, but the header names 4 columns")
    }

    func testAmountCellsAreDecimals() throws {
        // setup, act
        let tooPrecise = parseError(header + "P1,T,CNY,19.999\n")
        let notAnAmount = parseError(header + "P1,T,CNY,¥19.90\n")
        let negative = parseError("external_id,title,currency,market_price,member_price\nP1,T,CNY,10,-1\n")
        let empty = parseError(header + "P1,T,CNY,\n")
        let badCurrency = parseError(header + "P1,T,rmb,1\n")
        let yen = parseError(header + "P1,T,JPY,1.5\n")

        // check
        XCTAssertEqual(tooPrecise?.field, "market_price")
        XCTAssertEqual(tooPrecise?.message, "line 2: market_price '19.999' has 3 decimals; CNY has 2")
        XCTAssertEqual(notAnAmount?.message, "line 2: market_price '¥19.90' is not an amount; write digits with an optional decimal point, like 12.55")
        XCTAssertEqual(negative?.field, "member_price")
        XCTAssertEqual(negative?.message, "line 2: member_price must not be negative; got '-1'")
        XCTAssertEqual(empty?.message, "line 2: market_price is empty")
        XCTAssertEqual(badCurrency?.field, "currency")
        XCTAssertTrue(badCurrency?.message.hasPrefix("line 2: currency must be an ISO 4217 code") ?? false, badCurrency?.message ?? "")
        XCTAssertEqual(yen?.message, "line 2: market_price '1.5' has decimals; JPY amounts are whole numbers")
    }

    func testValidationErrorsNameTheLineAndColumn() throws {
        // setup
        let columns = "external_id,title,currency,market_price,member_price,stock,image_url,status,keywords\n"

        // act
        let memberAbove = parseError(columns + "P1,T,CNY,10,9,,,,\nP2,T,CNY,10,11,,,,\n")
        let stock = parseError(columns + "P1,T,CNY,10,,many,,,\n")
        let stockRange = parseError(columns + "P1,T,CNY,10,,-3,,,\n")
        let image = parseError(columns + "P1,T,CNY,10,,,ftp://x/y.jpg,,\n")
        let status = parseError(columns + "P1,T,CNY,10,,,,gone,\n")
        let title = parseError(columns + "P1, ,CNY,10,,,,,\n")
        let id = parseError(columns + "P 1,T,CNY,10,,,,,\n")
        let keywords = parseError(columns + "P1,T,CNY,10,,,,," + (1...21).map { "k\($0)" }.joined(separator: "|") + "\n")

        // check
        XCTAssertEqual(memberAbove?.field, "member_price")
        XCTAssertEqual(memberAbove?.message, "line 3: member_price 11.00 CNY is above the market price 10.00 CNY")
        XCTAssertEqual(stock?.field, "stock")
        XCTAssertEqual(stock?.message, "line 2: stock 'many' is not a whole number")
        XCTAssertEqual(stockRange?.message, "line 2: stock must be between 0 and 10000000, got -3")
        XCTAssertEqual(image?.field, "image_url")
        XCTAssertEqual(image?.message, "line 2: image_url must be an http:// or https:// address; got 'ftp://x/y.jpg'")
        XCTAssertEqual(status?.field, "status")
        XCTAssertEqual(status?.message, "line 2: status must be one of on_sale, off_shelf, sold_out; got 'gone'")
        XCTAssertEqual(title?.message, "line 2: title must not be empty")
        XCTAssertEqual(id?.field, "external_id")
        XCTAssertEqual(id?.message, "line 2: external_id 'P 1' may only contain letters A-Z and a-z, digits and - _ . :")
        XCTAssertEqual(keywords?.field, "keywords")
        XCTAssertEqual(keywords?.message, "line 2: a product has at most 20 keywords, got 21")
    }

    func testAnExternalIDAppearsOnce() throws {
        // setup, act
        let error = parseError(header + "P1,A,CNY,1\nP2,B,CNY,1\nP1,C,CNY,1\n")

        // check
        XCTAssertEqual(error?.field, "external_id")
        XCTAssertEqual(error?.message, "line 4: external_id 'P1' is also on line 2")
    }

    func testTheFirstErrorIsReported() throws {
        // setup, act
        let error = parseError(header + "P1,A,CNY,1\nP2,B,CNY,-1\nP3,,CNY,1\n")

        // check
        XCTAssertTrue(error?.message.hasPrefix("line 3:") ?? false, error?.message ?? "")
    }

    func testProtectedCellsAreUnprotected() throws {
        // setup
        let text = header + "P1,'=SUM(A1),CNY,1\nP2,'Tom's tea,CNY,1\n"

        // act
        let rows = try ProductCSV.parse(text)

        // check
        XCTAssertEqual(rows[0].upsert.title, "=SUM(A1)")
        XCTAssertEqual(rows[1].upsert.title, "'Tom's tea")
    }

    func testExportThenImportRoundTrips() throws {
        // setup
        let products: [(externalId: String, upsert: ProductUpsert)] = [
            ("SKU-1001", ProductUpsert(title: "真丝连衣裙, \"夏季\"", keywords: ["连衣裙", "真丝"], category: "女装/连衣裙", currency: "CNY",
                                       marketPrice: 29900, memberPrice: 26905, vipPrice: 5, stock: 120,
                                       imageUrl: "https://img.example.com/1.jpg?a=1,2", url: "https://shop.example.com/p/1", status: "off_shelf")),
            ("P.2", ProductUpsert(title: "=HYPERLINK(\"http://evil\")", keywords: ["-折扣", "@me"], category: "+plus", currency: "JPY",
                                  marketPrice: 1200)),
            ("KWD:3", ProductUpsert(title: "Dates, \"Medjool\"", currency: "KWD", marketPrice: 1_005, memberPrice: 0, stock: 10_000_000)),
        ]

        // act
        let text = ProductCSV.format(products)
        let parsed = try ProductCSV.parse(text)

        // check
        XCTAssertEqual(parsed.map(\.externalId), products.map(\.externalId))
        XCTAssertEqual(parsed.map(\.upsert), products.map(\.upsert))
        XCTAssertTrue(text.hasPrefix(ProductCSV.header.joined(separator: ",") + "\r\n"))
        XCTAssertTrue(text.contains(",299.00,269.05,0.05,"), text)
        XCTAssertTrue(text.contains("'=HYPERLINK"), text)
        XCTAssertTrue(text.contains(",1.005,0.000,"), text)
    }

    func testExportOfValidProducts() throws {
        // setup
        let valid = try ProductUpsert(title: " 抹茶 ", currency: "JPY", marketPrice: 1200, vipPrice: 1000).validated(externalId: "P1")

        // act
        let parsed = try ProductCSV.parse(ProductCSV.format([valid]))

        // check
        XCTAssertEqual(try parsed[0].upsert.validated(externalId: parsed[0].externalId), valid)
    }
}
