import Foundation
import KefuCore
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// Keeps webhooks off the shop's internal network: a URL whose host is, or resolves to, a
/// loopback, private or link-local address is refused (unless `KEFU_WEBHOOKS_ALLOW_PRIVATE`),
/// when it is saved and again before each delivery (the name may resolve elsewhere later).
/// The built-in demo platform on Kefu's own address is the one exception.
enum WebhookGuard {
    /// At save time: literal internal addresses and names (`localhost`, `*.local`).
    static func checkSaved(_ url: String, settings: KefuSettings) throws(DomainError) {
        guard !allowed(url, settings: settings), let host = URL(string: url)?.host else { return }
        if OutboundAddress.isInternal(host) || OutboundAddress.isInternalName(host) {
            throw .invalid("url", "\(host) is an internal address; webhooks go to the shop platform on the internet "
                                 + "(an operator can allow internal hosts with KEFU_WEBHOOKS_ALLOW_PRIVATE=true)")
        }
    }

    /// Before sending: the addresses the host resolves to now. Returns why it is refused, or nil.
    static func refusal(_ url: String, app: Application) async -> String? {
        let settings = app.kefu.settings
        guard !allowed(url, settings: settings) else { return nil }
        guard let host = URL(string: url)?.host else { return "the URL has no host" }
        if OutboundAddress.isInternal(host) || OutboundAddress.isInternalName(host) { return "\(host) is an internal address" }
        let addresses: [String]
        do {
            addresses = try await app.threadPool.runIfActive { resolve(host) }
        } catch {
            return nil
        }
        if let inside = addresses.first(where: OutboundAddress.isInternal) {
            return "\(host) resolves to the internal address \(inside)"
        }
        return nil
    }

    static func allowed(_ url: String, settings: KefuSettings) -> Bool {
        settings.webhooksAllowPrivate || url == OrdersDemo.origin(settings) + OrdersDemo.webhookPath
    }

    /// The IPv4 and IPv6 addresses of `host` (empty when it does not resolve: the request fails anyway).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var result: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var address = sin.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
                }
                result.append(String(cString: buffer))
            } else if info.pointee.ai_family == AF_INET6, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var address = sin6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
                }
                result.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return result
    }
}
