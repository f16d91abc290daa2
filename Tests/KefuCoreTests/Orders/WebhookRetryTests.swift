import Foundation
import KefuCore
import XCTest

final class WebhookRetryTests: XCTestCase {
    func testEightAttemptsWithGrowingWaits() throws {
        // setup, act
        let waits = (1...7).map { WebhookRetry.delay(afterAttempt: $0, jitter: 0.5) }

        // check
        XCTAssertEqual(WebhookRetry.maxAttempts, 8)
        XCTAssertEqual(waits, [10, 30, 120, 600, 1800, 3600, 10_800])
    }

    func testJitterIsAtMostTwentyPercentAndDeterministic() throws {
        // setup, act, check
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: 0), 8, accuracy: 1e-9)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: 0.25), 9, accuracy: 1e-9)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: 0.75), 11, accuracy: 1e-9)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 7, jitter: 0.999_999), 12_960, accuracy: 0.1)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 3, jitter: 0.3), WebhookRetry.delay(afterAttempt: 3, jitter: 0.3))
        for n in 1...7 {
            for jitter in stride(from: 0.0, to: 1.0, by: 0.05) {
                let base = WebhookRetry.delays[n - 1]
                let wait = WebhookRetry.delay(afterAttempt: n, jitter: jitter)
                XCTAssertTrue(wait >= base * 0.8 - 1e-9 && wait <= base * 1.2 + 1e-9, "\(n) \(jitter) \(wait)")
            }
        }
    }

    func testOutOfRangeInputIsClamped() throws {
        // setup, act, check
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 0, jitter: 0.5), 10)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: -3, jitter: 0.5), 10)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 20, jitter: 0.5), 10_800)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: -4), 8, accuracy: 1e-9)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: 7), 12, accuracy: 1e-9)
        XCTAssertEqual(WebhookRetry.delay(afterAttempt: 1, jitter: .nan), 10)
    }

    func testSuccessIs2xx() throws {
        // setup, act, check
        for code in [200, 201, 202, 204, 299] { XCTAssertTrue(WebhookRetry.isSuccess(statusCode: code), "\(code)") }
        for code in [100, 199, 300, 301, 400, 404, 500] { XCTAssertFalse(WebhookRetry.isSuccess(statusCode: code), "\(code)") }
    }

    func testWhatIsRetried() throws {
        // setup, act, check
        XCTAssertTrue(WebhookRetry.shouldRetry(statusCode: nil))
        for code in [408, 429, 500, 502, 503, 504, 599] { XCTAssertTrue(WebhookRetry.shouldRetry(statusCode: code), "\(code)") }
        for code in [200, 204, 301, 302, 400, 401, 403, 404, 405, 410, 413, 422] {
            XCTAssertFalse(WebhookRetry.shouldRetry(statusCode: code), "\(code)")
        }
    }

    func testNextDelay() throws {
        // setup, act, check
        XCTAssertEqual(WebhookRetry.nextDelay(afterAttempt: 1, statusCode: nil, jitter: 0.5), 10)
        XCTAssertEqual(WebhookRetry.nextDelay(afterAttempt: 2, statusCode: 503, jitter: 0.5), 30)
        XCTAssertEqual(WebhookRetry.nextDelay(afterAttempt: 7, statusCode: 429, jitter: 0.5), 10_800)
        XCTAssertNil(WebhookRetry.nextDelay(afterAttempt: 8, statusCode: 500, jitter: 0.5))
        XCTAssertNil(WebhookRetry.nextDelay(afterAttempt: 1, statusCode: 200, jitter: 0.5))
        XCTAssertNil(WebhookRetry.nextDelay(afterAttempt: 1, statusCode: 404, jitter: 0.5))
        let total = (1..<WebhookRetry.maxAttempts).compactMap { WebhookRetry.nextDelay(afterAttempt: $0, statusCode: nil, jitter: 0.5) }
        XCTAssertEqual(total.count, 7)
        XCTAssertEqual(total.reduce(0, +), 16_960)
    }
}
