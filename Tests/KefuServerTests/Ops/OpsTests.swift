import Foundation
import KefuCore
@testable import KefuServer
import Vapor
import XCTVapor
import XCTest

final class OpsTests: XCTestCase {
    func testHealthAndReady() async throws {
        let app = try await TestApp.make(for: self)
        let health = try await app.send(.GET, "/health")
        XCTAssertEqual(health.status, .ok)
        XCTAssertEqual(try health.content.decode(OpsController.Health.self).version, KefuVersion.string)
        let ready = try await app.send(.GET, "/ready")
        XCTAssertEqual(ready.status, .ok)
        XCTAssertEqual(try ready.content.decode(OpsController.Readiness.self).status, "ready")
    }

    func testMetricsAreInPrometheusFormatWithRequestsLatenciesAndDatabase() async throws {
        let app = try await TestApp.make(for: self)
        _ = try await app.send(.GET, "/health")
        let metrics = try await app.send(.GET, "/metrics")
        XCTAssertEqual(metrics.status, .ok)
        XCTAssertEqual(metrics.headers.contentType?.subType, "plain")
        let text = metrics.body.string
        XCTAssertTrue(text.contains("# TYPE http_requests_total counter"), text)
        XCTAssertTrue(text.contains("http_request_duration_seconds_bucket"), text)
        XCTAssertTrue(text.contains("kefu_db_up"), text)
        XCTAssertTrue(text.contains("kefu_db_ping_seconds"), text)
        XCTAssertTrue(text.contains("kefu_db_pool_connections_per_event_loop"), text)
    }

    func testOpenAPIDocumentDescribesEveryAPIRouteAndNothingElse() async throws {
        // setup
        let app = try await TestApp.make(for: self)
        let response = try await app.send(.GET, "/api/openapi.json")
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        // act
        var registered = Set<String>()
        for route in app.routes.all where route.path.first?.description == "api" {
            let path = "/" + route.path.map { component -> String in
                if case .parameter(let name) = component { return "{\(name)}" }
                return component.description
            }.joined(separator: "/")
            registered.insert("\(route.method.rawValue) \(path)")
        }
        // check
        XCTAssertEqual(registered.subtracting(documented).sorted(), [], "routes missing from the OpenAPI document")
        XCTAssertEqual(documented.subtracting(registered).sorted(), [], "documented operations with no route")
    }

    func testUnknownPathsAnswerJSON404() async throws {
        let app = try await TestApp.make(for: self)
        let response = try await app.send(.GET, "/api/v1/nothing-here")
        XCTAssertEqual(response.status, .notFound)
        XCTAssertEqual(response.errorCode, "not_found")
    }

    func testSecurityHeaders() async throws {
        let app = try await TestApp.make(for: self)
        let response = try await app.send(.GET, "/")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.headers.first(name: "X-Content-Type-Options"), "nosniff")
        XCTAssertNotNil(response.headers.first(name: "Content-Security-Policy"))
        XCTAssertTrue(response.body.string.contains("<script type=\"module\""))
    }

    func testCORSOnlyForConfiguredOrigins() async throws {
        let app = try await TestApp.make(for: self) { $0.corsOrigins = ["https://shop.example"] }
        let allowed = try await app.send(.OPTIONS, "/api/v1/agents",
                                         headers: ["Origin": "https://shop.example", "Access-Control-Request-Method": "GET"])
        XCTAssertEqual(allowed.headers.first(name: .accessControlAllowOrigin), "https://shop.example")
        let other = try await app.send(.OPTIONS, "/api/v1/agents",
                                       headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "GET"])
        XCTAssertNotEqual(other.headers.first(name: .accessControlAllowOrigin), "https://evil.example")
        let plain = try await TestApp.make(for: self)
        let none = try await plain.send(.GET, "/api/v1/agents", headers: ["Origin": "https://shop.example"])
        XCTAssertNil(none.headers.first(name: .accessControlAllowOrigin))
        // the widget's endpoints and the public catalogue are open to any origin, without credentials
        let open = try await plain.send(.GET, "/api/v1/i18n", headers: ["Origin": "https://shop.example"])
        XCTAssertEqual(open.headers.first(name: .accessControlAllowOrigin), "*")
    }
}
