import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Payment reminders (催付): jobs per unpaid order and active rule, the worker that sends
/// them exactly once, manual reminders, and "paid after the reminder" tracking.
struct Reminders {
    static let jobName = "orders.reminders"
    let app: Application
    static let lease: TimeInterval = 60
    static let maxAttempts = 5
    static let batch = 50

    // MARK: scheduling

    /// An order became unpaid (or is unpaid and new): one job per active rule, due at the
    /// rule's first reminder time. Existing jobs are kept (a re-sent upsert changes nothing).
    static func schedule(_ order: Order, on db: any Database, now: Date) async throws {
        guard order.status == .unpaid else { return }
        let rules = try await ReminderRuleRecord.query(on: db).filter(\.$accountID == order.accountID).filter(\.$active == true).all()
        for record in rules { try await schedule(order, record: record, on: db, now: now) }
    }

    static func schedule(_ order: Order, record: ReminderRuleRecord, on db: any Database, now: Date) async throws {
        guard let rule = record.rule else { return }
        let existing = try await ReminderJob.query(on: db).filter(\.$accountID == order.accountID).filter(\.$orderID == order.id!)
            .filter(\.$ruleID == record.id!).first()
        let due = ReminderSchedule.firstDue(orderCreatedAt: order.placedAt, rule: rule)
        if let existing {
            // A finished job starts over only if the order went back to unpaid.
            guard existing.status != .pending else { return }
            existing.status = .pending
            existing.dueAt = max(due, now)
            existing.attempts = 0
            existing.outcome = nil
            existing.updatedAt = now
            try await existing.save(on: db)
            return
        }
        let job = ReminderJob()
        job.accountID = order.accountID
        job.orderID = order.id!
        job.ruleID = record.id!
        job.status = .pending
        job.dueAt = due
        job.attempts = 0
        job.updatedAt = now
        try await job.create(on: db)
    }

    /// A rule was created or switched on: jobs for the shop's unpaid orders.
    static func scheduleExisting(_ record: ReminderRuleRecord, on db: any Database, now: Date) async throws {
        let unpaid = try await Order.query(on: db).filter(\.$accountID == record.accountID)
            .filter(\.$status == .unpaid).limit(10_000).all()
        for order in unpaid { try await schedule(order, record: record, on: db, now: now) }
    }

    /// The order was paid: reminders sent before the payment count as successful.
    static func recordPayment(_ order: Order, on db: any Database) async throws {
        guard let paidAt = order.paidAt else { return }
        try await Reminder.query(on: db).filter(\.$accountID == order.accountID).filter(\.$orderID == order.id!)
            .filter(\.$paidAt == nil).filter(\.$sentAt <= paidAt).set(\.$paidAt, to: paidAt).update()
    }

    // MARK: the worker

    /// One pass: claims due jobs (lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL) and runs each.
    @discardableResult
    func runOnce(now: Date) async throws -> Int {
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
        try await app.write { unit in
            let tx = unit.db
            guard try await JobClaim.lockPending(table: ReminderJob.schema, id: jobID, on: tx),
                  let job = try await ReminderJob.find(jobID, on: tx) else { return }
            func finish(_ outcome: String) async throws {
                job.status = .done
                job.outcome = String(outcome.prefix(300))
                job.updatedAt = now
                try await job.save(on: tx)
            }
            guard let order = try await Order.query(on: tx).filter(\.$accountID == job.accountID).filter(\.$id == job.orderID).first(),
                  let record = try await ReminderRuleRecord.query(on: tx).filter(\.$accountID == job.accountID)
                    .filter(\.$id == job.ruleID).first(), let rule = record.rule else {
                try await finish("the order or the rule is gone")
                return
            }
            guard record.active else {
                try await finish("the rule is switched off")
                return
            }
            let status = order.status
            let history = try await Self.history(order, on: tx)
            // Only rules that pause for a chatting buyer need the buyer's last message.
            let lastBuyer = rule.skipIfChattedWithinMinutes > 0 ? try await Self.lastBuyerMessage(order, on: tx) : nil
            switch ReminderSchedule.decide(now: now, orderStatus: status, orderCreatedAt: order.placedAt, remindersSent: history.map(\.sentAt),
                                           lastBuyerMessageAt: lastBuyer, rule: rule) {
            case .done(let why):
                try await finish(why)
            case .deferUntil(let date):
                job.dueAt = date
                job.updatedAt = now
                try await job.save(on: tx)
            case .sendNow:
                let chat = OrderChat(app: app)
                guard let conversation = try await chat.conversation(for: order, preferred: nil, visibleTo: .system(order.accountID), in: unit)
                else {
                    try await finish("the buyer has no chat profile to remind in")
                    return
                }
                let (catalog, locale) = try await chat.catalog(for: conversation, on: tx)
                try await Self.send(order, rule: rule, ruleID: record.id, conversation: conversation,
                                    caller: .bot(order.accountID, sender: chat.shopSender(catalog)), locale: locale, in: unit)
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
            }
        }
    }

    private func failed(_ jobID: UUID, error: any Error, now: Date) async throws {
        guard let job = try await ReminderJob.find(jobID, on: app.db) else { return }
        job.attempts += 1
        job.lastError = String(String(describing: error).prefix(300))
        if job.attempts >= Self.maxAttempts {
            job.status = .failed
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
        _ = try principalUser(principal)
        let caller = try await Caller.member(principal, on: app.db)
        let rules = try await ReminderRuleRecord.query(on: app.db).filter(\.$accountID == principal.accountID)
            .filter(\.$active == true).sort(\.$createdAt).all()
        // The gap between reminders is the shop's first active rule's (the standard one without rules).
        let rule = rules.compactMap(\.rule).first ?? ReminderRule(timeZone: "Asia/Shanghai")
        return try await app.write { unit in
            let tx = unit.db
            let order = try await PriceChanges.lockedOrder(orderID, accountID: principal.accountID, on: tx)
            let chat = OrderChat(app: app)
            guard let conversation = try await chat.conversation(for: order, preferred: conversationID, visibleTo: caller, in: unit) else {
                throw DomainError(.conflict, code: "buyer_not_in_chat",
                                  message: "the buyer of this order has never chatted with the shop; there is nowhere to send a reminder")
            }
            let history = try await Self.history(order, on: tx)
            try ReminderSchedule.manualAllowed(now: unit.now, orderStatus: order.status, remindersSent: history.map(\.sentAt), rule: rule)
            let (_, locale) = try await chat.catalog(for: conversation, on: tx)
            let reminder = try await Self.send(order, rule: rule, ruleID: nil, conversation: conversation, caller: caller, locale: locale,
                                               in: unit)
            try await AuditLog.record("order.remind", target: "order", id: order.externalID, details: ["kind": "manual"],
                                      by: principal, ip: ip, at: unit.now, on: tx)
            return (reminder, order)
        }
    }

    private func principalUser(_ principal: Principal) throws -> (Principal, UUID) {
        guard principal.kind == .user, let userID = principal.userID else {
            throw DomainError.forbidden("a manual reminder is sent by a signed-in team member, not an API token")
        }
        return (principal, userID)
    }

    // MARK: parts

    /// Writes the reminder message (inside `unit`), its record and `order.reminder_sent`.
    @discardableResult
    static func send(_ order: Order, rule: ReminderRule, ruleID: UUID?, conversation: Conversation, caller: Caller, locale: Locale,
                     in unit: UnitOfWork) async throws -> Reminder {
        let contact = try await ConversationOps.contact(of: conversation, on: unit.db)
        let text = String(ReminderText.render(template: rule.template, values: [
            "customer_name": order.buyerName ?? contact?.name ?? "",
            "order_no": order.number,
            "amount": OrderChat.money(order.total, order.currency, locale),
            "pay_link": KefuURL.absolute(order.payLink ?? order.url, origin: OrdersDemo.origin(unit.app.kefu.settings)) ?? "",
        ]).prefix(ChatLimits.maxTextCharacters))
        let agent = caller.actor.userID
        let stored = try await unit.insert(NewMessage(
            accountID: order.accountID, conversationID: conversation.id!, senderType: caller.senderType, sender: caller.sender,
            clientMessageID: nil, text: text, isPrivate: false, attachments: [], event: nil,
            payload: MessagePayload(type: .orderReminder, articles: [], handover: false), createdAt: nil, actor: caller.actor,
            // A templated notice about the order, never an answer to the buyer (first response, answer clock).
            role: .automatic))
        let reminder = Reminder()
        reminder.id = unit.ids.make()
        reminder.accountID = order.accountID
        reminder.orderID = order.id!
        reminder.kind = agent == nil ? .automatic : .manual
        reminder.ruleID = ruleID
        reminder.agentID = agent
        reminder.conversationID = conversation.id
        reminder.text = text
        reminder.sentAt = unit.now
        try await reminder.create(on: unit.db)
        unit.record([.reminderSent(ReminderSent(order: order.facts, reminderID: reminder.id!, kind: reminder.kind, ruleID: ruleID, agentID: agent,
                                                conversationID: conversation.id!, messageID: stored.message.id, text: text))],
                    accountID: order.accountID, actor: caller.actor)
        return reminder
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
