import Fluent
import Foundation
import KefuCore
import Vapor

/// The demo shop's FAQ (imported from `Resources/Knowledge`), its help centre at /help/demo, and
/// the FAQ bot answering first in 售后.
enum KnowledgeDemo {
    static let knowledgeFile = "Resources/Knowledge/demo-faq.zh-CN.json"
    static let helpSlug = "demo"
    /// The inbox whose FAQ bot answers first (the demo shop page's `?desk=after-sale`).
    static let botInbox = "售后"

    static var steps: [DemoSeed] {
        [
            DemoSeed(title: "FAQ: \(knowledgeFile), help centre /help/\(helpSlug), FAQ bot first in 售后") { app, accountID in
                let accountID = accountID!
                let path = app.kefu.resourcesDirectory + "/" + knowledgeFile
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ConfigurationError(variable: "KEFU_RESOURCES_DIR", message: "has no \(knowledgeFile)")
                }
                let result = try await KnowledgeTransfer.importFile(try KnowledgeTransfer.decode(data, format: .json), accountID: accountID,
                                                                  now: app.kefu.clock.now(), on: app.db)
                let settings = try await KnowledgeStore.settings(accountID: accountID, now: app.kefu.clock.now(), on: app.db)
                _ = try await KnowledgeStore.update(settings, with: KnowledgeSettingsInput(helpSlug: helpSlug, synonyms: nil),
                                                 now: app.kefu.clock.now(), on: app.db)
                try await Inbox.query(on: app.db).filter(\.$accountID == accountID).filter(\.$name == botInbox)
                    .set(\.$botMode, to: .first).update()
                try await AuditLog.recordSystem("article.import", accountID: accountID, target: "knowledge", id: nil,
                                                details: ["created": String(result.created)], at: app.kefu.clock.now(), on: app.db)
                return accountID
            },
        ]
    }
}
