import KefuCore
import XCTest

final class SlidingWindowLimiterTests: XCTestCase {
    func testRefusesAfterTheLimitUntilTheWindowPasses() {
        var limiter = SlidingWindowLimiter(limit: 3, windowSeconds: 60)
        XCTAssertEqual(limiter.hit("ip", now: 0), .allowed)
        XCTAssertEqual(limiter.hit("ip", now: 10), .allowed)
        XCTAssertEqual(limiter.hit("ip", now: 20), .allowed)
        XCTAssertEqual(limiter.hit("ip", now: 30), .refused(retryAfter: 30))
        XCTAssertEqual(limiter.hit("other", now: 30), .allowed, "keys are independent")
        XCTAssertEqual(limiter.hit("ip", now: 60.5), .allowed, "the first event left the window")
        XCTAssertEqual(limiter.hit("ip", now: 61), .refused(retryAfter: 9))
    }

    func testRefusedEventsDoNotExtendTheWindowAndResetForgets() {
        var limiter = SlidingWindowLimiter(limit: 1, windowSeconds: 10)
        XCTAssertEqual(limiter.hit("k", now: 0), .allowed)
        for t in 1..<10 { XCTAssertNotEqual(limiter.hit("k", now: Double(t)), .allowed) }
        XCTAssertEqual(limiter.hit("k", now: 10.1), .allowed)
        limiter.reset("k")
        XCTAssertEqual(limiter.check("k", now: 10.2), .allowed)
    }

    func testOldKeysAreForgotten() {
        var limiter = SlidingWindowLimiter(limit: 5, windowSeconds: 1)
        for i in 0..<2048 { limiter.record("key\(i)", now: Double(i) * 0.001) }
        limiter.record("late", now: 100)
        for i in 0..<1024 { limiter.record("again\(i)", now: 100) }
        XCTAssertLessThan(limiter.trackedKeys, 2048)
    }
}

final class SecureTokenTests: XCTestCase {
    func testTokensAreLongUniqueAndURLSafe() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let token = SecureToken.make(bytes: 16)
            XCTAssertEqual(token.count, 22, "128 bits in unpadded base64url")
            XCTAssertNil(token.rangeOfCharacter(from: CharacterSet(charactersIn: "+/=")))
            seen.insert(token)
        }
        XCTAssertEqual(seen.count, 1000)
        XCTAssertTrue(SecureToken.make(prefix: "kefu_").hasPrefix("kefu_"))
    }

    func testBase64URLMatchesFoundation() {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 250) % 256) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(SecureToken.base64url(bytes), expected)
        }
    }
}

import Foundation
