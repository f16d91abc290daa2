import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import Vapor

/// Forms over HTTP: definitions for the team, and the public side — the page, the form's
/// definition, submissions (multipart) and the customer's lookup — limited per address.
struct FormsController {
    /// A whole submission: several phone photos of up to 5 MiB each.
    static let maxSubmissionBytes = 24 * 1024 * 1024
    static let maxParts = 80
    let submitLimiter = NIOLockedValueBox(SlidingWindowLimiter(limit: 5, windowSeconds: 600))
    let lookupLimiter = NIOLockedValueBox(SlidingWindowLimiter(limit: 20, windowSeconds: 600))

    // MARK: the team

    func list(_ req: Request) async throws -> FormListDTO {
        let principal = try req.requirePrincipal()
        return FormListDTO(forms: try await req.application.forms.list(principal.accountID).map(FormDTO.init))
    }

    func get(_ req: Request) async throws -> FormDTO {
        let principal = try req.requirePrincipal()
        return FormDTO(try await req.application.forms.find(try Self.id(req), accountID: principal.accountID))
    }

    func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(CreateFormRequest.self)
        let form = try await req.application.forms.create(input, by: principal, ip: req.clientIP)
        return try await FormDTO(form).encodeResponse(status: .created, for: req)
    }

    func update(_ req: Request) async throws -> FormDTO {
        let principal = try req.requirePrincipal()
        let input = try req.decodeStrict(UpdateFormRequest.self)
        return FormDTO(try await req.application.forms.update(try Self.id(req), input, by: principal, ip: req.clientIP))
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let principal = try req.requirePrincipal()
        try await req.application.forms.delete(try Self.id(req), by: principal, ip: req.clientIP)
        return .noContent
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw DomainError.notFound("form") }
        return id
    }

    // MARK: the public side

    /// `/forms/{key}`: the page (`Public/forms/page.html`), which draws the form from its definition.
    func page(_ req: Request) async throws -> Response {
        let found = try? await req.application.forms.published(req.parameters.get("key") ?? "")
        let path = req.application.kefu.resourcesDirectory + "/Public/forms/page.html"
        guard let html = FileManager.default.contents(atPath: path) else { throw Abort(.notFound, reason: "the form page is missing") }
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return Response(status: found == nil ? .notFound : .ok, headers: headers, body: .init(data: html))
    }

    func definition(_ req: Request) async throws -> PublicFormDTO {
        let form = try await req.application.forms.published(req.parameters.get("key") ?? "")
        let shop = try await Account.query(on: req.db).filter(\.$id == form.accountID).first()
        return PublicFormDTO(key: form.key, name: form.name, kind: form.kind, intro: form.intro, shopName: shop?.name ?? "",
                             fields: form.fields, honeypot: FormRules.honeypot, maxPictureBytes: ChatLimits.maxUploadBytes)
    }

    func submit(_ req: Request) async throws -> Response {
        let form = try await req.application.forms.published(req.parameters.get("key") ?? "")
        try Self.limit(submitLimiter, req, what: "submissions")
        let parts = try Self.parts(req)
        let locale = UILocale.negotiate(explicit: parts.first { $0.name == "locale" }.map { String(decoding: $0.bytes, as: UTF8.self) },
                                        acceptLanguage: req.headers.first(name: .acceptLanguage))
        let ticket = try await req.application.forms.submit(form, parts: parts, locale: locale)
        let receipt = FormReceiptDTO(number: ticket.numberText, status: ticket.status, lookupUrl: "\(form.publicPath)?number=\(ticket.numberText)")
        return try await receipt.encodeResponse(status: .created, for: req)
    }

    func lookup(_ req: Request) async throws -> FormLookupDTO {
        let form = try await req.application.forms.published(req.parameters.get("key") ?? "")
        try Self.limit(lookupLimiter, req, what: "lookups")
        let input = try req.decodeStrict(FormLookupRequest.self)
        return try await req.application.forms.lookup(form, number: input.number, contact: input.contact)
    }

    static func limit(_ limiter: NIOLockedValueBox<SlidingWindowLimiter>, _ req: Request, what: String) throws {
        let key = req.clientIP ?? "unknown"
        if case .refused(let retry) = limiter.withLockedValue({ $0.hit(key, now: req.now.timeIntervalSince1970) }) {
            throw DomainError(.rateLimited, code: "rate_limited", message: "too many \(what) from this address; try again in \(retry) seconds", retryAfter: retry)
        }
    }

    /// The parts of a `multipart/form-data` body: name, file name (for files) and bytes.
    static func parts(_ req: Request) throws -> [Forms.Part] {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], !boundary.isEmpty else {
            throw DomainError(.invalid, code: "invalid_body", message: "send the form as multipart/form-data")
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DomainError(.invalid, code: "invalid_body", message: "the submission is empty")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Forms.Part] = []
        var headers = HTTPHeaders()
        var bytes: [UInt8] = []
        var tooMany = false
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in bytes += chunk.readBytes(length: chunk.readableBytes) ?? [] }
        parser.onPartComplete = {
            if parts.count >= maxParts { tooMany = true } else {
                let disposition = headers.contentDisposition
                parts.append(Forms.Part(name: disposition?.name ?? "", filename: disposition?.filename, bytes: bytes))
            }
            headers = HTTPHeaders()
            bytes = []
        }
        do { try parser.execute(body) } catch {
            throw DomainError(.invalid, code: "invalid_body", message: "the multipart/form-data body cannot be read")
        }
        guard !tooMany else { throw DomainError(.invalid, code: "invalid_body", message: "a submission has at most \(maxParts) parts") }
        for part in parts where part.name.isEmpty || part.name.count > 64 {
            throw DomainError(.invalid, code: "invalid_body", message: "every part needs a form-data name of at most 64 characters")
        }
        return parts
    }
}
