import Foundation
import KefuCore
import NIOConcurrencyHelpers

/// Sign-in rate limits: all attempts per client address, failed attempts per account.
/// Kept in the process; with several instances each enforces its own window
/// (see docs/decisions.md).
final class LoginLimiter: Sendable {
    private let perIP: NIOLockedValueBox<SlidingWindowLimiter>
    private let perAccount: NIOLockedValueBox<SlidingWindowLimiter>

    init(perIP: KefuSettings.RateLimit, perAccount: KefuSettings.RateLimit) {
        self.perIP = .init(SlidingWindowLimiter(limit: perIP.limit, windowSeconds: perIP.windowSeconds))
        self.perAccount = .init(SlidingWindowLimiter(limit: perAccount.limit, windowSeconds: perAccount.windowSeconds))
    }

    /// Counts an attempt from `ip` and refuses it when either limit is reached.
    func attempt(ip: String, email: String, now: Date) throws(DomainError) {
        let t = now.timeIntervalSince1970
        let accountDecision = perAccount.withLockedValue { $0.check(email, now: t) }
        let ipDecision = perIP.withLockedValue { $0.hit(ip, now: t) }
        for decision in [ipDecision, accountDecision] {
            if case .refused(let retryAfter) = decision {
                throw DomainError(.rateLimited, code: "rate_limited",
                                  message: "too many sign-in attempts; try again in \(retryAfter) seconds",
                                  retryAfter: retryAfter)
            }
        }
    }

    func failed(email: String, now: Date) {
        perAccount.withLockedValue { $0.record(email, now: now.timeIntervalSince1970) }
    }

    func succeeded(email: String) {
        perAccount.withLockedValue { $0.reset(email) }
    }
}
