/// One search term produced by ``Tokenizer``.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A Latin/digit word (lowercased, stemmed) or a whole Hangul word.
        case word
        /// Two adjacent Han/kana or Hangul characters.
        case bigram
        /// A single Han character that no kept bigram covers ("换吗" → "换"), or a one-character run.
        case unigram
        /// A single Han character already covered by a bigram; only emitted when
        /// ``Tokenizer/cjkExtraUnigrams`` is on, and weighted low at query time.
        case extraUnigram
        /// A Chinese question word ("怎么", "多久"), weighted low at query time.
        case function
    }

    public var text: String
    public var kind: Kind
    /// Position in the normalised scalars (see ``TextNormalizer/normalizeWithOffsets(_:)``).
    public var range: Range<Int>

    public init(text: String, kind: Kind, range: Range<Int>) {
        self.text = text
        self.kind = kind
        self.range = range
    }
}

/// Mixed-script tokenisation over ``TextNormalizer`` output, deterministic:
///
/// - Han/kana runs → overlapping character bigrams ("退货运费" → 退货 货运 运费); a character
///   left uncovered (one-character run, or next to a dropped filler) → a unigram;
///   optionally every character also as an ``Token/Kind/extraUnigram``.
/// - Latin/digit runs → lowercased words, lightly stemmed (``EnglishStemmer``).
/// - Hangul runs (space-separated words) → the whole word plus its character bigrams, as
///   Korean compounds and particles are often written without spaces ("환불은" → 환불은 환불 불은).
/// - Question words ("怎么", "多久") become tokens of their own and split the run, so that
///   they form no bigram with their neighbours.
/// - Stop words (``StopWords``) are dropped at token level: filler phrases are cut out, CJK
///   bigrams containing a filler character are dropped unless protected ("了解"), English and
///   Korean stop words are dropped.
public struct Tokenizer: Sendable {
    public var normalizer: TextNormalizer
    public var stopWords: StopWords
    /// Also emit every Han character of a run as a low-weight unigram (helps one-character
    /// words such as "换", "退" inside sentences).
    public var cjkExtraUnigrams: Bool

    public init(normalizer: TextNormalizer = TextNormalizer(), stopWords: StopWords = .standard, cjkExtraUnigrams: Bool = true) {
        self.normalizer = normalizer
        self.stopWords = stopWords
        self.cjkExtraUnigrams = cjkExtraUnigrams
    }

    /// Tokens of `text`, in order of appearance.
    public func tokens(_ text: String) -> [Token] {
        tokens(normalized: normalizer.normalizeWithOffsets(text).scalars)
    }

    /// Just the term strings.
    public func terms(_ text: String) -> [String] {
        tokens(text).map(\.text)
    }

    /// Tokens of already normalised scalars.
    public func tokens(normalized s: [Unicode.Scalar]) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity(s.count * 2)
        var i = 0
        while i < s.count {
            let cls = ScriptClass.of(s[i])
            if cls == .separator { i += 1; continue }
            var j = i + 1
            while j < s.count, ScriptClass.of(s[j]) == cls { j += 1 }
            switch cls {
            case .word: wordTokens(s, i..<j, into: &out)
            case .cjk: cjkTokens(s, i..<j, into: &out)
            case .hangul: hangulTokens(s, i..<j, into: &out)
            case .separator: break
            }
            i = j
        }
        return out
    }

    /// The string of `s[r]`, encoded to UTF-8 directly (the generic scalar-view path is slow).
    @inline(__always)
    static func string(_ s: [Unicode.Scalar], _ r: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: r.count * 4) { buffer in
            var n = 0
            for k in r {
                let v = s[k].value
                if v < 0x80 {
                    buffer[n] = UInt8(v); n += 1
                } else if v < 0x800 {
                    buffer[n] = UInt8(0xC0 | (v >> 6)); buffer[n + 1] = UInt8(0x80 | (v & 0x3F)); n += 2
                } else if v < 0x10000 {
                    buffer[n] = UInt8(0xE0 | (v >> 12)); buffer[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                    buffer[n + 2] = UInt8(0x80 | (v & 0x3F)); n += 3
                } else {
                    buffer[n] = UInt8(0xF0 | (v >> 18)); buffer[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                    buffer[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); buffer[n + 3] = UInt8(0x80 | (v & 0x3F)); n += 4
                }
            }
            return n
        }
    }

    func wordTokens(_ s: [Unicode.Scalar], _ r: Range<Int>, into out: inout [Token]) {
        let word = Self.string(s, r)
        if stopWords.english.contains(word) { return }
        out.append(Token(text: EnglishStemmer.stem(word), kind: .word, range: r))
    }

    func hangulTokens(_ s: [Unicode.Scalar], _ r: Range<Int>, into out: inout [Token]) {
        let word = Self.string(s, r)
        if stopWords.korean.contains(word) { return }
        out.append(Token(text: word, kind: r.count == 1 ? .unigram : .word, range: r))
        guard r.count >= 3 else { return }  // a two-syllable word is its own bigram
        for k in r.lowerBound..<(r.upperBound - 1) {
            out.append(Token(text: Self.string(s, k..<(k + 2)), kind: .bigram, range: k..<(k + 2)))
        }
    }

    func cjkTokens(_ s: [Unicode.Scalar], _ r: Range<Int>, into out: inout [Token]) {
        // Cut filler phrases ("请问", "您好") and question words ("怎么", "多久") out of the run;
        // question words are kept as tokens of their own.
        var segments: [Range<Int>] = []
        var questionWords: [Token] = []
        var start = r.lowerBound
        var k = r.lowerBound
        phraseScan: while k < r.upperBound {
            if stopWords.phraseStartBitmap.contains(s[k]), let candidates = stopWords.phrasesByFirst[s[k]] {
                for (phrase, keep) in candidates where k + phrase.count <= r.upperBound {
                    if s[k..<(k + phrase.count)].elementsEqual(phrase) {
                        if start < k { segments.append(start..<k) }
                        if keep {
                            questionWords.append(Token(text: Self.string(s, k..<(k + phrase.count)), kind: .function, range: k..<(k + phrase.count)))
                        }
                        k += phrase.count
                        start = k
                        continue phraseScan
                    }
                }
            }
            k += 1
        }
        if start < r.upperBound { segments.append(start..<r.upperBound) }
        if !questionWords.isEmpty {
            // Emit in position order: segments and question words interleaved.
            var q = 0
            for seg in segments {
                while q < questionWords.count, questionWords[q].range.lowerBound < seg.lowerBound { out.append(questionWords[q]); q += 1 }
                segmentTokens(s, seg, into: &out)
            }
            while q < questionWords.count { out.append(questionWords[q]); q += 1 }
        } else {
            for seg in segments { segmentTokens(s, seg, into: &out) }
        }
    }

    /// Bigrams and unigrams of one CJK segment without filler phrases or question words.
    func segmentTokens(_ s: [Unicode.Scalar], _ seg: Range<Int>, into out: inout [Token]) {
        let fillers = stopWords.fillerBitmap
        if seg.count == 1 {
            if !fillers.contains(s[seg.lowerBound]) {
                out.append(Token(text: Self.string(s, seg), kind: .unigram, range: seg))
            }
            return
        }
        // The bigram starting at a is kept unless it holds a filler and is not protected.
        func kept(_ a: Int) -> Bool {
            guard a >= seg.lowerBound, a + 1 < seg.upperBound else { return false }
            if !fillers.contains(s[a]) && !fillers.contains(s[a + 1]) { return true }
            return stopWords.protectedBigrams.contains(Self.string(s, a..<(a + 2)))
        }
        // In position order: the bigram ending at a, then the character a itself.
        var keptBefore = false  // bigram (a-1, a)
        for a in seg {
            let keptHere = kept(a)  // bigram (a, a+1)
            if keptBefore {
                out.append(Token(text: Self.string(s, (a - 1)..<(a + 1)), kind: .bigram, range: (a - 1)..<(a + 1)))
            }
            if !fillers.contains(s[a]) {
                if !keptBefore && !keptHere {
                    out.append(Token(text: Self.string(s, a..<(a + 1)), kind: .unigram, range: a..<(a + 1)))
                } else if cjkExtraUnigrams {
                    out.append(Token(text: Self.string(s, a..<(a + 1)), kind: .extraUnigram, range: a..<(a + 1)))
                }
            }
            keptBefore = keptHere
        }
    }
}
