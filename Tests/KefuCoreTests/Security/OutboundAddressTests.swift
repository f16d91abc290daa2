import KefuCore
import XCTest

final class OutboundAddressTests: XCTestCase {
    func testInternalAddressesAreRecognised() {
        for address in ["127.0.0.1", "127.1.2.3", "10.0.0.8", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "[::1]", "::", "fe80::1", "fd00::1",
                        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "ff02::1"] {
            XCTAssertTrue(OutboundAddress.isInternal(address), address)
        }
    }

    func testPublicAddressesAndNamesAreNot() {
        for address in ["8.8.8.8", "172.32.0.1", "172.15.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888",
                        "::ffff:8.8.8.8", "shop.example.com", "1.2.3", "256.1.1.1", "01.2.3.4x"] {
            XCTAssertFalse(OutboundAddress.isInternal(address), address)
        }
        XCTAssertTrue(OutboundAddress.isInternalName("localhost"))
        XCTAssertTrue(OutboundAddress.isInternalName("db.internal"))
        XCTAssertTrue(OutboundAddress.isInternalName("printer.local."))
        XCTAssertFalse(OutboundAddress.isInternalName("shop.example.com"))
    }
}
