import Fluent
import Foundation
import Vapor

/// `/demo/shop`: the demo shop's page with the widget on it (after `kefu demo`),
/// so a new user can try both sides at once. `?desk=after-sale` puts the 售后 inbox's widget
/// on the page, where the FAQ bot answers first.
struct DemoShopController {
    func page(_ req: Request) async throws -> Response {
        guard let owner = try await User.query(on: req.db).filter(\.$email == DemoData.ownerEmail).first(),
              let inbox = try await Inbox.query(on: req.db).filter(\.$accountID == owner.accountID)
                .filter(\.$name == (req.query[String.self, at: "desk"] == "after-sale" ? DemoData.botInbox : DemoData.inboxes[0].name)).first() else {
            throw Abort(.notFound, reason: "there is no demo shop yet: run `kefu demo` first")
        }
        let path = req.application.kefu.resourcesDirectory + "/Resources/Demo/shop.html"
        guard let template = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Abort(.notFound, reason: "the demo page template is missing")
        }
        let page = (try? req.query.get(Int.self, at: "page")).map { max(1, min($0, 99)) } ?? 1
        let html = template
            .replacingOccurrences(of: "{{KEFU_ORIGIN}}", with: Self.origin(req))
            .replacingOccurrences(of: "{{INBOX_KEY}}", with: inbox.widgetKey)
            .replacingOccurrences(of: "{{PAGE}}", with: String(page))
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    /// Kefu's own origin as the browser sees it.
    static func origin(_ req: Request) -> String {
        if let url = req.application.kefu.settings.publicURL { return url }
        let fallback = "\(req.application.kefu.settings.host):\(req.application.kefu.settings.port)"
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        let host = req.headers.first(name: .host).flatMap { $0.allSatisfy(allowed.contains) && !$0.isEmpty ? $0 : nil } ?? fallback
        return "http://\(host)"
    }
}
