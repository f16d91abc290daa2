import Foundation

/// What a shop's public form is for (seed 002, 售后服务: 在线反馈, 在线报修, 投诉).
public enum FormKind: String, Codable, Sendable, CaseIterable {
    case feedback, repair, complaint
}

/// The kinds of a form's fields. `name`, `phone` and `email` are the contact: they find or
/// create the customer, and `phone` / `email` let them look the ticket up later.
public enum FormFieldKind: String, Codable, Sendable, CaseIterable {
    case text
    case longText = "long_text"
    case choice
    case orderNumber = "order_number"
    case pictures
    case name, phone, email

    public var isContact: Bool { self == .name || self == .phone || self == .email }
}

/// One field of a form, as the shop defined it.
public struct FormField: Codable, Sendable, Equatable {
    public var key: String
    public var label: String
    public var kind: FormFieldKind
    public var required: Bool
    public var help: String?
    /// The choices of a `choice` field.
    public var options: [String]
    /// How many pictures a `pictures` field takes.
    public var maxPictures: Int?

    public init(key: String, label: String, kind: FormFieldKind, required: Bool = false, help: String? = nil,
                options: [String] = [], maxPictures: Int? = nil) {
        self.key = key
        self.label = label
        self.kind = kind
        self.required = required
        self.help = help
        self.options = options
        self.maxPictures = maxPictures
    }

    /// `required` defaults to false and `options` to none, so an editor sends only what it uses.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        label = try c.decode(String.self, forKey: .label)
        kind = try c.decode(FormFieldKind.self, forKey: .kind)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        help = try c.decodeIfPresent(String.self, forKey: .help)
        options = try c.decodeIfPresent([String].self, forKey: .options) ?? []
        maxPictures = try c.decodeIfPresent(Int.self, forKey: .maxPictures)
    }

    enum CodingKeys: String, CodingKey { case key, label, kind, required, help, options, maxPictures }
}

/// The rules of a form's definition. Every check throws a ``DomainError`` naming the field
/// (`fields[2].options`), so the editor can point at it.
public enum FormRules {
    public static let maxName = 60
    public static let maxIntro = 1000
    public static let maxFields = 20
    public static let maxLabel = 60
    public static let maxHelp = 200
    public static let maxOptions = 20
    public static let maxOptionLength = 60
    public static let maxPicturesPerField = 6
    public static let defaultPictures = 3
    /// The hidden field bots fill in and people never see.
    public static let honeypot = "kefu_website"

    public static func name(_ raw: String) throws(DomainError) -> String {
        try Validate.name(raw, field: "name", limit: maxName)
    }

    /// Trimmed; empty means none.
    public static func intro(_ raw: String?) throws(DomainError) -> String? {
        guard let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        guard value.count <= maxIntro else { throw .invalid("intro", "intro has at most \(maxIntro) characters") }
        return value
    }

    /// The fields, cleaned (labels and options trimmed, `maxPictures` defaulted), or the first
    /// problem. A form needs a required phone or e-mail field: it is how the customer looks the
    /// ticket up and how the team reaches them.
    public static func fields(_ raw: [FormField]) throws(DomainError) -> [FormField] {
        guard !raw.isEmpty else { throw .invalid("fields", "a form needs at least one field") }
        guard raw.count <= maxFields else { throw .invalid("fields", "a form has at most \(maxFields) fields") }
        var seen = Set<String>()
        var contactKinds = Set<FormFieldKind>()
        var clean: [FormField] = []
        for (i, input) in raw.enumerated() {
            let at = "fields[\(i)]"
            var field = input
            guard isKey(field.key) else {
                throw .invalid("\(at).key", "\(at).key must be 1–32 characters of a–z, 0–9 and _, starting with a letter; got '\(field.key)'")
            }
            guard field.key != honeypot, field.key != "locale" else { throw .invalid("\(at).key", "\(at).key '\(field.key)' is reserved") }
            guard seen.insert(field.key).inserted else { throw .invalid("\(at).key", "\(at).key '\(field.key)' is used twice") }
            field.label = try Validate.name(field.label, field: "\(at).label", limit: maxLabel)
            if let help = field.help?.trimmingCharacters(in: .whitespacesAndNewlines), !help.isEmpty {
                guard help.count <= maxHelp else { throw .invalid("\(at).help", "\(at).help has at most \(maxHelp) characters") }
                field.help = help
            } else {
                field.help = nil
            }
            if field.kind.isContact {
                guard contactKinds.insert(field.kind).inserted else {
                    throw .invalid("\(at).kind", "a form has at most one \(field.kind.rawValue) field")
                }
            }
            if field.kind == .choice {
                var options: [String] = []
                for (j, option) in field.options.enumerated() {
                    let value = try Validate.name(option, field: "\(at).options[\(j)]", limit: maxOptionLength)
                    guard !options.contains(value) else { throw .invalid("\(at).options", "\(at).options has '\(value)' twice") }
                    options.append(value)
                }
                guard (2...maxOptions).contains(options.count) else {
                    throw .invalid("\(at).options", "a choice field needs 2–\(maxOptions) options; got \(options.count)")
                }
                field.options = options
            } else {
                field.options = []
            }
            if field.kind == .pictures {
                let count = field.maxPictures ?? defaultPictures
                guard (1...maxPicturesPerField).contains(count) else {
                    throw .invalid("\(at).maxPictures", "\(at).maxPictures must be 1–\(maxPicturesPerField); got \(count)")
                }
                field.maxPictures = count
            } else {
                field.maxPictures = nil
            }
            clean.append(field)
        }
        guard clean.contains(where: { ($0.kind == .phone || $0.kind == .email) && $0.required }) else {
            throw .invalid("fields", "a form needs a required phone or email field, so the customer can look the ticket up and be reached")
        }
        return clean
    }

    static func isKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first), key.count <= 32 else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
