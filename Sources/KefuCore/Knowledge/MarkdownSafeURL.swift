import Foundation

extension MarkdownHTML {
    /// The schemes a link may use.
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    /// The address to put in an `href` or `src`, or nil to refuse it.
    ///
    /// Allowed: `http:`, `https:`, `mailto:`, `tel:`, site-relative paths (`/help/x`),
    /// protocol-relative addresses (`//cdn.example.com/x`, treated as external), fragments
    /// (`#returns`), queries and relative paths without a scheme. Everything else is refused:
    /// `javascript:`, `data:`, `vbscript:` and any other scheme, however it is spelt. To see
    /// the scheme, a probe of the address has HTML entities (`&#106;`, `&#x6A`, `&colon;`)
    /// and percent escapes (`%6A`) decoded, repeatedly, whitespace, control and invisible
    /// characters removed, compatibility forms folded (`ｊａｖａ`) and letters lowercased;
    /// an allowed scheme must also be written plainly, not encoded. Addresses with a
    /// backslash are refused (browsers read `/\evil.example` as `//evil.example`).
    ///
    /// The answer is the address trimmed, with control and invisible characters removed.
    public static func safeURL(_ raw: String) -> String? {
        var visible = String.UnicodeScalarView()
        for c in raw.unicodeScalars where !isInvisible(c) { visible.append(c) }
        let url = String(visible).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !url.isEmpty, !url.contains("\\") else { return nil }
        let probe = deobfuscated(url)
        guard !probe.isEmpty, !probe.contains("\\") else { return nil }
        guard let colon = probe.firstIndex(of: ":"), !probe[..<colon].contains(where: { "/?#".contains($0) }) else {
            return url  // no scheme: a relative address
        }
        let scheme = String(probe[..<colon])
        guard allowedSchemes.contains(scheme), url.lowercased().hasPrefix(scheme + ":") else { return nil }
        if scheme == "http" || scheme == "https" {
            let rest = probe[probe.index(after: colon)...]
            guard rest.hasPrefix("//"), rest.count > 2 else { return nil }
        }
        return url
    }

    /// Controls (C0, DEL, C1), format characters (zero-width space and joiners, soft hyphen,
    /// byte-order mark, bidi controls) and line or paragraph separators.
    static func isInvisible(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x20 || (c.value >= 0x7F && c.value <= 0x9F) { return true }
        guard c.value >= 0x80 else { return false }
        switch c.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `url` with entities and percent escapes decoded until nothing changes (at most 5
    /// rounds), spaces and invisible characters removed, NFKC-folded and lowercased.
    static func deobfuscated(_ url: String) -> String {
        var text = url
        for _ in 0..<5 {
            var next = String.UnicodeScalarView()
            for c in percentDecoded(entityDecoded(text)).unicodeScalars where !isInvisible(c) && !c.properties.isWhitespace {
                next.append(c)
            }
            let decoded = String(next)
            if decoded == text { break }
            text = decoded
        }
        return text.precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// Named entities that can spell a scheme or hide one.
    static let entities: [String: String] = [
        "colon": ":", "tab": "\t", "newline": "\n", "sol": "/", "bsol": "\\", "amp": "&", "lt": "<", "gt": ">",
        "quot": "\"", "apos": "'", "nbsp": " ", "period": ".", "comma": ",", "semi": ";", "num": "#",
        "percnt": "%", "lpar": "(", "rpar": ")", "excl": "!", "quest": "?", "commat": "@", "equals": "=",
        "plus": "+", "hyphen": "-", "dash": "-", "lowbar": "_", "zwsp": "", "shy": "",
    ]

    /// Numeric (`&#106;`, `&#x6A;`, with or without `;`) and the named ``entities`` decoded.
    static func entityDecoded(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            guard s[i] == "&", i + 1 < s.count else { out.append(s[i]); i += 1; continue }
            var j = i + 1
            if s[j] == "#" {
                j += 1
                let hex = j < s.count && (s[j] == "x" || s[j] == "X")
                if hex { j += 1 }
                var value: UInt32 = 0
                let digitsStart = j
                while j < s.count, j - digitsStart < 10, let digit = hexValue(s[j]), hex || digit < 10 {
                    value = value &* (hex ? 16 : 10) &+ digit
                    j += 1
                }
                if j > digitsStart {
                    if j < s.count, s[j] == ";" { j += 1 }
                    out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    i = j
                    continue
                }
            } else {
                while j < s.count, j - i <= 12, MarkdownInline.isASCIILetter(s[j]) { j += 1 }
                let name = String(String.UnicodeScalarView(s[(i + 1)..<j])).lowercased()
                if let value = entities[name] {
                    if j < s.count, s[j] == ";" { j += 1 }
                    out.append(contentsOf: value.unicodeScalars)
                    i = j
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }

    /// `%XX` escapes of ASCII characters decoded; others left as written.
    static func percentDecoded(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "%", i + 2 < s.count, let high = hexValue(s[i + 1]), let low = hexValue(s[i + 2]), high < 8,
               let decoded = Unicode.Scalar(high * 16 + low) {
                out.append(decoded)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 0x30
        case "a"..."f": return c.value - 0x61 + 10
        case "A"..."F": return c.value - 0x41 + 10
        default: return nil
        }
    }
}
