import Vapor

/// Serves `Public/` for paths that can name a file, and leaves every other request to the
/// router without touching the file system: API paths, and paths with a segment longer than a
/// file name may be (255 bytes) or with a NUL. A 300-byte segment used to reach `stat`, fail
/// with "File name too long" and become a 500 with the whole path in an ERROR line.
struct StaticFilesMiddleware: AsyncMiddleware {
    static let maxSegmentBytes = 255
    static let maxPathBytes = 1024
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: "index.html")
    }

    static func mayNameAFile(_ path: String) -> Bool {
        guard path.utf8.count <= maxPathBytes, !path.hasPrefix("/api/"), !path.contains("\0") else { return false }
        return !path.split(separator: "/").contains { $0.utf8.count > maxSegmentBytes }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.mayNameAFile(request.url.path) else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
