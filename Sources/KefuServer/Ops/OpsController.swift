import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Health, readiness, metrics and the OpenAPI document.
struct OpsController {
    struct Health: Content {
        var status: String
        var version: String
    }

    struct Readiness: Content {
        var status: String
        var database: String
    }

    func health(_ req: Request) -> Health {
        Health(status: "ok", version: KefuVersion.string)
    }

    func ready(_ req: Request) async -> Response {
        let started = ContinuousClock.now
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1").all()
            let elapsed = started.duration(to: .now)
            req.application.kefu.recordDatabasePing(elapsed)
            return Self.json(Readiness(status: "ready", database: req.application.kefu.settings.database.isPostgres ? "postgresql" : "sqlite"), .ok)
        } catch {
            req.logger.warning("database not reachable", metadata: ["error": "\(error)"])
            return Self.json(Readiness(status: "unavailable", database: "unreachable"), .serviceUnavailable)
        }
    }

    /// Prometheus metrics; with `KEFU_METRICS_TOKEN` set, only for `Authorization: Bearer <token>`.
    func metrics(_ req: Request) async throws -> Response {
        if let token = req.application.kefu.settings.metricsToken {
            let given = req.headers.bearerAuthorization?.token ?? ""
            guard Self.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"kefu-metrics\"")
                throw DomainError(.unauthorized, code: "unauthorized", message: "the metrics need the bearer token set in KEFU_METRICS_TOKEN")
            }
        }
        let started = ContinuousClock.now
        let reachable = (try? await (req.db as! any SQLDatabase).raw("SELECT 1").all()) != nil
        req.application.kefu.recordDatabase(reachable: reachable, ping: started.duration(to: .now))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: MetricsRegistry.render()))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func openAPI(_ req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: req.application.kefu.openAPIDocument))
    }

    static func json<T: Encodable>(_ value: T, _ status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}
