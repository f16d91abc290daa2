/// Cuts a short excerpt of an article body around the best-matching query term.
public enum Snippet {
    /// An excerpt of `plain` of at most `length` characters (including "…" marks), around the
    /// occurrence of the query term with the highest value (query weight × IDF; the first
    /// occurrence on ties). Starts at the beginning of that sentence when it is near. The text
    /// is the original (no case, width or script folding); with no term found, the beginning.
    public static func make(_ plain: String, termValue: [String: Double], tokenizer: Tokenizer, length: Int = 80) -> String {
        let characters = Array(plain)
        guard characters.count > length, length > 2 else { return plain }

        // Best term occurrence, as a scalar offset in `plain`.
        var bestScalar: Int? = nil
        if !termValue.isEmpty {
            let values = Dictionary(uniqueKeysWithValues: termValue.map { (TermKey($0.key), $0.value) })
            let (scalars, offsets) = tokenizer.normalizer.normalizeWithOffsets(plain)
            var bestValue = 0.0
            for token in tokenizer.tokens(normalized: scalars) {
                guard let value = values[TermKey(token.text)], value > bestValue else { continue }
                bestValue = value
                bestScalar = offsets[token.range.lowerBound]
            }
        }
        guard let bestScalar else { return String(characters[0..<(length - 1)]) + "…" }

        // Scalar offset → character index.
        var hit = 0
        var scalarOffset = 0
        for (index, character) in characters.enumerated() {
            let next = scalarOffset + character.unicodeScalars.count
            if bestScalar < next { hit = index; break }
            scalarOffset = next
        }

        // Start a little before the hit, at a sentence start when one is within reach.
        let lead = length / 4
        var start = Swift.max(0, hit - lead)
        var k = hit - 1
        while k >= Swift.max(0, hit - lead - 10) {
            if "。！？!?；;\n".contains(characters[k]) || (characters[k] == "." && k + 1 < characters.count && characters[k + 1] == " ") {
                start = k + 1
                break
            }
            k -= 1
        }
        if k < 0 { start = 0 }
        while start < hit, characters[start] == " " { start += 1 }
        // Use the whole budget when the end of the text is reached.
        start = Swift.min(start, Swift.max(0, characters.count - (length - 1)))
        let prefix = start > 0
        let room = length - (prefix ? 1 : 0)
        var out = prefix ? "…" : ""
        if start + room >= characters.count {
            out += String(characters[start...])
        } else {
            out += String(characters[start..<(start + room - 1)]).trimmingTrailingSpace() + "…"
        }
        return out
    }
}

extension String {
    func trimmingTrailingSpace() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
