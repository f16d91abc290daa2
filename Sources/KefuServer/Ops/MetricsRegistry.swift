import CoreMetrics
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics. swift-metrics can be
/// bootstrapped once per process, so every application in it (tests start many)
/// shares this registry. Vapor records `http_requests_total` and
/// `http_request_duration_seconds` through it.
enum MetricsRegistry {
    static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000].map { Duration.microseconds(Int64($0 * 1000)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes sure the registry is installed before the first request.
    static func install() { _ = shared }

    static func render() -> String {
        var buffer = [UInt8]()
        shared.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
