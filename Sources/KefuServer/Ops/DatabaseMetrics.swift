import Foundation
import KefuCore
import Metrics

/// Database pool figures exposed on `/metrics`: configured pool size, whether the
/// database answers, and how long a `SELECT 1` round trip took.
extension KefuContext {
    func registerDatabaseMetrics() {
        let driver = settings.database.isPostgres ? "postgresql" : "sqlite"
        let pool = settings.database.isPostgres ? settings.postgresPoolSize : 1
        Gauge(label: "kefu_db_pool_connections_per_event_loop", dimensions: [("driver", driver)]).record(pool)
    }

    func recordDatabase(reachable: Bool, ping: Duration) {
        let driver = settings.database.isPostgres ? "postgresql" : "sqlite"
        Gauge(label: "kefu_db_up", dimensions: [("driver", driver)]).record(reachable ? 1 : 0)
        if reachable { recordDatabasePing(ping) }
    }

    func recordDatabasePing(_ ping: Duration) {
        let driver = settings.database.isPostgres ? "postgresql" : "sqlite"
        Metrics.Timer(label: "kefu_db_ping_seconds", dimensions: [("driver", driver)]).record(duration: ping)
    }
}
