/// An error of the domain with a stable machine-readable code, a human message
/// and, where it applies, the input field it is about. The server maps the
/// `kind` to an HTTP status; the CLI prints the message.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case invalid        // 400: the input is wrong
        case unauthorized   // 401: not signed in or wrong credentials
        case forbidden      // 403: signed in, but not allowed
        case notFound       // 404
        case conflict       // 409: clashes with something stored
        case tooLarge       // 413
        case rateLimited    // 429
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds after which a rate-limited request may be retried.
    public var retryAfter: Int?
    /// Every bad field of a form-like input, when more than one is reported at once (the first
    /// is also `field` / `message`).
    public var problems: [FieldProblem] = []

    public init(_ kind: Kind, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// All the problems of one input, reported together; nil when there are none.
    public static func invalid(_ problems: [FieldProblem]) -> DomainError? {
        guard let first = problems.first else { return nil }
        var error = DomainError.invalid(first.field, first.message)
        error.problems = problems
        return error
    }

    public static func invalid(_ field: String, _ message: String) -> DomainError {
        DomainError(.invalid, code: "invalid_field", message: message, field: field)
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, code: "not_found", message: "\(what) not found")
    }

    public static func forbidden(_ message: String) -> DomainError {
        DomainError(.forbidden, code: "forbidden", message: message)
    }

    public static func conflict(_ field: String?, _ message: String) -> DomainError {
        DomainError(.conflict, code: "conflict", message: message, field: field)
    }
}

/// One bad field of an input and what is wrong with it.
public struct FieldProblem: Equatable, Sendable, Codable {
    public var field: String
    /// What is wrong, for a page to say in its own language: `required`, `too_long`, `invalid`, …
    public var code: String
    public var message: String

    public init(field: String, code: String = "invalid", message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}
