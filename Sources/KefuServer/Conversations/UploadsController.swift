import Fluent
import Foundation
import KefuCore
import Vapor

/// Image uploads for chat messages and serving them back. An attachment's id has
/// 192 random bits and works as a capability: the widget and the workbench show
/// images with plain `<img src>`, which cannot carry credentials.
struct UploadsController {
    static let bodyLimit: ByteCount = ByteCount(value: ChatLimits.maxUploadBytes + 1024)

    func uploadForAgent(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let uploader = principal.actorID else { throw DomainError.forbidden("uploads need a member or a token") }
        return try await Self.store(req, accountID: principal.accountID, uploaderType: "agent", uploaderID: uploader)
    }

    static func store(_ req: Request, accountID: UUID, uploaderType: String, uploaderID: UUID) async throws -> Response {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw DomainError(.invalid, code: "attachment_invalid", message: "send the image as the request body")
        }
        guard body.readableBytes <= ChatLimits.maxUploadBytes else {
            throw DomainError(.tooLarge, code: "attachment_invalid", message: "an image may have at most \(ChatLimits.maxUploadBytes / 1024 / 1024) MiB")
        }
        let bytes = Array(body.readableBytesView)
        guard let kind = ImageSniffer.sniff(bytes) else {
            throw DomainError(.invalid, code: "attachment_invalid", message: "only PNG, JPEG, GIF and WebP images can be sent")
        }
        let requested = req.query[String.self, at: "name"].map { String($0.prefix(120)) }
        let name = Self.safeName(requested, kind: kind)
        let attachment = Attachment()
        attachment.id = SecureToken.make(bytes: 24, prefix: "att_")
        attachment.accountID = accountID
        attachment.uploaderType = uploaderType
        attachment.uploaderID = uploaderID
        attachment.name = name
        attachment.contentType = kind.rawValue
        attachment.size = bytes.count
        attachment.data = Data(bytes)
        try await attachment.create(on: req.db)
        let dto = AttachmentDTO(id: attachment.id!, name: name, contentType: kind.rawValue, size: bytes.count,
                                url: AttachmentDTO.url(for: attachment.id!, accountID: accountID))
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// A file name without path parts or control characters, ending in the sniffed type.
    static func safeName(_ raw: String?, kind: ImageSniffer.Kind) -> String {
        let base = (raw ?? "image").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "image"
        let cleaned = String(base.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) && $0 != "\"" })
        let stem = cleaned.split(separator: ".").dropLast().joined(separator: ".")
        let name = (stem.isEmpty ? (cleaned.isEmpty ? "image" : cleaned) : stem)
        return String(name.prefix(100)) + "." + kind.fileExtension
    }

    func download(_ req: Request) async throws -> Response {
        guard let accountID = req.parameters.get("accountID", as: UUID.self),
              let id = req.parameters.get("id"), id.hasPrefix("att_"), id.count < 80,
              let attachment = try await Attachment.query(on: req.db).filter(\.$accountID == accountID).filter(\.$id == id).first() else {
            throw DomainError.notFound("attachment")
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        let inline = ImageSniffer.Kind(rawValue: attachment.contentType) != nil
        let encodedName = attachment.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "image"
        headers.replaceOrAdd(name: .contentDisposition, value: "\(inline ? "inline" : "attachment"); filename*=UTF-8''\(encodedName)")
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=31536000, immutable")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        headers.replaceOrAdd(name: "Cross-Origin-Resource-Policy", value: "cross-origin")
        return Response(status: .ok, headers: headers, body: .init(data: attachment.data))
    }
}
