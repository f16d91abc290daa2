import Foundation
import KefuCore
import XCTest

final class WebhookURLTests: XCTestCase {
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

    func testHTTPAddressesWithAHostAreAccepted() throws {
        // setup, act, check
        XCTAssertEqual(try WebhookURL.validate("https://hooks.example.com/kefu?token=abc"), "https://hooks.example.com/kefu?token=abc")
        XCTAssertEqual(try WebhookURL.validate("  http://10.0.0.5:8080/hook \n"), "http://10.0.0.5:8080/hook")
        XCTAssertEqual(try WebhookURL.validate("https://hooks.example.com"), "https://hooks.example.com")
        XCTAssertNoThrow(try WebhookURL.validate("https://h.example/" + String(repeating: "a", count: 2000 - 18)))
    }

    func testEverythingElseIsRefused() throws {
        // setup
        let bad = ["", "   ", "hooks.example.com/kefu", "ftp://hooks.example.com", "javascript:alert(1)", "https://", "https:///x",
                   "https://:443/x", "https://user@/x", "https://hooks example.com", "https://h.example/\u{0}", "mailto:a@b.c",
                   "https://h.example/" + String(repeating: "a", count: 2000 - 17)]

        // act, check
        for url in bad {
            let error = domainError { _ = try WebhookURL.validate(url) }
            XCTAssertEqual(error?.field, "url", url)
            XCTAssertEqual(error?.kind, .invalid, url)
        }
        XCTAssertEqual(domainError { _ = try WebhookURL.validate("ftp://x") }?.message, "url must be an http:// or https:// address; got 'ftp://x'")
        XCTAssertEqual(domainError { _ = try WebhookURL.validate("https:///x") }?.message, "url has no host: 'https:///x'")
    }
}
