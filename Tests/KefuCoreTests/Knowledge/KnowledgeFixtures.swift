import Foundation
import KefuCore

/// Files of the repository, found from this file's path (repo root = 3 levels above this folder).
enum KnowledgeFixtures {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // Knowledge
            .deletingLastPathComponent()  // KefuCoreTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
    }

    static func demoCatalog() throws -> FAQCatalog {
        let url = repositoryRoot.appendingPathComponent("Resources/Knowledge/demo-faq.zh-CN.json")
        return try FAQCatalog.decode(Data(contentsOf: url))
    }

    struct RelevanceQuery: Decodable {
        var query: String
        var expected: String
        var alternates: [String]?
        var kind: String
        var accepted: Set<String> { Set([expected] + (alternates ?? [])) }
    }

    struct RelevanceSet: Decodable {
        var queries: [RelevanceQuery]
        var unanswerable: [String]
    }

    static func relevanceSet() throws -> RelevanceSet {
        let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("relevance.json")
        return try JSONDecoder().decode(RelevanceSet.self, from: Data(contentsOf: url))
    }
}
