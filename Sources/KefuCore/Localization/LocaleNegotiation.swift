/// The languages Kefu's interface speaks, and how one is chosen for a request.
public enum UILocale: String, CaseIterable, Codable, Sendable {
    case zhCN = "zh-CN"
    case zhTW = "zh-TW"
    case en = "en"
    case ko = "ko"

    public static let `default`: UILocale = .zhCN

    /// The language's own name, shown in the language switch.
    public var nativeName: String {
        switch self {
        case .zhCN: "简体中文"
        case .zhTW: "繁體中文"
        case .en: "English"
        case .ko: "한국어"
        }
    }

    /// Maps a BCP 47 tag to a supported locale: zh-Hant, zh-TW, zh-HK, zh-MO → zh-TW;
    /// other Chinese → zh-CN; en-* → en; ko-* → ko. Nil when unsupported.
    public static func match(_ tag: String) -> UILocale? {
        let parts = tag.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "_", with: "-").split(separator: "-").map(String.init)
        guard let language = parts.first else { return nil }
        switch language {
        case "zh":
            let rest = Set(parts.dropFirst())
            return rest.isDisjoint(with: ["hant", "tw", "hk", "mo"]) ? .zhCN : .zhTW
        case "en": return .en
        case "ko": return .ko
        default: return nil
        }
    }

    /// Chooses the locale for a request: an explicit choice wins, then the best
    /// `Accept-Language` entry by quality, then the default (简体中文).
    public static func negotiate(explicit: String?, acceptLanguage: String?) -> UILocale {
        if let explicit, let chosen = match(explicit) { return chosen }
        guard let header = acceptLanguage else { return .default }
        var candidates: [(tag: String, q: Double, order: Int)] = []
        for (order, item) in header.split(separator: ",").enumerated() {
            let pieces = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { continue }
            var q = 1.0
            for p in pieces.dropFirst() where p.hasPrefix("q=") {
                q = Double(p.dropFirst(2)) ?? 0
            }
            if q > 0 { candidates.append((tag, q, order)) }
        }
        candidates.sort { $0.q != $1.q ? $0.q > $1.q : $0.order < $1.order }
        for c in candidates {
            if let locale = match(c.tag) { return locale }
        }
        return .default
    }
}

import Foundation
