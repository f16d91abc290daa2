// Knowledge search benchmark: 10,000 synthetic articles, 2,000 queries, latency percentiles.
// Built and run by bench/search/run.sh in a temporary package (KefuCore linked by path).
import Foundation
import KefuCore

// MARK: - Helpers

/// Deterministic random numbers (SplitMix64), so every run indexes the same corpus.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func ms(_ ns: UInt64) -> Double { Double(ns) / 1_000_000 }

func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return .nan }
    return kb / 1024
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

// MARK: - Inputs

let root = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.currentDirectoryPath)
let catalog = try FAQCatalog.decode(Data(contentsOf: root.appendingPathComponent("Resources/Knowledge/demo-faq.zh-CN.json")))
struct RelevanceQuery: Decodable { var query: String; var expected: String; var alternates: [String]? }
struct RelevanceSet: Decodable { var queries: [RelevanceQuery] }
let relevance = try JSONDecoder().decode(
    RelevanceSet.self, from: Data(contentsOf: root.appendingPathComponent("Tests/KefuCoreTests/Knowledge/relevance.json")))

let articleCount = 10_000
let queryCount = 2_000
var rng = SplitMix64(state: 20_260_101)

// Sentences of the demo FAQ, per locale.
var sentences: [String: [String]] = [:]
for article in catalog.articles {
    var current = ""
    for ch in MarkdownText.plain(article.body) {
        current.append(ch)
        if "。！？!?".contains(ch) || (ch == "." && article.locale == "en") {
            sentences[article.locale, default: []].append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        }
    }
    if !current.trimmingCharacters(in: .whitespaces).isEmpty { sentences[article.locale, default: []].append(current) }
}
let products = [
    "纯棉T恤", "羽绒服", "牛仔裤", "连衣裙", "针织开衫", "卫衣", "冲锋衣", "运动裤", "衬衫", "风衣", "羊毛大衣", "休闲西装",
    "半身裙", "打底裤", "睡衣套装", "棉袜", "帆布鞋", "雪地靴", "围巾", "毛线帽", "收纳箱", "置物架", "衣帽架", "四件套",
    "乳胶枕", "蚕丝被", "毛巾", "浴巾", "拖鞋", "保温杯", "陶瓷碗", "玻璃杯", "不粘锅", "砧板", "香薰蜡烛", "台灯",
    "落地灯", "地毯", "窗帘", "坐垫", "抱枕", "晾衣架", "洗衣袋", "鞋柜", "书架", "挂钟", "相框", "花瓶", "餐垫", "桌布",
]
let englishProducts = ["cotton T-shirt", "down jacket", "jeans", "dress", "storage box", "mug", "towel", "rug", "lamp", "scarf"]
let koreanProducts = ["면 티셔츠", "패딩", "청바지", "원피스", "수납함", "머그컵", "수건", "러그"]

var documents: [SearchDocument] = catalog.searchDocuments
let titles = catalog.articles.map { ($0.title, $0.locale, $0.tags, $0.category) }
while documents.count < articleCount {
    let (title, locale, tags, _) = titles.randomElement(using: &rng)!
    let pool = sentences[locale] ?? sentences["zh-CN"]!
    let product: String
    switch locale {
    case "en": product = englishProducts.randomElement(using: &rng)!
    case "ko": product = koreanProducts.randomElement(using: &rng)!
    default: product = products.randomElement(using: &rng)!
    }
    let n = Int.random(in: 2...6, using: &rng)
    var body = locale == "en" || locale == "ko" ? "\(product): " : "【\(product)】"
    for _ in 0..<n { body += pool.randomElement(using: &rng)! + (locale == "en" || locale == "ko" ? " " : "") }
    documents.append(SearchDocument(
        id: "syn-\(documents.count)", title: "\(product)\(locale == "en" || locale == "ko" ? " — " : "：")\(title)",
        body: body, tags: [product] + tags.shuffled(using: &rng).prefix(2),
        synonymsField: nil, locale: locale, popularity: Double.random(in: 0...1, using: &rng)))
}

// 2,000 queries: the relevance set cycled (half) and random fragments of articles (half).
var queries: [String] = []
for i in 0..<(queryCount / 2) { queries.append(relevance.queries[i % relevance.queries.count].query) }
while queries.count < queryCount {
    let doc = documents.randomElement(using: &rng)!
    let text = Array(MarkdownText.plain(doc.body))
    let length = Int.random(in: 2...min(14, text.count), using: &rng)
    let start = Int.random(in: 0...(text.count - length), using: &rng)
    var q = String(text[start..<(start + length)])
    if Int.random(in: 0..<10, using: &rng) == 0 { q = products.randomElement(using: &rng)! + q }  // product + phrase
    queries.append(q)
}
queries.shuffle(using: &rng)

// MARK: - Reference figures (compare machines with these)

let tokenizer = Tokenizer()
var t0 = now()
var tokenTotal = 0
for doc in documents {
    tokenTotal += tokenizer.tokens(doc.title).count + tokenizer.tokens(MarkdownText.plain(doc.body)).count
}
let tokeniseMs = ms(now() - t0)

var dictionary: [String: Int] = [:]
for (i, doc) in documents.enumerated() { dictionary[doc.id] = i }
let keys = documents.map(\.id)
let lookups = 5_000_000
t0 = now()
var checksum = 0
for i in 0..<lookups { checksum &+= dictionary[keys[(i &* 7919) % keys.count]] ?? 0 }
let lookupNs = Double(now() - t0) / Double(lookups)

// MARK: - Index build and memory

let rssBefore = residentMiB()
t0 = now()
var engine = SearchEngine(documents: documents, synonyms: catalog.parsedSynonyms)
let buildMs = ms(now() - t0)
let rssAfter = residentMiB()

// MARK: - Queries

for q in queries.prefix(200) { _ = engine.search(q, limit: 10) }  // warm-up
var latencies: [Double] = []
latencies.reserveCapacity(queries.count)
var hitsTotal = 0
let wall0 = now()
for q in queries {
    let s = now()
    let hits = engine.search(q, limit: 10)
    latencies.append(ms(now() - s))
    hitsTotal += hits.count
}
let wallMs = ms(now() - wall0)
latencies.sort()

// Relevance queries only.
var relLatencies: [Double] = []
for q in relevance.queries {
    let s = now()
    _ = engine.search(q.query, limit: 10)
    relLatencies.append(ms(now() - s))
}
relLatencies.sort()

// A 10,000-character query (the server should cap input, but the engine must stay fast).
let hugeQuery = String(repeating: "亲，我买的衣服尺码不合适可以换吗？", count: 625)
t0 = now()
_ = engine.search(hugeQuery, limit: 10)
let hugeMs = ms(now() - t0)

// MARK: - Incremental updates

var updateNs: [Double] = []
for i in 0..<500 {
    var doc = documents[(i * 37) % documents.count]
    doc.body += " 更新\(i)。"
    let s = now()
    engine.upsert(doc)
    updateNs.append(ms(now() - s))
}
updateNs.sort()
t0 = now()
for i in 0..<500 { engine.remove(id: documents[(i * 53 + 11) % documents.count].id) }
let removeMs = ms(now() - t0) / 500

// MARK: - Report

print("Knowledge search benchmark")
print("  corpus: \(documents.count) articles (\(catalog.articles.count) demo + synthetic), \(tokenTotal) tokens in titles and bodies")
print("  index: \(engine.index.vocabularySize) terms, \(engine.index.postingCount) postings")
print(String(format: "  reference: tokenise all articles %.0f ms (%.1f µs/article); [String: Int] lookup %.1f ns (checksum %d)",
             tokeniseMs, tokeniseMs * 1000 / Double(documents.count), lookupNs, checksum % 10))
print(String(format: "  build: %.0f ms for %d articles (%.0f µs/article); resident memory %.0f → %.0f MiB (+%.0f MiB)",
             buildMs, documents.count, buildMs * 1000 / Double(documents.count), rssBefore, rssAfter, rssAfter - rssBefore))
print(String(format: "  search (%d queries, limit 10, single thread): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f queries/s, %.1f hits/query",
             latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.95), percentile(latencies, 0.99),
             latencies.last!, Double(queries.count) / (wallMs / 1000), Double(hitsTotal) / Double(queries.count)))
print(String(format: "  relevance-set queries only (%d): p50 %.2f ms, p95 %.2f ms, max %.2f ms",
             relLatencies.count, percentile(relLatencies, 0.5), percentile(relLatencies, 0.95), relLatencies.last!))
print(String(format: "  10,000-character query: %.2f ms", hugeMs))
print(String(format: "  upsert (replace) p50 %.3f ms, p95 %.3f ms; remove %.3f ms", percentile(updateNs, 0.5), percentile(updateNs, 0.95), removeMs))
