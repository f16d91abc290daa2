import Vapor

/// Every listener of domain events, by capability: the table of contents of who reacts to
/// what (docs/architecture.md, "Events"). A capability that reacts to a conversation being
/// resolved, a message arriving or an order being paid adds a listener file and one line here.
func listeners(_ bus: EventBus) {
    // Inline: after the commit, in the caller's task, in this order.
    bus.register(inline: FAQBotListener())          // knowledge: the FAQ bot answers the shopper
    bus.register(inline: RoutingListener())         // routing: give it to an agent or queue it; wake the queue
    bus.register(inline: AutoReplyListener())       // routing: greeting, queued reply, keyword / away / closed replies
    bus.register(inline: OrderPanelsListener())     // orders: live order panels beside the chat
    bus.register(inline: TicketsListener())         // tickets: the customer wrote again, a waiting ticket opens
    bus.register(inline: TicketBoardListener())     // tickets: lists and pages hear that a ticket, its case or compensation changed
    bus.register(inline: SLAAlertListener())        // SLA: countdowns and the breach list hear of a warning or breach at once

    // Durable: from the outbox, exactly once, on whichever instance claims them.
    bus.register(durable: ReportingListener())      // reports: the append-only reporting table
    bus.register(durable: WebhooksListener())       // webhooks: deliveries to the shop platform
    bus.register(durable: OrderChatListener())      // orders: payment confirmations and price changes told in the chat
    bus.register(durable: SLAListener())            // SLA: clocks start, pause, resume and are fulfilled as tickets and chats move
    bus.register(durable: AutomationListener())     // automation: rules on events are tried and their firings planned
    bus.register(durable: InboxCalendarListener())  // accounts: inboxes copy the hours of the calendar they keep them by
}
