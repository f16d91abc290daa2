import Foundation
import KefuCore
import NIOConcurrencyHelpers

/// Sign-in limits: all attempts per client address (`KEFU_LOGIN_LIMIT_IP`), and failed
/// attempts per account and address, slowing down progressively past the free ones
/// (`KEFU_LOGIN_LIMIT_ACCOUNT`, ``LoginThrottle``). Kept in the process; with several
/// instances each enforces its own (see docs/decisions.md).
final class LoginLimiter: Sendable {
    private let perIP: NIOLockedValueBox<SlidingWindowLimiter>
    private let perAccount: NIOLockedValueBox<LoginThrottle>

    init(perIP: KefuSettings.RateLimit, perAccount: KefuSettings.RateLimit) {
        self.perIP = .init(SlidingWindowLimiter(limit: perIP.limit, windowSeconds: perIP.windowSeconds))
        self.perAccount = .init(LoginThrottle(free: perAccount.limit, windowSeconds: perAccount.windowSeconds))
    }

    /// Counts an attempt from `ip` and refuses it when the address is over its limit or this
    /// account's guesses from this address must still wait.
    func attempt(ip: String, email: String, now: Date) throws(DomainError) {
        let t = now.timeIntervalSince1970
        let accountDecision = perAccount.withLockedValue { $0.check(LoginThrottle.key(account: email, address: ip), now: t) }
        let ipDecision = perIP.withLockedValue { $0.hit(ip, now: t) }
        for decision in [ipDecision, accountDecision] {
            if case .refused(let retryAfter) = decision {
                throw DomainError(.rateLimited, code: "rate_limited",
                                  message: "too many sign-in attempts; try again in \(retryAfter) seconds",
                                  retryAfter: retryAfter)
            }
        }
    }

    func failed(ip: String, email: String, now: Date) {
        perAccount.withLockedValue { $0.failed(LoginThrottle.key(account: email, address: ip), now: now.timeIntervalSince1970) }
    }

    func succeeded(ip: String, email: String) {
        perAccount.withLockedValue { $0.succeeded(LoginThrottle.key(account: email, address: ip)) }
    }
}
