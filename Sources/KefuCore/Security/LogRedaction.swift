import Foundation

/// Takes credentials out of a log line, at every level: a support engineer who turns on
/// `debug` (database queries with their bind values) or `trace` (request heads with their
/// headers and URLs) must not find session cookies, CSRF tokens, API and visitor tokens, the
/// shop's identity secret, webhook secrets or password hashes in the log.
public enum LogRedaction {
    public static let mask = "<redacted>"

    private static let rules: [(NSRegularExpression, String)] = [
        // Bound values and JSON fields of secret columns: `csrf_token: …`, `"secret":"…"`, `identity_secret=…`.
        (#"(?i)\b((?:csrf_?token|identity_?secret|[a-z_]*secret|password(?:_?hash)?|token_?hash|visitor_?token|api_?token|access_?token)"?\s*[:=]\s*"?)([^,\]\}\s";&]+)"#, "$1\(mask)"),
        // Tokens in a URL's query (`/api/v1/widget/ws?token=v_…`).
        (##"(?i)([?&](?:token|visitor_?token|access_?token)=)[^&\s"#]+"##, "$1\(mask)"),
        // Authorization headers.
        (#"(?i)(Authorization:\s*(?:Bearer|Basic|Token)\s+)[^\s;"]+"#, "$1\(mask)"),
        (#"(?i)(X-CSRF-Token:\s*)[^\s;"]+"#, "$1\(mask)"),
        // A whole Cookie header, up to the next header of a request head or its end.
        (#"(?i)(\bCookie:\s*)(.*?)(?=; [A-Za-z][A-Za-z0-9-]*: |\s\}|$)"#, "$1\(mask)"),
        // The session cookie wherever else it appears.
        (#"(kefu_session=)[^;\s"\}]+"#, "$1\(mask)"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    public static func redact(_ line: String) -> String {
        guard mayContainSecret(line) else { return line }
        var out = line
        for (rule, template) in rules {
            out = rule.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
        }
        return out
    }

    /// Whether a field of this name holds a credential (a structured log value's key, a column).
    public static func isSecretKey(_ key: String) -> Bool {
        let k = key.lowercased().replacingOccurrences(of: "_", with: "")
        return k.hasSuffix("secret") || k.hasPrefix("password") || ["csrftoken", "tokenhash", "visitortoken", "apitoken", "accesstoken", "token", "cookie",
                                                                      "authorization"].contains(k)
    }

    /// A cheap pre-check, so ordinary lines skip the expressions.
    static func mayContainSecret(_ line: String) -> Bool {
        let lower = line.lowercased()
        return ["token", "secret", "password", "cookie", "authorization", "kefu_session"].contains { lower.contains($0) }
    }
}
