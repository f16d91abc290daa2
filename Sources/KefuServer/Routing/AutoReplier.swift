import Fluent
import Foundation
import KefuCore
import Vapor

/// Automatic replies: the greeting when an agent takes a conversation, the queued greeting,
/// keyword replies, "away" while the assigned agent is away or busy, and "closed" outside
/// business hours. They are bot messages marked `auto.*`, only ever answer a shopper's message
/// (never another automatic or agent message, so they cannot loop), never count as an agent's
/// first response, and each has a cool-down per conversation.
struct AutoReplier {
    let app: Application
    var now: Date { app.kefu.clock.now() }
    static let awayCooldown: TimeInterval = 600
    static let closedCooldown: TimeInterval = 3600

    /// "您好，我是8号客服小美…" once per conversation, from the inbox's template in the shopper's language.
    func greet(_ conversation: Conversation, inbox: Inbox, agent: User) async throws {
        try await once(conversation, key: "greeting") { locale in
            guard let template = AutoReplies.template(inbox.autoReplies.greeting, locale: locale) else { return nil }
            let values = try await values(conversation, inbox: inbox, agent: agent, locale: locale)
            return (ReplyTemplate.render(template, values), .autoGreeting,
                    SenderDTO(id: agent.id, name: agent.displayName, agentNumber: agent.agentNumber))
        }
    }

    /// The queued greeting, once, with the place in the queue.
    func queued(_ conversation: Conversation, inbox: Inbox, position: Int, etaSeconds: Int) async throws {
        try await once(conversation, key: "queued") { locale in
            let closed = inbox.businessHours.map { !$0.isOpen(at: now) } ?? false
            let map = closed ? inbox.autoReplies.closedReply : inbox.autoReplies.queuedGreeting
            guard let template = AutoReplies.template(map, locale: locale) else { return nil }
            var values = try await values(conversation, inbox: inbox, agent: nil, locale: locale)
            values["queue_position"] = String(position)
            values["wait_minutes"] = String(max(1, Int((Double(etaSeconds) / 60).rounded(.up))))
            return (ReplyTemplate.render(template, values), closed ? MessageKind.autoClosed : .autoQueued, nil)
        }
    }

    /// After a shopper's message in a conversation the bot is not answering. What could answer
    /// is decided first from what is cached (the inbox's rules and hours, the agent's presence);
    /// only when something might the conversation is read for its cool-downs.
    func afterShopperMessage(_ text: String, conversation snapshot: ConversationSnapshot, accountID: UUID) async throws {
        let db = app.db
        guard let runtime = try await app.inboxes.runtime(snapshot.inboxID, accountID: accountID, on: db) else { return }
        let now = self.now
        let locale = try await app.conversationDirectory.locale(of: snapshot.contactID, accountID: accountID, on: db).rawValue
        let keyword = runtime.keywordMatcher?.match(text, locale: locale, now: now) != nil
        let closed = snapshot.assigneeID == nil && !runtime.isOpen(at: now) && runtime.closedReply(locale) != nil
        var away = false
        if let agentID = snapshot.assigneeID, runtime.awayReply(locale) != nil {
            let status = try await AgentAvailability.status(of: agentID, accountID: accountID, now: now, app: app)
            away = status == .away || status == .busy
        }
        guard keyword || closed || away,
              let conversation = try await RoutingService.load(snapshot.id, accountID: accountID, on: db),
              !conversation.botActive, conversation.status == .open else { return }
        let state = AutoState.decode(conversation.autoStateJSON)
        var out: [(text: String, type: MessageKind, key: String)] = []
        if keyword, let matcher = runtime.keywordMatcher {
            let lastFired = Dictionary(uniqueKeysWithValues: state.fired.compactMap { key, date in
                key.hasPrefix("kw:") ? (String(key.dropFirst(3)), date) : nil
            })
            if let spec = matcher.match(text, locale: locale, lastFired: lastFired, now: now), let rule = runtime.keywordRules[spec.id] {
                let values = try await values(conversation, inbox: runtime.inbox, agent: nil, locale: locale)
                out.append((ReplyTemplate.render(rule.reply, values), .autoKeyword, "kw:" + spec.id))
            }
        }
        // Closed: once an hour.
        if closed, conversation.assigneeID == nil, !state.firedWithin("closed", seconds: Self.closedCooldown, now: now),
           !state.firedWithin("queued", seconds: 5, now: now), let template = runtime.closedReply(locale) {
            let values = try await values(conversation, inbox: runtime.inbox, agent: nil, locale: locale)
            out.append((ReplyTemplate.render(template, values), .autoClosed, "closed"))
        }
        // The assigned agent is away or busy: once per cool-down.
        if away, let agentID = conversation.assigneeID, !state.firedWithin("away", seconds: Self.awayCooldown, now: now),
           let agent = try await User.query(on: db).filter(\.$accountID == accountID).filter(\.$id == agentID).first(),
           let template = runtime.awayReply(locale) {
            let values = try await values(conversation, inbox: runtime.inbox, agent: agent, locale: locale)
            out.append((ReplyTemplate.render(template, values), .autoAway, "away"))
        }
        for reply in out { try await write(reply.text, type: reply.type, sender: nil, locale: locale, firing: reply.key, in: conversation) }
    }

    // MARK: parts

    private func once(_ conversation: Conversation, key: String,
                      _ make: (String) async throws -> (String, MessageKind, SenderDTO?)?) async throws {
        guard AutoState.decode(conversation.autoStateJSON).fired[key] == nil else { return }
        let locale = try await shopperLocale(conversation)
        guard let (text, type, sender) = try await make(locale) else { return }
        try await write(text, type: type, sender: sender, locale: locale, firing: key, in: conversation)
    }

    /// Sends an automatic reply as the bot (or as the greeting agent); its cool-down starts
    /// in the same transaction.
    private func write(_ text: String, type: MessageKind, sender: SenderDTO?, locale: String, firing key: String,
                       in conversation: Conversation) async throws {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let catalog = app.kefu.catalog(UILocale.match(locale) ?? .default)
        let caller = Caller.bot(conversation.accountID, sender: sender ?? SenderDTO(id: nil, name: catalog.text("knowledge.bot.name"), agentNumber: nil))
        try await app.conversations.send(
            MessageDraft(text: text, payload: MessagePayload(type: type, articles: [], handover: false), autoFired: [key]),
            in: conversation.id!, by: caller)
    }

    private func shopperLocale(_ conversation: Conversation) async throws -> String {
        try await app.conversationDirectory.locale(of: conversation.contactID, accountID: conversation.accountID, on: app.db).rawValue
    }

    /// Template variables for a conversation.
    func values(_ conversation: Conversation, inbox: Inbox, agent: User?, locale: String) async throws -> [String: String] {
        let db = app.db
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let account = try await Account.query(on: db).filter(\.$id == conversation.accountID).first()
        var values: [String: String] = [
            "customer_name": contact?.name ?? "",
            "shop_name": account?.name ?? "",
            "inbox_name": inbox.name,
        ]
        if let agent {
            values["agent_number"] = String(agent.agentNumber)
            values["agent_name"] = agent.displayName
        }
        if let hours = inbox.businessHours, let next = hours.nextOpening(after: now) {
            values["next_open"] = Self.format(next, timeZone: hours.timeZone, locale: locale)
        }
        return values
    }

    /// "11月24日 09:00" / "Nov 24, 09:00" in the shop's time zone.
    static func format(_ date: Date, timeZone: String, locale: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale)
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")
        formatter.setLocalizedDateFormatFromTemplate("MMMdHHmm")
        return formatter.string(from: date)
    }
}
