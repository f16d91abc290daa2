import Foundation
import KefuCore
import XCTest

/// The client's address behind reverse proxies, and the sign-in throttle per account and address.
final class TrustedProxiesTests: XCTestCase {
    func testRangesMatchIPv4IPv6AndMappedAddresses() throws {
        let net = try XCTUnwrap(IPRange("10.0.0.0/8"))
        XCTAssertTrue(net.contains("10.200.3.4"))
        XCTAssertTrue(net.contains("::ffff:10.1.2.3"))
        XCTAssertFalse(net.contains("11.0.0.1"))
        XCTAssertFalse(net.contains("not an address"))
        XCTAssertTrue(try XCTUnwrap(IPRange("fd00::/8")).contains("fd12:3456::1"))
        XCTAssertFalse(try XCTUnwrap(IPRange("fd00::/8")).contains("2001:db8::1"))
        XCTAssertTrue(try XCTUnwrap(IPRange("192.168.1.7")).contains("192.168.1.7"))
        XCTAssertTrue(try XCTUnwrap(IPRange("172.16.0.0/12")).contains("172.31.255.255"))
        XCTAssertFalse(try XCTUnwrap(IPRange("172.16.0.0/12")).contains("172.32.0.1"))
        XCTAssertNil(IPRange("10.0.0.0/33"))
        XCTAssertNil(IPRange("proxy.local"))
        XCTAssertThrowsError(try TrustedProxies.parse("10.0.0.1, nonsense")) {
            XCTAssertEqual(($0 as? ConfigurationError)?.variable, "KEFU_TRUSTED_PROXIES")
        }
    }

    func testForwardedHeadersAreBelievedOnlyFromATrustedPeer() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")
        // an untrusted peer: its headers are ignored
        XCTAssertEqual(proxies.clientAddress(peer: "203.0.113.9", forwarded: [], forwardedFor: ["198.51.100.1"]), "203.0.113.9")
        // the proxy names the client; addresses the client wrote itself further left are not believed
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: [], forwardedFor: ["6.6.6.6, 198.51.100.1"]), "198.51.100.1")
        // two trusted hops
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: [], forwardedFor: ["198.51.100.1", "10.0.0.5"]), "198.51.100.1")
        // RFC 7239, preferred over X-Forwarded-For, with quotes, brackets and ports
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: [#"for="[2001:db8::17]:4711";proto=https"#],
                                             forwardedFor: ["198.51.100.1"]), "2001:db8::17")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: ["for=192.0.2.60:8080;by=10.0.0.1"], forwardedFor: []), "192.0.2.60")
        // no header, or garbage: the nearest trusted hop
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: [], forwardedFor: []), "127.0.0.1")
        XCTAssertEqual(proxies.clientAddress(peer: "127.0.0.1", forwarded: [], forwardedFor: ["unknown"]), "127.0.0.1")
        XCTAssertEqual(TrustedProxies().clientAddress(peer: "127.0.0.1", forwarded: [], forwardedFor: ["198.51.100.1"]), "127.0.0.1")
    }

    func testSettingsReadProxiesAndTheMetricsToken() throws {
        let s = try KefuSettings.from(environment: ["KEFU_TRUSTED_PROXIES": "10.0.0.0/8 fd00::/8", "KEFU_METRICS_TOKEN": "metrics-token-0123456789"])
        XCTAssertEqual(s.trustedProxies.ranges.count, 2)
        XCTAssertEqual(s.metricsToken, "metrics-token-0123456789")
        XCTAssertThrowsError(try KefuSettings.from(environment: ["KEFU_METRICS_TOKEN": "short"]))
    }

    func testWrongPasswordsSlowThatAddressDownProgressivelyAndNeverAnother() {
        var throttle = LoginThrottle(free: 5, windowSeconds: 900)
        let attacker = LoginThrottle.key(account: "Owner@Shop.test", address: "203.0.113.9")
        let owner = LoginThrottle.key(account: "owner@shop.test", address: "198.51.100.1")
        var t = 1000.0
        for _ in 0..<5 {
            XCTAssertEqual(throttle.check(attacker, now: t), .allowed)
            throttle.failed(attacker, now: t)
            t += 0.1
        }
        // the sixth guess waits 1 s, then 2 s, 4 s, …
        XCTAssertEqual(throttle.check(attacker, now: t), .refused(retryAfter: 1))
        throttle.failed(attacker, now: t + 1)
        XCTAssertEqual(throttle.check(attacker, now: t + 2), .refused(retryAfter: 1))
        XCTAssertEqual(throttle.check(attacker, now: t + 3.1), .allowed)
        for k in 0..<20 { throttle.failed(attacker, now: t + 4 + Double(k)) }
        XCTAssertEqual(throttle.check(attacker, now: t + 30), .refused(retryAfter: 893))   // capped at the window (900 s after the last)
        // the owner, from their own address, is not slowed at all
        XCTAssertEqual(throttle.check(owner, now: t + 30), .allowed)
        // the window forgets
        XCTAssertEqual(throttle.check(attacker, now: t + 30 + 900), .allowed)
        throttle.succeeded(attacker)
        XCTAssertEqual(throttle.trackedKeys, 0)
    }
}
