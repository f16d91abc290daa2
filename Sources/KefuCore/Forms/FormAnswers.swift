import Foundation

/// A picture sent with a form: its field, its size and the type its bytes show.
public struct FormPicture: Sendable, Equatable {
    public var field: String
    public var size: Int
    public var kind: ImageSniffer.Kind?

    public init(field: String, size: Int, kind: ImageSniffer.Kind?) {
        self.field = field
        self.size = size
        self.kind = kind
    }
}

/// A checked submission: who sent it, what it says, and the ticket it becomes.
public struct FormSubmission: Sendable, Equatable {
    public var name: String?
    public var phone: String?
    public var email: String?
    public var orderNumbers: [String]
    public var subject: String
    /// The answers as the team reads them: "label: value" per answered field, in the form's order.
    public var description: String
}

/// The rules of a submission. Every bad field is reported at once (``FieldProblem``s in one
/// ``DomainError``), so a customer on a phone fixes them in one pass; a picture over the size
/// limit is a 413 of its own.
public enum FormAnswers {
    public static let maxText = 200
    public static let maxLongText = 4000
    public static let maxOrderNumber = 64
    public static let maxName = 60

    /// `values`: the text parts by field key (a key sent twice is an error); `pictures` in the
    /// order they came; `honeypot`: the hidden field's value.
    public static func check(form name: String, fields: [FormField], values: [String: [String]], pictures: [FormPicture],
                             honeypot: String?) throws(DomainError) -> FormSubmission {
        if let honeypot, !honeypot.isEmpty {
            throw DomainError(.invalid, code: "form_rejected", message: "the submission was refused: leave the hidden field \(FormRules.honeypot) empty",
                              field: FormRules.honeypot)
        }
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ code: String, _ message: String) { problems.append(FieldProblem(field: field, code: code, message: message)) }
        let byKey = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })
        for key in values.keys.sorted() where byKey[key] == nil || byKey[key]?.kind == .pictures {
            problem(key, byKey[key] == nil ? "unknown_field" : "wrong_kind", byKey[key] == nil ? "the form has no field '\(key)'" : "\(key) takes pictures, not text")
        }
        for key in Set(pictures.map(\.field)).sorted() where byKey[key]?.kind != .pictures {
            problem(key, byKey[key] == nil ? "unknown_field" : "wrong_kind", byKey[key] == nil ? "the form has no field '\(key)'" : "\(key) takes text, not pictures")
        }
        for picture in pictures where picture.size > ChatLimits.maxUploadBytes {
            throw DomainError(.tooLarge, code: "attachment_invalid",
                              message: "\(picture.field): a picture may have at most \(ChatLimits.maxUploadBytes / 1024 / 1024) MiB", field: picture.field)
        }
        var submission = FormSubmission(name: nil, phone: nil, email: nil, orderNumbers: [], subject: name, description: "")
        var lines: [String] = []
        var firstText: String?
        for field in fields {
            let label = field.label
            if field.kind == .pictures {
                let mine = pictures.filter { $0.field == field.key }
                if mine.contains(where: { $0.kind == nil }) {
                    problem(field.key, "picture_type", "\(label): only PNG, JPEG, GIF and WebP pictures can be sent")
                }
                if mine.count > (field.maxPictures ?? FormRules.defaultPictures) {
                    problem(field.key, "too_many_pictures", "\(label): at most \(field.maxPictures ?? FormRules.defaultPictures) pictures")
                }
                if field.required && mine.isEmpty { problem(field.key, "required", "\(label) is required") }
                continue
            }
            let given = values[field.key] ?? []
            if given.count > 1 { problem(field.key, "repeated", "\(label) was sent \(given.count) times"); continue }
            let raw = (given.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if raw.isEmpty {
                if field.required { problem(field.key, "required", "\(label) is required") }
                continue
            }
            if raw.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
                problem(field.key, "invalid", "\(label) must not contain control characters"); continue
            }
            var value = raw
            switch field.kind {
            case .text:
                guard !raw.contains(where: \.isNewline) else { problem(field.key, "one_line", "\(label) is one line"); continue }
                guard raw.count <= maxText else { problem(field.key, "too_long", "\(label) has at most \(maxText) characters"); continue }
                if firstText == nil { firstText = raw }
            case .longText:
                guard raw.count <= maxLongText else { problem(field.key, "too_long", "\(label) has at most \(maxLongText) characters"); continue }
                value = raw.replacingOccurrences(of: "\r\n", with: "\n")
                if firstText == nil { firstText = value }
            case .choice:
                guard field.options.contains(raw) else {
                    problem(field.key, "not_an_option", "\(label) must be one of: \(field.options.joined(separator: ", "))"); continue
                }
            case .orderNumber:
                guard raw.count <= maxOrderNumber,
                      raw.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" }) else {
                    problem(field.key, "invalid_order_number", "\(label) is an order number: up to \(maxOrderNumber) letters, digits, - and _"); continue
                }
                submission.orderNumbers.append(raw)
            case .name:
                guard raw.count <= maxName, !raw.contains(where: \.isNewline) else {
                    problem(field.key, "too_long", "\(label) has at most \(maxName) characters on one line"); continue
                }
                submission.name = raw
            case .phone:
                guard let phone = phone(raw) else {
                    problem(field.key, "invalid_phone", "\(label) is not a phone number (digits, with + - ( ) and spaces; 5–20 digits)"); continue
                }
                submission.phone = phone
                value = phone
            case .email:
                do { submission.email = try Validate.email(raw, field: field.key) } catch {
                    problem(field.key, "invalid_email", "\(label) is not an e-mail address"); continue
                }
                value = submission.email!
            case .pictures:
                continue
            }
            lines.append(value.contains("\n") ? "\(label):\n\(value)" : "\(label): \(value)")
        }
        if let error = DomainError.invalid(problems) { throw error }
        submission.description = lines.joined(separator: "\n")
        if let firstText {
            let line = firstText.split(whereSeparator: \.isNewline).first.map(String.init) ?? firstText
            let summary = line.count > 60 ? String(line.prefix(59)) + "…" : line
            // A Chinese, Japanese or Korean name takes the full-width colon: 在线报修：袖口开线了.
            let wide = name.unicodeScalars.contains { (0x2E80...0x9FFF).contains($0.value) || (0xAC00...0xD7AF).contains($0.value) }
            submission.subject = String("\(name)\(wide ? "：" : ": ")\(summary)".prefix(TicketEdit.maxSubject))
        }
        return submission
    }

    /// A phone number as typed, checked: digits with an optional leading +, 5–20 digits;
    /// spaces, dashes, dots and parentheses dropped.
    public static func phone(_ raw: String) -> String? {
        var out = ""
        for (i, ch) in raw.trimmingCharacters(in: .whitespaces).enumerated() {
            if ch.isASCII, ch.isNumber { out.append(ch) } else if ch == "+", i == 0 { out.append(ch) } else if " -().".contains(ch) { continue } else { return nil }
        }
        let digits = out.filter(\.isNumber).count
        return (5...20).contains(digits) ? out : nil
    }

    /// Whether the contact a customer types to look a ticket up is the one on the ticket: the
    /// same e-mail (any case), or the same phone number, with or without a country code of up
    /// to three digits (+86 138… and 138… are one number).
    public static func sameContact(_ typed: String, email: String?, phone: String?) -> Bool {
        let value = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.contains("@") {
            guard let email else { return false }
            return email.lowercased() == value.lowercased()
        }
        guard let stored = phone, let given = FormAnswers.phone(value) else { return false }
        let a = stored.filter(\.isNumber), b = given.filter(\.isNumber)
        if a == b { return true }
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        return short.count >= 7 && long.count - short.count <= 3 && long.hasSuffix(short)
    }
}
