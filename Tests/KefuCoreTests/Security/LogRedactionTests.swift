import KefuCore
import XCTest

/// Credentials are cut out of log lines as Fluent (debug) and Vapor's request decoder (trace) write them.
final class LogRedactionTests: XCTestCase {
    func testQueryBindsOfSecretColumnsAreRedacted() {
        let line = "Running query [action: create, database-id: sqlite, input: [[user_agent: python-requests/2.34.2, csrf_token: TRYAJln7ooEafEXc7U3rJQt_rHX4NsRpjkOCD3RASbg, expires_at: 2026-12-14], [identity_secret: whsec_f2ad62aa5939f5, secret: whsec_abc, password_hash: $2b$12$abcdef, token_hash: 9f86d0]]]"
        let out = LogRedaction.redact(line)
        for secret in ["TRYAJln7ooEafEXc7U3rJQt_rHX4NsRpjkOCD3RASbg", "whsec_f2ad62aa5939f5", "whsec_abc", "$2b$12$abcdef", "9f86d0"] {
            XCTAssertFalse(out.contains(secret), out)
        }
        XCTAssertTrue(out.contains("user_agent: python-requests/2.34.2"), out)
        XCTAssertTrue(out.contains("expires_at: 2026-12-14"), out)
        XCTAssertTrue(out.contains("csrf_token: <redacted>"), out)
        XCTAssertEqual(LogRedaction.redact(#"{"identitySecret":"whsec_1","name":"店"}"#), #"{"identitySecret":"<redacted>","name":"店"}"#)
    }

    func testRequestHeadsLoseCookiesAuthorizationAndTokenParameters() {
        let head = #"Decoded HTTP part: head: HTTPRequestHead { method: GET, uri: "/api/v1/widget/ws?token=v_Secret123&x=1", version: HTTP/1.1, headers: Host: 127.0.0.1:18556; Authorization: Bearer kefu_tok_ABC; Cookie: kefu_session=Sx7t-99B; kefu_help_lang=en; X-CSRF-Token: csrfXYZ; Accept: */* }"#
        let out = LogRedaction.redact(head)
        for secret in ["v_Secret123", "kefu_tok_ABC", "Sx7t-99B", "csrfXYZ"] { XCTAssertFalse(out.contains(secret), out) }
        XCTAssertTrue(out.contains("Host: 127.0.0.1:18556"), out)
        XCTAssertTrue(out.contains("&x=1"), out)
        XCTAssertTrue(out.contains("Accept: */*"), out)
        XCTAssertTrue(LogRedaction.isSecretKey("csrf_token"))
        XCTAssertTrue(LogRedaction.isSecretKey("identity_secret"))
        XCTAssertTrue(LogRedaction.isSecretKey("password_hash"))
        XCTAssertFalse(LogRedaction.isSecretKey("token_prefix"))
        XCTAssertFalse(LogRedaction.isSecretKey("user_agent"))
        // an ordinary line is left alone
        XCTAssertEqual(LogRedaction.redact("durable listener failed listener=test"), "durable listener failed listener=test")
    }
}
