import KefuCore
import XCTest

final class KefuSettingsTests: XCTestCase {
    func testDefaultsNeedNoConfiguration() throws {
        let s = try KefuSettings.from(environment: [:])
        XCTAssertEqual(s.database, .sqlite(path: "./kefu-data/kefu.sqlite"))
        XCTAssertEqual(s.host, "127.0.0.1")
        XCTAssertEqual(s.port, 8080)
        XCTAssertEqual(s.sqliteSynchronous, .normal)
        XCTAssertFalse(s.secureCookies)
        XCTAssertEqual(s.corsOrigins, [])
    }

    func testValuesAreRead() throws {
        let s = try KefuSettings.from(environment: [
            "KEFU_DATABASE_URL": "postgres://kefu:pw@db:5432/kefu", "KEFU_HOST": "0.0.0.0", "KEFU_PORT": "9000",
            "KEFU_SQLITE_SYNCHRONOUS": "full", "KEFU_PUBLIC_URL": "https://kefu.shop.example/",
            "KEFU_CORS_ORIGINS": "https://a.example, https://b.example", "KEFU_LOGIN_LIMIT_ACCOUNT": "3/60",
            "PATH": "/usr/bin",
        ])
        XCTAssertEqual(s.database, .postgres(url: "postgres://kefu:pw@db:5432/kefu"))
        XCTAssertEqual(s.port, 9000)
        XCTAssertEqual(s.sqliteSynchronous, .full)
        XCTAssertEqual(s.publicURL, "https://kefu.shop.example")
        XCTAssertTrue(s.secureCookies, "an https public URL makes cookies Secure")
        XCTAssertEqual(s.corsOrigins, ["https://a.example", "https://b.example"])
        XCTAssertEqual(s.loginLimitPerAccount, .init(limit: 3, windowSeconds: 60))
    }

    func testWrongValuesNameTheVariable() {
        let cases: [([String: String], String)] = [
            (["KEFU_PORT": "eighty"], "KEFU_PORT"),
            (["KEFU_PORT": "70000"], "KEFU_PORT"),
            (["KEFU_DATABASE_URL": "mysql://x"], "KEFU_DATABASE_URL"),
            (["KEFU_DATABASE_URL": "sqlite://"], "KEFU_DATABASE_URL"),
            (["KEFU_SQLITE_SYNCHRONOUS": "off"], "KEFU_SQLITE_SYNCHRONOUS"),
            (["KEFU_PUBLIC_URL": "kefu.example"], "KEFU_PUBLIC_URL"),
            (["KEFU_CORS_ORIGINS": "*"], "KEFU_CORS_ORIGINS"),
            (["KEFU_LOGIN_LIMIT_IP": "lots"], "KEFU_LOGIN_LIMIT_IP"),
            (["KEFU_SECURE_COOKIES": "maybe"], "KEFU_SECURE_COOKIES"),
            (["KEFU_PROT": "8080"], "KEFU_PROT"),
        ]
        for (env, variable) in cases {
            XCTAssertThrowsError(try KefuSettings.from(environment: env), "\(env)") { error in
                let error = error as! ConfigurationError
                XCTAssertEqual(error.variable, variable)
                XCTAssertTrue(error.line.hasPrefix("kefu: configuration error: \(variable) "))
                XCTAssertFalse(error.line.contains("\n"))
            }
        }
    }

    func testDatabaseURLs() throws {
        XCTAssertEqual(try DatabaseLocation.parse("sqlite:///var/lib/kefu/k.sqlite"), .sqlite(path: "/var/lib/kefu/k.sqlite"))
        XCTAssertEqual(try DatabaseLocation.parse("sqlite://data/k.sqlite"), .sqlite(path: "data/k.sqlite"))
        XCTAssertEqual(try DatabaseLocation.parse("sqlite:k.sqlite"), .sqlite(path: "k.sqlite"))
        XCTAssertEqual(try DatabaseLocation.parse("postgresql://u@h/db"), .postgres(url: "postgresql://u@h/db"))
        XCTAssertTrue(try DatabaseLocation.parse("postgres://u@h/db").isPostgres)
    }
}
