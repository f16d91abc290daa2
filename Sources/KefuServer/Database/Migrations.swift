import Fluent

/// Every migration, in the order it runs. Landed migrations are never edited:
/// a change to the schema is a new migration appended here with a line saying why.
enum KefuMigrations {
    static let all: [any Migration] = [
        M001_CreateAccountsAndUsers(),   // foundation: shops, team, inboxes
        M002_CreateSessionsAndTokens(),  // foundation: sign-in sessions, API tokens
        M003_CreateAuditLog(),           // foundation: append-only audit of admin actions
        M004_CreateConversations(),      // live chat: contacts, conversations, messages, attachments
        M005_CreateKnowledge(),          // knowledge: articles, help centre, FAQ bot, unanswered questions
        M006_CreateRouting(),            // routing: queue, presence, auto-replies, quick phrases, reporting events
        M007_CreateOrders(),             // orders: products, orders, price changes, payment reminders, webhooks
        M008_CreateEventOutbox(),        // domain events: the outbox, durable listeners' cursors and failures
        M009_CreateTickets(),            // tickets: tickets, their timeline and links, ticket settings
        M010_CreateCases(),              // after-sales: cases with deadlines, the compensation ledger
        M011_AddSweepIndexes(),          // routing: the sweep's queue and answer time-out without scanning every conversation
        M012_CreateForms(),              // forms: public feedback and repair forms that file tickets; pictures on ticket entries
        M013_TrackAttachmentUse(),       // uploads: when first used, so visitors' unused uploads are deleted after a day
        M014_CreateMessageSearch(),      // conversations: message search (FTS5 on SQLite, tsvector + GIN on PostgreSQL)
        M015_CreateSLA(),                // SLA: calendars, policies and their versions, metric clocks with timers, the SLA log
        M016_InboxCalendars(),           // inboxes keep their business hours by a calendar; existing hours become calendars
        M017_CreateAutomation(),         // automation: rules, the firing log (their actions' queue); when a ticket's status changed
        M018_CreateMacros(),             // macros: named steps applied to a conversation or ticket in one click
    ]
}
