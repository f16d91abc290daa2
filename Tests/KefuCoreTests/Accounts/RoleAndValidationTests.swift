import KefuCore
import XCTest

final class RoleAndValidationTests: XCTestCase {
    func testRolesAreOrdered() {
        XCTAssertTrue(Role.owner > .admin && Role.admin > .supervisor && Role.supervisor > .agent)
        XCTAssertTrue(Role.admin.canAdminister)
        XCTAssertFalse(Role.supervisor.canAdminister)
    }

    func testRolePolicy() {
        XCTAssertNoThrow(try RolePolicy.checkAssign(actor: .admin, current: nil, wanted: .agent))
        XCTAssertNoThrow(try RolePolicy.checkAssign(actor: .owner, current: .admin, wanted: .owner))
        XCTAssertThrowsError(try RolePolicy.checkAssign(actor: .admin, current: nil, wanted: .owner))
        XCTAssertThrowsError(try RolePolicy.checkAssign(actor: .admin, current: .owner, wanted: .agent))
        XCTAssertThrowsError(try RolePolicy.checkAssign(actor: .supervisor, current: nil, wanted: .agent))
        XCTAssertThrowsError(try RolePolicy.checkEdit(actor: .admin, target: .owner))
        XCTAssertNoThrow(try RolePolicy.checkEdit(actor: .owner, target: .owner))
    }

    func testEmail() throws {
        XCTAssertEqual(try Validate.email("  Mei@Shop.Example "), "mei@shop.example")
        for bad in ["", "mei", "mei@", "@shop.com", "mei@shop", "m ei@shop.com", "a@b@c.com", "<a>@b.com"] {
            XCTAssertThrowsError(try Validate.email(bad), bad) { XCTAssertEqual(($0 as! DomainError).field, "email") }
        }
    }

    func testPasswordLengthInBytesNotCharacters() throws {
        XCTAssertNoThrow(try Validate.password(String(repeating: "a", count: 72)))
        XCTAssertThrowsError(try Validate.password(String(repeating: "a", count: 73)))
        XCTAssertNoThrow(try Validate.password(String(repeating: "密", count: 24)))   // 72 bytes
        XCTAssertThrowsError(try Validate.password(String(repeating: "密", count: 25))) { error in
            XCTAssertTrue((error as! DomainError).message.contains("75 bytes"))
        }
        XCTAssertThrowsError(try Validate.password("short"))
    }

    func testNamesAndNumbers() throws {
        XCTAssertEqual(try Validate.name("  小美 ", field: "displayName"), "小美")
        XCTAssertThrowsError(try Validate.name(" ", field: "displayName"))
        XCTAssertThrowsError(try Validate.name("a\u{0007}b", field: "displayName"))
        XCTAssertThrowsError(try Validate.name(String(repeating: "x", count: 81), field: "displayName"))
        XCTAssertEqual(try Validate.agentNumber(8), 8)
        XCTAssertThrowsError(try Validate.agentNumber(0))
        XCTAssertThrowsError(try Validate.agentNumber(10_000))
        XCTAssertNil(try Validate.optionalText("  ", field: "d", limit: 5))
    }
}
