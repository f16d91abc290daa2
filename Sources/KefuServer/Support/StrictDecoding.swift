import Foundation
import KefuCore
import Vapor

/// A request body whose top-level fields are checked against a known list, so a
/// misspelt field in an admin update is refused instead of silently ignored.
protocol StrictContent: Decodable {
    static var allowedFields: Set<String> { get }
}

enum DecodingErrorMapper {
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func domainError(_ error: DecodingError) -> DomainError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalid(field, "\(field.isEmpty ? "body" : field) must be \(describe(type))")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .invalid(field, "\(field) must be \(describe(type)), not null")
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid(field, "\(field) is required")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty { return DomainError(.invalid, code: "malformed_json", message: "the body is not valid JSON") }
            return .invalid(field, "\(field) has an invalid value: \(context.debugDescription)")
        @unknown default:
            return DomainError(.invalid, code: "bad_request", message: "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("String") { return "a string" }
        if name.contains("Int") { return "an integer" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("Double") { return "a number" }
        if name.contains("Array") { return "an array" }
        if name.contains("UUID") { return "a UUID" }
        if name.contains("Dictionary") { return "an object" }
        return "a value of type \(name)"
    }
}

extension Request {
    /// Decodes a JSON object body, refusing fields `T` does not know, with errors naming the field.
    func decodeStrict<T: StrictContent>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw DomainError(.invalid, code: "missing_body", message: "a JSON object body is required")
        }
        let data = Data(buffer.readableBytesView)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw DomainError(.invalid, code: "malformed_json", message: "the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw DomainError(.invalid, code: "malformed_json", message: "the body must be a JSON object")
        }
        if let unknown = dictionary.keys.filter({ !T.allowedFields.contains($0) }).sorted().first {
            throw DomainError(.invalid, code: "unknown_field",
                              message: "unknown field '\(unknown)'; allowed: \(T.allowedFields.sorted().joined(separator: ", "))",
                              field: unknown)
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom(ISODates.decode)
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DecodingErrorMapper.domainError(error)
        }
    }
}

/// ISO-8601 times in request bodies, with or without fractional seconds
/// ("2026-11-22T10:00:00Z", "2026-11-22T10:00:00.250+08:00").
enum ISODates {
    static func decode(_ decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if let date = parse(text) { return date }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO-8601 time like 2026-11-22T10:00:00+08:00")
    }

    /// `2026-11-22T02:00:00Z` (UTC, whole seconds): how Kefu writes times into texts.
    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
