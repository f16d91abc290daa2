import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

/// The UI speaks through catalogues only: every locale has every key, and the
/// front end names only keys that exist and holds no hard-coded CJK text.
final class CataloguesTests: XCTestCase {
    static var root: String { try! ResourceLoader.locate(configured: nil) }

    func testEveryLocaleHasTheSameKeys() throws {
        let catalogs = try ResourceLoader.catalogs(in: Self.root)
        let reference = try XCTUnwrap(catalogs[.zhCN])
        XCTAssertGreaterThan(reference.messages.count, 50)
        for locale in UILocale.allCases {
            let catalog = try XCTUnwrap(catalogs[locale])
            XCTAssertEqual(catalog.missingKeys(comparedTo: reference), [], "\(locale.rawValue) lacks keys")
            XCTAssertEqual(reference.missingKeys(comparedTo: catalog), [], "\(locale.rawValue) has keys zh-CN lacks")
            for (key, text) in catalog.messages {
                XCTAssertFalse(text.trimmingCharacters(in: .whitespaces).isEmpty, "\(locale.rawValue) \(key) is empty")
            }
        }
    }

    /// One folder per capability, and its keys start with the folder's name.
    func testEveryCapabilityHasItsFolderAndItsPrefix() throws {
        let base = Self.root + "/Resources/Locales"
        let folders = try FileManager.default.contentsOfDirectory(atPath: base).filter { !$0.hasSuffix(".json") }.sorted()
        XCTAssertTrue(Set(["app", "conversations", "routing", "knowledge", "orders", "widget"]).isSubset(of: Set(folders)), "\(folders)")
        let loose = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(loose, [], "every catalogue belongs to a capability's folder")
        for folder in folders {
            for locale in UILocale.allCases {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(base)/\(folder)/\(locale.rawValue).json"))
                let keys = try JSONDecoder().decode([String: String].self, from: data).keys
                XCTAssertEqual(keys.filter { !$0.hasPrefix(folder + ".") }.sorted(), [], "\(folder)/\(locale.rawValue).json")
            }
        }
    }

    /// Server code names catalogue keys in `catalog.text("…")` and `t("…")`: each exists.
    func testServerCodeUsesOnlyKnownKeys() throws {
        let catalog = try XCTUnwrap(try ResourceLoader.catalogs(in: Self.root)[.zhCN])
        let pattern = try NSRegularExpression(pattern: #"(?:\.text\(|\bt\(|map\()\s*"([a-z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)""#)
        let sources = Self.root + "/Sources/KefuServer"
        var used = 0
        for file in FileManager.default.enumerator(atPath: sources)!.compactMap({ $0 as? String }) where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                used += 1
                XCTAssertNotNil(catalog.messages[key], "\(file) uses the key \(key) that no catalogue has")
            }
        }
        XCTAssertGreaterThan(used, 20)
    }

    func testFrontEndUsesOnlyKnownKeysAndNoHardCodedText() throws {
        let catalog = try XCTUnwrap(try ResourceLoader.catalogs(in: Self.root)[.zhCN])
        let files = Self.frontEndFiles()
        XCTAssertFalse(files.isEmpty)
        let keyPatterns = [
            #"data-i18n(?:-placeholder|-title|-aria-label)?="([a-zA-Z0-9_.-]+)""#,
            #"\bt\(\s*['"]([a-zA-Z0-9_.-]+)['"]"#,
            #"i18n(?:Key)?\s*:\s*['"]([a-zA-Z0-9_.-]+)['"]"#,
        ].map { try! NSRegularExpression(pattern: $0) }
        let cjk = try NSRegularExpression(pattern: #"[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}]"#)
        var used = 0
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for pattern in keyPatterns {
                for match in pattern.matches(in: text, range: range) {
                    let key = String(text[Range(match.range(at: 1), in: text)!])
                    if key.hasSuffix(".") { continue } // a prefix for t('role.' + role)
                    used += 1
                    XCTAssertNotNil(catalog.messages[key], "\(file) uses the key \(key) that no catalogue has")
                }
            }
            let hardCoded = cjk.matches(in: text, range: range)
            XCTAssertEqual(hardCoded.count, 0, "\(file) holds CJK text outside the catalogues")
        }
        XCTAssertGreaterThan(used, 20)
    }

    func testTheCatalogueEndpointNegotiatesTheLanguage() async throws {
        let app = try await TestApp.make(for: self)
        func locale(_ headers: HTTPHeaders, query: String = "") async throws -> String {
            try await app.send(.GET, "/api/v1/i18n\(query)", headers: headers).content.decode(I18nDTO.self).locale
        }
        do { let value = try await locale([:]); XCTAssertEqual(value, "zh-CN") }
        do { let value = try await locale(["Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"]); XCTAssertEqual(value, "ko") }
        do { let value = try await locale(["Accept-Language": "zh-HK"]); XCTAssertEqual(value, "zh-TW") }
        do { let value = try await locale(["Accept-Language": "fr-FR, en;q=0.4"]); XCTAssertEqual(value, "en") }
        do { let value = try await locale(["Accept-Language": "en", "Cookie": "kefu_locale=zh-TW"]); XCTAssertEqual(value, "zh-TW") }
        do { let value = try await locale(["Accept-Language": "en"], query: "?locale=ko"); XCTAssertEqual(value, "ko") }
        let bad = try await app.send(.GET, "/api/v1/i18n?locale=xx")
        XCTAssertEqual(bad.status, .badRequest)
        XCTAssertEqual(bad.errorField, "locale")
    }

    static func frontEndFiles() -> [String] {
        let publicDir = root + "/Public"
        guard let enumerator = FileManager.default.enumerator(atPath: publicDir) else { return [] }
        return enumerator.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".js") }
            .map { publicDir + "/" + $0 }
    }
}
