import Foundation

/// Folds text for search, the same way for articles and for queries:
///
/// - full-width letters, digits and punctuation → half-width (`ＸＬ` → `xl`, `７` → `7`),
///   and other compatibility forms through NFKC (`①` → `1`, `㎏` → `kg`);
/// - upper → lower case (any script with case);
/// - traditional → simplified Chinese (``ChineseScript``);
/// - punctuation, symbols, emoji, controls and whitespace runs → one space;
/// - Hangul syllables and everything else that is a letter or digit kept as is.
///
/// The output keeps, for every scalar, the offset of the scalar of the input it came from, so
/// that a match found in normalised text can be shown in the original text (snippets).
/// Politeness fillers ("亲", "请问", "吗" …) are not removed here but by ``Tokenizer`` at token
/// level, where words such as "了解" or "亲肤" can be protected.
public struct TextNormalizer: Sendable {
    /// Fold traditional Chinese to simplified (on by default).
    public var foldTraditional: Bool

    public init(foldTraditional: Bool = true) {
        self.foldTraditional = foldTraditional
    }

    /// Normalised text with runs of separators collapsed to one space, trimmed.
    public func normalize(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in normalizeWithOffsets(text).scalars { view.append(scalar) }
        return String(view)
    }

    /// The normalised scalars and, for each, the offset (in `text.unicodeScalars`) of the
    /// input scalar it came from. Separators are a single `" "`; no leading or trailing space.
    public func normalizeWithOffsets(_ text: String) -> (scalars: [Unicode.Scalar], offsets: [Int]) {
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(text.utf8.count)
        offsets.reserveCapacity(text.utf8.count)
        var pendingSpace = false

        func emit(_ scalar: Unicode.Scalar, _ offset: Int) {
            if pendingSpace {
                if !scalars.isEmpty {
                    scalars.append(" ")
                    offsets.append(offset)
                }
                pendingSpace = false
            }
            scalars.append(scalar)
            offsets.append(offset)
        }

        var offset = 0
        for scalar in text.unicodeScalars {
            defer { offset += 1 }
            switch fold(scalar) {
            case .keep(let out): emit(out, offset)
            case .separator: pendingSpace = true
            case .drop: break
            case .many(let outs):
                for out in outs {
                    switch fold(out, compatibilityDone: true) {
                    case .keep(let o): emit(o, offset)
                    case .separator: pendingSpace = true
                    case .drop, .many: break
                    }
                }
            }
        }
        return (scalars, offsets)
    }

    enum Folded {
        case keep(Unicode.Scalar)
        case separator
        case drop
        case many([Unicode.Scalar])
    }

    @inline(__always)
    func fold(_ scalar: Unicode.Scalar, compatibilityDone: Bool = false) -> Folded {
        let v = scalar.value
        // ASCII fast path.
        if v < 0x80 {
            if v >= 0x41 && v <= 0x5A { return .keep(Unicode.Scalar(v + 0x20)!) }
            if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) { return .keep(scalar) }
            if v == 0x27 { return .drop }  // apostrophe: don't → dont
            return .separator
        }
        // Full-width ASCII forms and the ideographic space.
        if v >= 0xFF01 && v <= 0xFF5E { return fold(Unicode.Scalar(v - 0xFEE0)!) }
        if v == 0x3000 { return .separator }
        // Han (CJK unified ideographs, extension A and the supplementary planes).
        if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2FA1F && !(v >= 0x2F800)) {
            return .keep(foldTraditional ? (Unicode.Scalar(ChineseScript.simplify(v)) ?? scalar) : scalar)
        }
        // Hangul syllables and jamo, kana: kept as is.
        if (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0x3040 && v <= 0x30FF && v != 0x30FB) || (v >= 0x1100 && v <= 0x11FF) || (v >= 0x3130 && v <= 0x318F) {
            return .keep(scalar)
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .spaceSeparator, .lineSeparator, .paragraphSeparator, .control:
            return .separator
        case .format, .nonspacingMark, .enclosingMark, .spacingMark:
            return .drop  // zero-width joiners, variation selectors, combining accents
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .mathSymbol, .currencySymbol,
             .modifierSymbol, .otherSymbol:
            break
        default:
            return .separator
        }
        // Compatibility forms (ligatures, circled digits, ㎏, CJK compatibility ideographs…).
        if !compatibilityDone, properties.isFullCompositionExclusion || properties.changesWhenNFKCCaseFolded {
            let mapped = Array(String(Character(scalar)).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
            if mapped.count != 1 || mapped[0] != scalar { return .many(mapped) }
        }
        if properties.isAlphabetic || properties.numericType != nil {
            if properties.changesWhenLowercased {
                let lower = Array(properties.lowercaseMapping.unicodeScalars)
                return lower.count == 1 ? .keep(lower[0]) : .many(lower)
            }
            return .keep(scalar)
        }
        return .separator  // symbols and emoji
    }
}

/// The script class of a normalised scalar, for tokenisation.
public enum ScriptClass: Sendable, Equatable {
    /// Letters and digits of alphabetic scripts (Latin, Greek, Cyrillic…) and numbers.
    case word
    /// Han ideographs and kana: tokenised into character bigrams.
    case cjk
    /// Hangul: whole words plus character bigrams.
    case hangul
    case separator

    @inline(__always)
    public static func of(_ scalar: Unicode.Scalar) -> ScriptClass {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) ? .word : .separator
        }
        if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2FA1F)
            || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0x3040 && v <= 0x30FF) || v == 0x3007 {
            return .cjk
        }
        if (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0x1100 && v <= 0x11FF) || (v >= 0x3130 && v <= 0x318F)
            || (v >= 0xA960 && v <= 0xA97F) || (v >= 0xD7B0 && v <= 0xD7FF) {
            return .hangul
        }
        let p = scalar.properties
        return p.isAlphabetic || p.numericType != nil ? .word : .separator
    }
}
