import Foundation
import KefuCore
import Vapor

/// Every background job, by capability (``JobRunner``): the table of contents of what runs
/// on a timer.
func jobs(_ runner: JobRunner) {
    // Events
    runner.register(Job(name: EventRunner.jobName, interval: 1) { app, now in try await EventRunner.pass(app, now: now) })
    runner.register(Job(name: "events.prune", interval: 600) { app, now in try await EventRunner.prune(app, now: now) })
    // Conversations
    runner.register(Job(name: "conversations.snoozes", interval: 15) { app, now in
        try await app.conversations.wakeSnoozed(now: now) == 500
    })
    runner.register(Job(name: Uploads.jobName, interval: 3600) { app, now in
        try await Uploads.prune(app, now: now) == Uploads.batch
    })
    runner.register(Job(name: MessageSearchIndex.backfillJob, interval: 2) { app, _ in
        try await MessageSearchIndex.backfill(app)
    })
    // Routing
    runner.register(Job(name: RoutingService.sweepJob, interval: 1) { app, _ in
        await app.routing.sweep()
        return false
    })
    runner.register(Job(name: "routing.presence", interval: AgentAvailability.heartbeat) { app, _ in
        await AgentAvailability.confirm(app)
        return false
    })
    // Orders
    runner.register(Job(name: Reminders.jobName, interval: 2) { app, now in
        try await Reminders(app: app).runOnce(now: now) == Reminders.batch
    })
    runner.register(Job(name: WebhookWorker.jobName, interval: 2) { app, now in
        try await WebhookWorker(app: app).runOnce(now: now) == WebhookWorker.batch
    })
    // SLA: warnings and breaches at their moment (an alarm per next timer; the interval catches
    // clocks another instance started)
    runner.register(Job(name: SLAClocks.timerJob, interval: 5) { app, now in try await app.slaClocks.fireDue(now: now) })
    // Automation: the actions of planned firings (kicked when one is planned), and time rules
    // (an alarm for the next object coming due; the interval catches what other instances changed)
    runner.register(Job(name: AutomationRuns.actionsJob, interval: 2) { app, now in try await app.automationRuns.runDue(now: now) })
    runner.register(Job(name: AutomationRuns.timerJob, interval: 15) { app, now in try await app.automationRuns.timers(now: now) })
    // Tickets
    runner.register(Job(name: "tickets.close", interval: 300) { app, now in
        try await app.tickets.closeSolved(now: now) >= 500
    })
}
