/// Words that carry no meaning in a shopper's query. Applied by ``Tokenizer`` at token level
/// and the same way to articles, so both sides stay comparable. Immutable: the lookup tables
/// are built once, at init.
public struct StopWords: Sendable {
    /// Single Chinese characters that are politeness or sentence fillers. A CJK bigram that
    /// contains one of them is dropped unless it is in ``protectedBigrams``.
    public let chineseFillerCharacters: Set<Unicode.Scalar>
    /// Filler phrases of several characters, cut out of a CJK run before bigrams are formed.
    public let chineseFillerPhrases: [[Unicode.Scalar]]
    /// Question words ("怎么", "多久", "可以" …): kept as tokens of their own
    /// (``Token/Kind/function``, weighted low at query time) and cut out of the CJK run, so
    /// they form no bigram with their neighbours ("要多久" gives no "要多", "怎么用" no "么用").
    public let chineseQuestionWords: [[Unicode.Scalar]]
    /// Fast membership for ``chineseFillerCharacters`` and for first characters of phrases.
    let fillerBitmap: ScalarBitmap
    let phraseStartBitmap: ScalarBitmap
    /// Filler phrases (`keep` false) and question words (`keep` true) by first character,
    /// longest first: what the tokenizer scans with.
    let phrasesByFirst: [Unicode.Scalar: [(phrase: [Unicode.Scalar], keep: Bool)]]
    /// Real words that contain a filler character ("了解", "亲肤", "呢子", "目的").
    public let protectedBigrams: Set<String>
    /// English words dropped from queries and articles (after lowercasing, before stemming).
    public let english: Set<String>
    /// Korean words (whole space-separated words) dropped.
    public let korean: Set<String>

    public init(
        chineseFillerCharacters: Set<Unicode.Scalar>,
        chineseFillerPhrases: [String],
        chineseQuestionWords: [String] = [],
        protectedBigrams: Set<String>,
        english: Set<String>,
        korean: Set<String>
    ) {
        self.chineseFillerCharacters = chineseFillerCharacters
        // Longest first, so "亲亲" is cut before "亲" would matter.
        self.chineseFillerPhrases = chineseFillerPhrases.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
        self.chineseQuestionWords = chineseQuestionWords.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
        self.protectedBigrams = protectedBigrams
        var byFirst: [Unicode.Scalar: [(phrase: [Unicode.Scalar], keep: Bool)]] = [:]
        for (phrases, keep) in [(self.chineseFillerPhrases, false), (self.chineseQuestionWords, true)] {
            for phrase in phrases {
                guard let first = phrase.first else { continue }
                byFirst[first, default: []].append((phrase, keep))
            }
        }
        phrasesByFirst = byFirst.mapValues { $0.sorted { $0.phrase.count > $1.phrase.count } }
        fillerBitmap = ScalarBitmap(chineseFillerCharacters)
        phraseStartBitmap = ScalarBitmap(byFirst.keys)
        self.english = english
        self.korean = korean
    }

    public static let standard = StopWords(
        chineseFillerCharacters: Set("亲吗呢啊哦呀的了我你您想吧嘛啦哈呗噢喔嗯哇".unicodeScalars),
        chineseFillerPhrases: ["请问", "你好", "您好", "一下", "亲亲", "在吗", "谢谢", "麻烦", "客服在吗", "打扰"],
        chineseQuestionWords: [
            "为什么", "怎么样", "怎么办", "什么时候", "多长时间", "能不能", "可不可以", "是不是", "有没有", "要不要",
            "会不会", "怎么", "怎样", "什么", "如何", "多久", "多少", "几天", "几点", "哪里", "哪儿", "哪些", "哪个",
            "是否", "能否", "可以", "可否",
        ],
        protectedBigrams: ["了解", "为了", "除了", "目的", "的确", "亲子", "亲肤", "呢子", "毛呢", "哈衣"],
        english: [
            "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "im", "my", "me",
            "you", "your", "we", "our", "us", "it", "its", "to", "of", "in", "on", "for", "and", "or", "can", "could",
            "how", "what", "when", "where", "which", "who", "will", "would", "should", "there", "this", "that",
            "with", "please", "hi", "hello", "hey", "thanks", "thank", "any", "have", "has", "if", "so", "about",
            "at", "by", "from", "as", "am", "want", "need", "there", "here", "just", "get", "got",
        ],
        korean: ["안녕하세요", "감사합니다", "혹시", "문의", "문의드립니다", "궁금합니다", "알려주세요"]
    )

    public static let none = StopWords(chineseFillerCharacters: [], chineseFillerPhrases: [], protectedBigrams: [], english: [], korean: [])
}

/// A set of Basic Multilingual Plane scalars as a bitmap (8 KiB): O(1) membership without
/// hashing, for the per-character checks of the tokenizer.
struct ScalarBitmap: Sendable {
    private var words = [UInt64](repeating: 0, count: 1024)

    init<S: Sequence>(_ scalars: S) where S.Element == Unicode.Scalar {
        for scalar in scalars where scalar.value < 0x10000 {
            words[Int(scalar.value >> 6)] |= 1 << (UInt64(scalar.value) & 63)
        }
    }

    @inline(__always)
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x10000 && words[Int(v >> 6)] & (1 << (UInt64(v) & 63)) != 0
    }
}

/// A light English stemmer: plural -s/-es/-ies, -ing, -ed, then a final silent -e, so that
/// "sizes", "sizing" and "size" meet, as do "shipping", "shipped" and "ship".
public enum EnglishStemmer {
    public static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        guard w.count > 3, w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        func ends(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard w.count >= n else { return false }
            return s.withUTF8Buffer { Array($0) == Array(w[(w.count - n)...]) }
        }
        func isVowel(_ c: UInt8) -> Bool { c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 || c == 0x79 }

        // Plurals.
        if ends("ies"), w.count > 4 {
            w.removeLast(3); w.append(0x79)  // policies → policy
        } else if ends("sses") {
            w.removeLast(2)
        } else if ends("es"), w.count > 4, ends("xes") || ends("zes") && !ends("izes") || ends("ches") || ends("shes") || ends("sses") {
            w.removeLast(2)  // boxes → box, watches → watch
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is") {
            w.removeLast(1)
        }
        // -ing / -ed when a syllable is left.
        for suffix in [StaticString("ing"), StaticString("ed")] {
            let n = suffix.utf8CodeUnitCount
            if ends(suffix), w.count - n >= 3, w[..<(w.count - n)].contains(where: isVowel) {
                w.removeLast(n)
                // shipp → ship, but bill, dress and buzz stay.
                if w.count >= 4, let last = w.last, w[w.count - 2] == last, !isVowel(last), last != 0x6C, last != 0x73, last != 0x7A {
                    w.removeLast()
                }
                break
            }
        }
        // Silent final e: size/sizes/sizing → siz, change/changed → chang.
        if w.count >= 4, w.last == 0x65, w[w.count - 2] != 0x65 { w.removeLast() }
        return String(decoding: w, as: UTF8.self)
    }
}
