/// An in-memory inverted index of ``SearchDocument``s with per-field term frequencies, for
/// BM25F ranking by ``SearchEngine``. Value type; add, update and remove are incremental.
///
/// Layout: a term dictionary (normalised token → term id), one postings array per term
/// (document slot + term frequency in title, body, tags and synonyms), a slot table of
/// documents (freed slots are reused), and running sums of field lengths for the averages.
public struct SearchIndex: Sendable {
    /// The four indexed fields.
    public enum Field: Int, Sendable, CaseIterable {
        case title = 0, body, tags, synonyms
    }

    struct Posting: Sendable {
        var slot: Int32
        var title: UInt16
        var body: UInt16
        var tags: UInt16
        var synonyms: UInt16
    }

    struct Entry: Sendable {
        var document: SearchDocument
        /// The body as plain text (Markdown removed): what snippets are cut from.
        var plainBody: String
        var language: Substring
        /// Token counts per field (extra unigrams not counted).
        var lengths: SIMD4<Float>
        var terms: [Int32]
    }

    public let tokenizer: Tokenizer
    var termIDs: [TermKey: Int32] = [:]
    var postings: [[Posting]] = []
    var entries: [Entry?] = []
    /// Field lengths by slot, apart from ``entries`` so that scoring reads a dense array.
    var slotLengths: [SIMD4<Float>] = []
    var slotByID: [String: Int32] = [:]
    var freeSlots: [Int32] = []
    var lengthSums = SIMD4<Double>(repeating: 0)

    public init(tokenizer: Tokenizer = Tokenizer()) {
        self.tokenizer = tokenizer
    }

    /// Number of documents.
    public var count: Int { slotByID.count }
    /// Number of distinct terms ever seen (terms of removed documents stay, with no postings).
    public var vocabularySize: Int { termIDs.count }
    /// Total number of postings.
    public var postingCount: Int { postings.reduce(0) { $0 + $1.count } }

    public func contains(id: String) -> Bool { slotByID[id] != nil }
    public func document(id: String) -> SearchDocument? { slotByID[id].flatMap { entries[Int($0)]?.document } }
    /// All document ids, sorted.
    public var ids: [String] { slotByID.keys.sorted() }

    /// Adds a document, or replaces the one with the same id.
    public mutating func upsert(_ document: SearchDocument) {
        remove(id: document.id)
        let plain = MarkdownText.plain(document.body)
        var counts: [TermKey: SIMD4<UInt16>] = [:]
        var lengths = SIMD4<Float>(repeating: 0)
        let fields: [(Field, String)] = [
            (.title, document.title),
            (.body, plain),
            (.tags, document.tags.joined(separator: " ; ")),
            (.synonyms, document.synonymsField ?? ""),
        ]
        for (field, text) in fields where !text.isEmpty {
            for token in tokenizer.tokens(text) {
                if token.kind != .extraUnigram { lengths[field.rawValue] += 1 }
                let key = TermKey(token.text)
                var c = counts[key, default: .zero]
                if c[field.rawValue] < UInt16.max { c[field.rawValue] += 1 }
                counts[key] = c
            }
        }
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(entries.count)
            entries.append(nil)
            slotLengths.append(.zero)
        }
        var terms: [Int32] = []
        terms.reserveCapacity(counts.count)
        // Term ids depend on dictionary order; nothing observable does (scores are summed in
        // query-term order, postings are in slot order).
        for (text, c) in counts {
            let id: Int32
            if let known = termIDs[text] {
                id = known
            } else {
                id = Int32(postings.count)
                termIDs[text] = id
                postings.append([])
            }
            postings[Int(id)].append(Posting(slot: slot, title: c[0], body: c[1], tags: c[2], synonyms: c[3]))
            terms.append(id)
        }
        entries[Int(slot)] = Entry(
            document: document, plainBody: plain, language: LocaleFilter.primary(document.locale),
            lengths: lengths, terms: terms)
        slotByID[document.id] = slot
        slotLengths[Int(slot)] = lengths
        lengthSums += SIMD4<Double>(Double(lengths[0]), Double(lengths[1]), Double(lengths[2]), Double(lengths[3]))
    }

    /// Changes only the popularity of a document (views and votes change far more often than
    /// text); false when there is no document with that id.
    @discardableResult
    public mutating func setPopularity(id: String, _ popularity: Double) -> Bool {
        guard let slot = slotByID[id], entries[Int(slot)] != nil else { return false }
        entries[Int(slot)]!.document.popularity = popularity
        return true
    }

    /// Removes a document; false when there was none with that id.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id), let entry = entries[Int(slot)] else { return false }
        for term in entry.terms {
            let t = Int(term)
            if let k = postings[t].firstIndex(where: { $0.slot == slot }) {
                postings[t].swapAt(k, postings[t].count - 1)
                postings[t].removeLast()
            }
        }
        let l = entry.lengths
        lengthSums -= SIMD4<Double>(Double(l[0]), Double(l[1]), Double(l[2]), Double(l[3]))
        entries[Int(slot)] = nil
        slotLengths[Int(slot)] = .zero
        freeSlots.append(slot)
        if slotByID.isEmpty {
            lengthSums = .zero  // no drift from floating point
        }
        return true
    }

    /// The term id of a token text, if any document ever had it.
    func termID(_ text: String) -> Int32? { termIDs[TermKey(text)] }

    /// Average token count of each field over the documents.
    var averageLengths: SIMD4<Double> {
        let n = Double(max(count, 1))
        return SIMD4<Double>(
            Swift.max(lengthSums[0] / n, 1), Swift.max(lengthSums[1] / n, 1),
            Swift.max(lengthSums[2] / n, 1), Swift.max(lengthSums[3] / n, 1))
    }
}

/// A term as a dictionary key, hashed and compared by its UTF-8 bytes. Terms come out of
/// ``TextNormalizer`` and ``Tokenizer`` already in one canonical form, so byte equality is
/// exact, and it skips the Unicode normalisation that `String` hashing does for CJK text.
struct TermKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        self.text = text
    }

    static func == (a: TermKey, b: TermKey) -> Bool {
        a.text.utf8.elementsEqual(b.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }
}
