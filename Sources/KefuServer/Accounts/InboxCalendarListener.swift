import Fluent
import Foundation
import KefuCore
import SQLKit
import Vapor

/// Inboxes keep their business hours by a calendar: when its hours change, each inbox that
/// counts on it copies them (the copy is what the chat path reads) and its cached settings are
/// forgotten (durable: exactly once, in the listener's transaction).
struct InboxCalendarListener: DurableListener {
    let name = "inbox-calendars"
    let kinds: Set<EventKind> = [.calendarUpdated]

    func handle(_ event: DomainEvent, in unit: UnitOfWork) async throws {
        guard case .calendarUpdated(let f) = event.fact else { return }
        let inboxes = try await Inbox.query(on: unit.db).filter(\.$accountID == event.accountID).filter(\.$calendarID == f.calendarID).all()
        guard !inboxes.isEmpty else { return }
        let json = FrameCoder.encode(f.hours)
        for inbox in inboxes where inbox.businessHoursJSON != json {
            inbox.businessHoursJSON = json
            try await inbox.update(on: unit.db)
        }
        let app = unit.app
        let ids = inboxes.compactMap(\.id)
        unit.onCommit { for id in ids { app.inboxes.changed(id, accountID: event.accountID) } }
    }
}
