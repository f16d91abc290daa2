import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Payment reminders (催付): jobs per unpaid order and active rule, the worker that sends
/// them exactly once, manual reminders, and "paid after the reminder" tracking.
struct Reminders {
    let app: Application
    static let lease: TimeInterval = 60
    static let maxAttempts = 5
    static let batch = 50

    // MARK: scheduling

    /// An order became unpaid (or is unpaid and new): one job per active rule, due at the
    /// rule's first reminder time. Existing jobs are kept (a re-sent upsert changes nothing).
    static func schedule(_ order: Order, on db: any Database) async throws {
        guard order.status == OrderStatus.unpaid.rawValue else { return }
        let rules = try await ReminderRuleRecord.query(on: db).filter(\.$accountID == order.accountID).filter(\.$active == true).all()
        for record in rules { try await schedule(order, record: record, on: db) }
    }

    static func schedule(_ order: Order, record: ReminderRuleRecord, on db: any Database) async throws {
        guard let rule = record.rule else { return }
        let existing = try await ReminderJob.query(on: db).filter(\.$accountID == order.accountID).filter(\.$orderID == order.id!)
            .filter(\.$ruleID == record.id!).first()
        let due = ReminderSchedule.firstDue(orderCreatedAt: order.placedAt, rule: rule)
        if let existing {
            // A finished job starts over only if the order went back to unpaid.
            guard existing.status != "pending" else { return }
            existing.status = "pending"
            existing.dueAt = max(due, Date())
            existing.attempts = 0
            existing.outcome = nil
            existing.updatedAt = Date()
            try await existing.save(on: db)
            return
        }
        let job = ReminderJob()
        job.accountID = order.accountID
        job.orderID = order.id!
        job.ruleID = record.id!
        job.status = "pending"
        job.dueAt = due
        job.attempts = 0
        job.updatedAt = Date()
        try await job.create(on: db)
    }

    /// A rule was created or switched on: jobs for the shop's unpaid orders.
    static func scheduleExisting(_ record: ReminderRuleRecord, on db: any Database) async throws {
        let unpaid = try await Order.query(on: db).filter(\.$accountID == record.accountID)
            .filter(\.$status == OrderStatus.unpaid.rawValue).limit(10_000).all()
        for order in unpaid { try await schedule(order, record: record, on: db) }
    }

    /// The order was paid: reminders sent before the payment count as successful.
    static func recordPayment(_ order: Order, on db: any Database) async throws {
        let paidAt = order.paidAt ?? Date()
        try await Reminder.query(on: db).filter(\.$accountID == order.accountID).filter(\.$orderID == order.id!)
            .filter(\.$paidAt == nil).filter(\.$sentAt <= paidAt).set(\.$paidAt, to: paidAt).update()
    }

    // MARK: the worker

    /// One pass: claims due jobs (lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL) and runs each.
    @discardableResult
    func runOnce(now: Date = Date()) async throws -> Int {
        let ids = try await JobClaim.claim(table: ReminderJob.schema, dueColumn: "due_at", limit: Self.batch, lease: Self.lease, now: now,
                                           on: app.db)
        for id in ids {
            do {
                try await run(id, now: now)
            } catch {
                try await failed(id, error: error, now: now)
            }
        }
        return ids.count
    }

    /// Decides and, when due, sends: the message, the reminder record, the job's next due
    /// time and the webhook commit together, under the job's row lock, so a reminder is sent
    /// once even if two instances got the same job.
    private func run(_ jobID: UUID, now: Date) async throws {
        let sent: (StoredMessage, Order)? = try await WriteTransaction.run(on: app.db) { tx in
            guard try await JobClaim.lockPending(table: ReminderJob.schema, id: jobID, on: tx),
                  let job = try await ReminderJob.find(jobID, on: tx) else { return nil }
            func finish(_ outcome: String) async throws {
                job.status = "done"
                job.outcome = String(outcome.prefix(300))
                job.updatedAt = now
                try await job.save(on: tx)
            }
            guard let order = try await Order.query(on: tx).filter(\.$accountID == job.accountID).filter(\.$id == job.orderID).first(),
                  let record = try await ReminderRuleRecord.query(on: tx).filter(\.$accountID == job.accountID)
                    .filter(\.$id == job.ruleID).first(), let rule = record.rule else {
                try await finish("the order or the rule is gone")
                return nil
            }
            guard record.active else {
                try await finish("the rule is switched off")
                return nil
            }
            let status = OrderStatus(rawValue: order.status) ?? .cancelled
            let history = try await Self.history(order, on: tx)
            // Only rules that pause for a chatting buyer need the buyer's last message.
            let lastBuyer = rule.skipIfChattedWithinMinutes > 0 ? try await Self.lastBuyerMessage(order, on: tx) : nil
            switch ReminderSchedule.decide(now: now, orderStatus: status, orderCreatedAt: order.placedAt, remindersSent: history.map(\.sentAt),
                                           lastBuyerMessageAt: lastBuyer, rule: rule) {
            case .done(let why):
                try await finish(why)
                return nil
            case .deferUntil(let date):
                job.dueAt = date
                job.updatedAt = now
                try await job.save(on: tx)
                return nil
            case .sendNow:
                let chat = OrderChat(app: app)
                guard let conversation = try await chat.conversation(for: order, preferred: nil, on: tx) else {
                    try await finish("the buyer has no chat profile to remind in")
                    return nil
                }
                let (catalog, locale) = try await chat.catalog(for: conversation, on: tx)
                let (stored, _) = try await Self.send(order, rule: rule, ruleID: record.id, agent: nil, conversation: conversation,
                                                      sender: chat.shopSender(catalog), senderType: .bot, locale: locale, now: now, on: tx)
                // The next one, if the rule allows more.
                switch ReminderSchedule.decide(now: now, orderStatus: status, orderCreatedAt: order.placedAt,
                                               remindersSent: history.map(\.sentAt) + [now], lastBuyerMessageAt: lastBuyer, rule: rule) {
                case .deferUntil(let date):
                    job.dueAt = date
                    job.attempts = 0
                    job.updatedAt = now
                    try await job.save(on: tx)
                case .done, .sendNow:
                    try await finish("sent")
                }
                return (stored, order)
            }
        }
        if let (message, order) = sent {
            app.chat.messagesStored([message])
            OrderChat.announce(order, app: app)
        }
    }

    private func failed(_ jobID: UUID, error: any Error, now: Date) async throws {
        guard let job = try await ReminderJob.find(jobID, on: app.db) else { return }
        job.attempts += 1
        job.lastError = String(String(describing: error).prefix(300))
        if job.attempts >= Self.maxAttempts {
            job.status = "failed"
        } else {
            job.dueAt = now.addingTimeInterval(WebhookRetry.delay(afterAttempt: job.attempts, jitter: Double.random(in: 0..<1)))
        }
        job.updatedAt = now
        try await job.save(on: app.db)
        app.logger.warning("payment reminder failed", metadata: ["job": "\(jobID)", "attempt": "\(job.attempts)",
                                                                  "error": "\(job.lastError ?? "")", "component": "reminders"])
    }

    // MARK: manual

    /// One click in the order panel: refused (429) within the rule's minimum gap of the last reminder.
    func manual(_ orderID: UUID, conversationID: UUID?, by principal: Principal, ip: String?) async throws -> (Reminder, Order) {
        let (_, userID) = try principalUser(principal)
        let rules = try await ReminderRuleRecord.query(on: app.db).filter(\.$accountID == principal.accountID)
            .filter(\.$active == true).sort(\.$createdAt).all()
        // The gap between reminders is the shop's first active rule's (the standard one without rules).
        let rule = rules.compactMap(\.rule).first ?? ReminderRule(timeZone: "Asia/Shanghai")
        let (reminder, order, stored) = try await WriteTransaction.run(on: app.db) { tx in
            let order = try await PriceChanges.lockedOrder(orderID, accountID: principal.accountID, on: tx)
            let history = try await Self.history(order, on: tx)
            try ReminderSchedule.manualAllowed(now: Date(), orderStatus: OrderStatus(rawValue: order.status) ?? .cancelled,
                                               remindersSent: history.map(\.sentAt), rule: rule)
            let chat = OrderChat(app: app)
            guard let conversation = try await chat.conversation(for: order, preferred: conversationID, on: tx) else {
                throw DomainError(.conflict, code: "buyer_not_in_chat",
                                  message: "the buyer of this order has never chatted with the shop; there is nowhere to send a reminder")
            }
            guard let user = try await User.query(on: tx).filter(\.$accountID == principal.accountID).filter(\.$id == userID).first() else {
                throw DomainError.forbidden("this action needs a signed-in team member")
            }
            let (_, locale) = try await chat.catalog(for: conversation, on: tx)
            let now = Date()
            let (stored, reminder) = try await Self.send(order, rule: rule, ruleID: nil, agent: userID, conversation: conversation,
                                                         sender: ConversationOps.sender(of: user), senderType: .agent, locale: locale,
                                                         now: now, on: tx)
            try await AuditLog.record("order.remind", target: "order", id: order.externalID, details: ["kind": "manual"],
                                      by: principal, ip: ip, on: tx)
            return (reminder, order, stored)
        }
        app.chat.messagesStored([stored])
        OrderChat.announce(order, app: app)
        return (reminder, order)
    }

    private func principalUser(_ principal: Principal) throws -> (Principal, UUID) {
        guard principal.kind == .user, let userID = principal.userID else {
            throw DomainError.forbidden("a manual reminder is sent by a signed-in team member, not an API token")
        }
        return (principal, userID)
    }

    // MARK: parts

    /// Writes the reminder message (inside the caller's transaction), its record and the webhook.
    static func send(_ order: Order, rule: ReminderRule, ruleID: UUID?, agent: UUID?, conversation: Conversation,
                     sender: SenderDTO, senderType: SenderType, locale: Locale, now: Date,
                     on db: any Database) async throws -> (StoredMessage, Reminder) {
        let contact = try await ConversationOps.contact(of: conversation, on: db)
        let text = ReminderText.render(template: rule.template, values: [
            "customer_name": order.buyerName ?? contact?.name ?? "",
            "order_no": order.number,
            "amount": OrderChat.money(order.total, order.currency, locale),
            "pay_link": order.payLink ?? order.url ?? "",
        ])
        let message = NewMessage(accountID: order.accountID, conversationID: conversation.id!, senderType: senderType, sender: sender,
                                 clientMessageID: nil, text: String(text.prefix(ChatLimits.maxTextCharacters)), isPrivate: false,
                                 attachments: [], event: nil,
                                 payload: MessagePayload(type: "order.reminder", articles: [], handover: false), createdAt: now)
        let stored = try await MessageWriter.insert(message, on: db as! any SQLDatabase)
        let reminder = Reminder()
        reminder.accountID = order.accountID
        reminder.orderID = order.id!
        reminder.kind = agent == nil ? "automatic" : "manual"
        reminder.ruleID = ruleID
        reminder.agentID = agent
        reminder.conversationID = conversation.id
        reminder.text = message.text
        reminder.sentAt = now
        try await reminder.create(on: db)
        try await Webhooks.emit(.orderReminded, accountID: order.accountID, data: RemindedEvent(
            orderExternalId: order.externalID, kind: reminder.kind, ruleId: ruleID, agentId: agent, sentAt: now, text: message.text), on: db)
        return (stored, reminder)
    }

    struct RemindedEvent: Codable, Sendable {
        var orderExternalId: String
        var kind: String
        var ruleId: UUID?
        var agentId: UUID?
        var sentAt: Date
        var text: String
    }

    static func history(_ order: Order, on db: any Database) async throws -> [Reminder] {
        try await Reminder.query(on: db).filter(\.$accountID == order.accountID).filter(\.$orderID == order.id!).all()
    }

    /// The buyer's last message in any of their conversations.
    static func lastBuyerMessage(_ order: Order, on db: any Database) async throws -> Date? {
        guard let contactID = order.contactID else { return nil }
        let conversations = try await Conversation.query(on: db).filter(\.$accountID == order.accountID)
            .filter(\.$contactID == contactID).all().compactMap(\.id)
        guard !conversations.isEmpty else { return nil }
        return try await Message.query(on: db).filter(\.$accountID == order.accountID).filter(\.$conversationID ~~ conversations)
            .filter(\.$senderType == .visitor).sort(\.$createdAt, .descending).first()?.createdAt
    }
}

extension ReminderRuleRecord {
    var rule: ReminderRule? { OrderJSON.decode(ReminderRule.self, ruleJSON) }
}
