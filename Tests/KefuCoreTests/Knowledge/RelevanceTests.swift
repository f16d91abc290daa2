import Foundation
import KefuCore
import XCTest

/// The demo FAQ against the relevance set: how shoppers really type (two characters, whole
/// sentences, traditional characters, full-width letters, English in any case, Korean,
/// synonyms). Reports precision@1 and @3 and the bot's decisions.
final class RelevanceTests: XCTestCase {
    func testPrecisionOnTheDemoFAQ() throws {
        // setup
        let catalog = try KnowledgeFixtures.demoCatalog()
        let relevance = try KnowledgeFixtures.relevanceSet()
        let engine = catalog.makeEngine()
        XCTAssertGreaterThanOrEqual(catalog.articles.count, 40)
        XCTAssertGreaterThanOrEqual(relevance.queries.count, 80)

        // act
        var atOne = 0
        var atThree = 0
        var misses: [String] = []
        var byKind: [String: (n: Int, one: Int)] = [:]
        for item in relevance.queries {
            let hits = engine.search(item.query, limit: 3)
            let top = hits.first.map { item.accepted.contains($0.id) } ?? false
            let inThree = hits.contains { item.accepted.contains($0.id) }
            if top { atOne += 1 }
            if inThree { atThree += 1 }
            byKind[item.kind, default: (0, 0)].n += 1
            if top { byKind[item.kind, default: (0, 0)].one += 1 }
            if !top {
                let got = hits.map { "\($0.id) \(String(format: "%.2f", $0.score))" }.joined(separator: ", ")
                misses.append("  \(inThree ? "@3" : "--") \(item.query) → expected \(item.expected); got [\(got)]")
            }
        }

        // check
        let n = Double(relevance.queries.count)
        let p1 = Double(atOne) / n
        let p3 = Double(atThree) / n
        print("Knowledge relevance: \(relevance.queries.count) queries, \(catalog.articles.count) articles")
        print(String(format: "precision@1 = %.3f (%d), precision@3 = %.3f (%d)", p1, atOne, p3, atThree))
        for kind in byKind.keys.sorted() {
            let k = byKind[kind]!
            print("  " + kind.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%3d queries, p@1 %.2f", k.n, Double(k.one) / Double(k.n)))
        }
        if !misses.isEmpty { print("Not first:\n" + misses.joined(separator: "\n")) }
        XCTAssertGreaterThanOrEqual(p1, 0.9, "precision@1")
        XCTAssertGreaterThanOrEqual(p3, 0.97, "precision@3")
    }

    func testTheBotAnswersOftenAndRarelyWrong() throws {
        // setup
        let catalog = try KnowledgeFixtures.demoCatalog()
        let relevance = try KnowledgeFixtures.relevanceSet()
        let engine = catalog.makeEngine()
        let policy = ConfidencePolicy()

        // act
        var answered = 0, answeredWrong = 0, suggested = 0, suggestedWithRight = 0, none = 0
        var wrong: [String] = []
        for item in relevance.queries {
            switch policy.decide(engine.search(item.query, limit: 5)) {
            case .answer(let hit):
                answered += 1
                if !item.accepted.contains(hit.id) {
                    answeredWrong += 1
                    wrong.append("  \(item.query) → answered \(hit.id), expected \(item.expected)")
                }
            case .suggest(let hits):
                suggested += 1
                if hits.contains(where: { item.accepted.contains($0.id) }) { suggestedWithRight += 1 }
            case .noAnswer:
                none += 1
                wrong.append("  \(item.query) → no answer, expected \(item.expected)")
            }
        }
        var negativeDecisions: [String: String] = [:]
        for query in relevance.unanswerable {
            switch policy.decide(engine.search(query, limit: 5)) {
            case .answer(let hit): negativeDecisions[query] = "answer \(hit.id)"
            case .suggest(let hits): negativeDecisions[query] = "suggest \(hits.map(\.id))"
            case .noAnswer: negativeDecisions[query] = "none"
            }
        }

        // check
        let n = relevance.queries.count
        print("FAQ bot on \(n) answerable queries: answered \(answered) (wrong \(answeredWrong)), suggested \(suggested) (right one offered \(suggestedWithRight)), no answer \(none)")
        print("FAQ bot on unanswerable queries: \(negativeDecisions.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: "; "))")
        if !wrong.isEmpty { print(wrong.joined(separator: "\n")) }
        XCTAssertGreaterThanOrEqual(Double(answered) / Double(n), 0.5, "the bot answers at least half of the questions directly")
        XCTAssertLessThanOrEqual(Double(answeredWrong), Double(answered) * 0.05, "at most 5% of direct answers are wrong")
        XCTAssertFalse(negativeDecisions.values.contains { $0.hasPrefix("answer") }, "never answers an unanswerable question")
        XCTAssertGreaterThanOrEqual(negativeDecisions.values.filter { $0 == "none" }.count, relevance.unanswerable.count - 2)
    }
}
