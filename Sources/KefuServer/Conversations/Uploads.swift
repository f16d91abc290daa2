import Fluent
import Foundation
import KefuCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Visitors' uploads: quotas per visitor and per shop (an upload is free to send from the public
/// inbox key, so it needs limits of its own), and deleting those no message or ticket used
/// within a day.
enum Uploads {
    static let perVisitor = KefuSettings.RateLimit(limit: 20, windowSeconds: 3600)
    static let perShop = KefuSettings.RateLimit(limit: 600, windowSeconds: 3600)
    static let keepUnused: TimeInterval = 24 * 3600
    static let jobName = "uploads.prune"
    static let batch = 500

    /// The visitor's and the shop's quota for one more upload.
    final class Quota: Sendable {
        private let visitors = NIOLockedValueBox(SlidingWindowLimiter(limit: perVisitor.limit, windowSeconds: perVisitor.windowSeconds))
        private let shops = NIOLockedValueBox(SlidingWindowLimiter(limit: perShop.limit, windowSeconds: perShop.windowSeconds))

        func take(visitor: UUID, shop: UUID, now: Date) throws(DomainError) {
            let t = now.timeIntervalSince1970
            if case .refused(let retry) = visitors.withLockedValue({ $0.check(visitor.uuidString, now: t) }) {
                throw DomainError(.rateLimited, code: "rate_limited", message: "at most \(perVisitor.limit) images an hour; try again in \(retry) seconds",
                                  retryAfter: retry)
            }
            if case .refused(let retry) = shops.withLockedValue({ $0.hit(shop.uuidString, now: t) }) {
                throw DomainError(.rateLimited, code: "rate_limited", message: "the shop receives too many images right now; try again in \(retry) seconds",
                                  retryAfter: retry)
            }
            visitors.withLockedValue { $0.record(visitor.uuidString, now: t) }
        }
    }

    /// Deletes up to ``batch`` visitor uploads older than a day that nothing used; returns how many.
    @discardableResult
    static func prune(_ app: Application, now: Date) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        let cutoff = now.addingTimeInterval(-keepUnused)
        let rows = try await sql.raw("""
            SELECT id FROM attachments WHERE uploader_type = 'visitor' AND used_at IS NULL AND created_at < \(bind: cutoff) LIMIT \(unsafeRaw: String(batch))
            """).all()
        let ids = try rows.map { try $0.decode(column: "id", as: String.self) }
        guard !ids.isEmpty else { return 0 }
        // Checked again in the delete: a message may have used one since.
        try await Attachment.query(on: app.db).filter(\.$id ~~ ids).filter(\.$usedAt == nil).delete()
        return ids.count
    }
}
