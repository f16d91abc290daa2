import KefuCore
import XCTest

final class CSVTests: XCTestCase {
    func testParsesQuotedFieldsCommasDoubledQuotesAndNewlines() throws {
        // setup
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,\"\"\n"

        // act
        let rows = try CSV.parse(text)

        // check
        XCTAssertEqual(rows, [["a", "b,c", "say \"hi\""], ["two\nlines", "", ""]])
    }

    func testAcceptsEveryLineEndAndStripsTheByteOrderMark() throws {
        // setup, act, check
        XCTAssertEqual(try CSV.parse("\u{FEFF}a,b\r\nc,d\re,f\ng,h"), [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
        XCTAssertEqual(try CSV.parse("a\r\n\r\n"), [["a"]], "trailing empty lines are ignored")
        XCTAssertEqual(try CSV.parse("a\n\nb\n"), [["a"], [""], ["b"]], "a blank line inside is a record")
        XCTAssertEqual(try CSV.parse(""), [])
        XCTAssertEqual(try CSV.parse("\"\r\n\""), [["\r\n"]], "CRLF inside quotes is kept")
    }

    func testAQuoteInsideAnUnquotedFieldIsText() throws {
        // setup, act, check
        XCTAssertEqual(try CSV.parse("5\" screen,ok"), [["5\" screen", "ok"]])
    }

    func testAnUnterminatedQuoteNamesItsLine() {
        // setup
        let text = "title,body\nok,ok\n\"fine\",\"multi\nline\"\nbad,\"never closed\nstill open"

        // act, check
        XCTAssertThrowsError(try CSV.parse(text)) { error in
            guard let error = error as? DomainError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .invalid)
            XCTAssertTrue(error.message.hasPrefix("line 5:"), error.message)
        }
        XCTAssertThrowsError(try CSV.parse("a,\"b\"c")) { error in
            XCTAssertTrue((error as? DomainError)?.message.contains("line 1: text after the closing quote") == true, "\(error)")
        }
    }

    func testRecordsKnowTheLineTheyStartOn() throws {
        // setup, act
        let records = try CSV.records("h\r\n\"a\r\nb\"\r\nc\n")

        // check
        XCTAssertEqual(records.map(\.line), [1, 2, 4])
    }

    func testFormatQuotesWhenNeededAndEndsLinesWithCRLF() {
        // setup, act
        let text = CSV.format([["a", "b,c", "say \"hi\""], ["two\nlines", "", "退货"]])

        // check
        XCTAssertEqual(text, "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,退货\r\n")
    }

    func testFormatProtectsFormulaLikeCellsAndUnprotectUndoesIt() throws {
        // setup
        let cells = ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "'=already", "''+two", "plain", "'quoted", "- 列表项"]

        // act
        let text = CSV.format([cells])
        let back = try CSV.parse(text)[0]

        // check
        XCTAssertEqual(back, ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tx", "'\rx", "''=already", "'''+two", "plain", "'quoted", "'- 列表项"])
        XCTAssertEqual(back.map(CSV.unprotect), cells)
    }
}

final class FAQCSVTests: XCTestCase {
    func message(_ text: String) -> String? {
        do {
            _ = try FAQCSV.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    func testRoundTripKeepsChineseQuotesCommasAndNewlines() throws {
        // setup
        let rows = [
            FAQCSVRow(slug: "return-policy", locale: "zh-CN", title: "七天无理由退货，怎么申请？",
                      body: "1. 打开\"我的订单\"\n2. 点击**申请售后**，填写原因\r\n\n- 生鲜除外", category: "售后/退换货",
                      tags: ["退货", "售后"], synonyms: ["怎么退货", "退貨"], related: ["refund-time"], status: "published"),
            FAQCSVRow(slug: "", locale: "zh-TW", title: "=HYPERLINK(\"x\")", body: "-5 度以下不发货, 'quoted'", category: "",
                      tags: [], synonyms: [], related: [], status: "draft"),
            FAQCSVRow(slug: "korean", locale: "ko", title: "환불은 언제 되나요", body: "@영업일 3일 이내", category: "환불",
                      tags: ["환불"], synonyms: [], related: ["return-policy", "refund-time"], status: "published"),
        ]

        // act
        let text = FAQCSV.export(rows)
        let back = try FAQCSV.parse(text)

        // check
        XCTAssertEqual(back, rows)
        XCTAssertTrue(text.hasPrefix("slug,locale,title,body,category,tags,synonyms,related,status\r\n"))
        XCTAssertTrue(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "formula cells are protected in the file")
        XCTAssertEqual(try FAQCSV.parse("\u{FEFF}" + text), rows, "the export's byte-order mark is fine")
    }

    func testColumnsMayComeInAnyOrderAndDefaultsApply() throws {
        // setup
        let text = "Body , TITLE,tags,status,locale\n答案,问题, a | b ||c ,,\n"

        // act
        let rows = try FAQCSV.parse(text)

        // check
        XCTAssertEqual(rows, [FAQCSVRow(slug: "", locale: "zh-CN", title: "问题", body: "答案", category: "", tags: ["a", "b", "c"], status: "published")])
    }

    func testBlankRecordsAreSkippedAndLinesAreCountedAcrossQuotedNewlines() {
        // setup
        let text = "title,body\n\nQ1,\"A1\nmore\"\n,,\n  ,A3\n"

        // act, check
        XCTAssertEqual(message(text), "line 6: title is empty")
    }

    func testEmptyBodyIsRefused() {
        // setup, act, check
        XCTAssertEqual(message("title,body\nQ,\"  \"\n"), "line 2: body is empty")
    }

    func testHeaderErrorsNameTheColumns() {
        // setup, act, check
        XCTAssertEqual(message("title,body,answer,Views\nq,a\n"),
                       "line 1: unknown columns 'answer', 'views'; the columns are slug, locale, title, body, category, tags, synonyms, related, status")
        XCTAssertEqual(message("slug,title\nx,q\n"), "line 1: the column body is missing")
        XCTAssertEqual(message("slug,locale\nx,q\n"), "line 1: the columns title and body are missing")
        XCTAssertEqual(message("title,body,title\nq,a,q\n"), "line 1: the column 'title' appears twice")
        XCTAssertEqual(message(""), "the file is empty; the first line must name the columns: slug,locale,title,body,category,tags,synonyms,related,status")
        XCTAssertNil(message("title,body,\nq,a,\n"), "a trailing comma is fine")
    }

    func testExtraFieldsBeyondTheHeaderAreRefused() {
        // setup, act, check
        XCTAssertEqual(message("title,body\nq,a,surplus\n"), "line 2: 3 fields, but the header names 2 columns")
        XCTAssertNil(message("title,body\nq,a,,\n"), "empty trailing fields are fine")
    }

    func testParseErrorsAreInvalidWithAField() {
        // setup, act, check
        XCTAssertThrowsError(try FAQCSV.parse("title,body\n,a\n")) { error in
            XCTAssertEqual((error as? DomainError)?.kind, .invalid)
            XCTAssertEqual((error as? DomainError)?.field, "title")
        }
    }
}
