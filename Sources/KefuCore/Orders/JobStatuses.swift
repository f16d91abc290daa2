/// Where a price change stands.
public enum PriceChangeStatus: String, Codable, CaseIterable, Sendable {
    /// Waits for a supervisor (above the requester's limit).
    case pending
    /// Within the requester's limit: applied at once.
    case applied
    /// A supervisor approved it (and so applied it).
    case approved
    case rejected

    public static func parse(_ raw: String, field: String = "status") throws(DomainError) -> PriceChangeStatus {
        guard let value = PriceChangeStatus(rawValue: raw) else {
            throw .invalid(field, "\(field) must be one of \(allCases.map(\.rawValue).joined(separator: ", ")); got '\(raw)'")
        }
        return value
    }
}

/// A durable job's state (payment reminders).
public enum JobStatus: String, Codable, CaseIterable, Sendable {
    case pending, done, failed
}

/// A webhook delivery's state.
public enum DeliveryStatus: String, Codable, CaseIterable, Sendable {
    case pending, delivered, failed
}
