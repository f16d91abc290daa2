import Foundation
import KefuCore
import Vapor

extension DomainError: AbortError {
    public var status: HTTPResponseStatus {
        switch kind {
        case .invalid: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .payloadTooLarge
        case .rateLimited: .tooManyRequests
        }
    }
    public var reason: String { message }
    public var headers: HTTPHeaders {
        var h = HTTPHeaders()
        if let retryAfter { h.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return h
    }
}

/// The JSON error body every failing request gets.
struct ErrorBody: Content {
    struct Detail: Content {
        var code: String
        var message: String
        var field: String?
        /// Every bad field, when an input reports several at once (a public form).
        var fields: [FieldProblem]? = nil
    }
    var error: Detail
}

/// Turns every error into `{"error": {code, message, field}}` with a fitting status.
/// Bad input never becomes a 500; real 5xx are logged as errors without leaking details.
struct KefuErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let status: HTTPResponseStatus
        var headers = HTTPHeaders()
        let detail: ErrorBody.Detail
        switch error {
        case let domain as DomainError:
            status = domain.status
            headers = domain.headers
            detail = .init(code: domain.code, message: domain.message, field: domain.field, fields: domain.problems.isEmpty ? nil : domain.problems)
        case let decoding as DecodingError:
            let mapped = DecodingErrorMapper.domainError(decoding)
            status = .badRequest
            detail = .init(code: mapped.code, message: mapped.message, field: mapped.field)
        case let abort as any AbortError:
            status = abort.status
            headers = abort.headers
            detail = .init(code: code(for: abort.status), message: abort.reason, field: nil)
        default:
            status = .internalServerError
            detail = .init(code: "internal_error", message: "Something went wrong on the server; it has been logged.", field: nil)
        }
        if status.code >= 500 {
            request.logger.error("request failed", metadata: ["error": "\(logBounded(String(reflecting: error), limit: 1000))", "path": "\(logBounded(request.url.path))"])
        } else {
            request.logger.debug("request refused", metadata: ["status": "\(status.code)", "reason": "\(logBounded(detail.message))"])
        }
        let response = Response(status: status, headers: headers)
        do {
            try response.content.encode(ErrorBody(error: detail), using: errorEncoder)
        } catch {
            response.body = .init(string: "{\"error\":{\"code\":\"internal_error\",\"message\":\"encoding failed\"}}")
        }
        return response
    }

    static let errorEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func code(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 429: "rate_limited"
        default: status.code >= 500 ? "internal_error" : "error"
        }
    }
}
