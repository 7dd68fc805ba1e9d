import BizPostgres
import Foundation

/// Where a job is in its life (the `status` column).
public enum JobStatus: String, Sendable, CaseIterable {
    case pending, sending, sent, failed, cancelled
}

/// One row of `sms_queue`, as the worker and the CLI see it.
public struct QueuedJob: Sendable, Equatable {
    public let id: Int64
    /// The recipient, E.164 (the table's CHECK guarantees the form).
    public let toNumber: String
    /// The sending number, E.164, or nil when a messaging service sends.
    public let fromNumber: String?
    /// The messaging service (`MG…`), or nil when a number sends.
    public let messagingServiceSID: String?
    public let body: String
    public let status: JobStatus
    /// Attempts made so far, the current one included once claimed.
    public let attempts: Int
    public let maxAttempts: Int
    /// When the job may next be tried, as PostgreSQL prints it.
    public let runAt: String
    /// Whether an earlier attempt may have reached Twilio.
    public let maybeSent: Bool
    public let lastError: String?
    public let lastErrorCode: Int?
    public let twilioSID: String?
    public let idempotencyKey: String?
    public let createdAt: Date

    /// The pacing key of the sender: its number or its messaging service.
    public var senderKey: String { fromNumber ?? messagingServiceSID ?? "" }

    /// The columns `QueueStore` selects, in the order `init(row:)` reads them.
    static let columns = """
        id::text AS id, to_number, from_number, messaging_service_sid, body, status,
        attempts::text AS attempts, max_attempts::text AS max_attempts, run_at::text AS run_at,
        maybe_sent::text AS maybe_sent, last_error, last_error_code::text AS last_error_code,
        twilio_sid, idempotency_key, extract(epoch FROM created_at)::text AS created_epoch
        """

    init?(_ rows: PostgresRows, row: Int) {
        guard let id = rows[row, "id"].flatMap({ Int64($0) }), let to = rows[row, "to_number"],
            let body = rows[row, "body"], let status = rows[row, "status"].flatMap(JobStatus.init(rawValue:)),
            let attempts = rows[row, "attempts"].flatMap({ Int($0) }),
            let maxAttempts = rows[row, "max_attempts"].flatMap({ Int($0) }), let runAt = rows[row, "run_at"],
            let created = rows[row, "created_epoch"].flatMap({ Double($0) })
        else { return nil }
        self.id = id
        self.toNumber = to
        self.fromNumber = rows[row, "from_number"]
        self.messagingServiceSID = rows[row, "messaging_service_sid"]
        self.body = body
        self.status = status
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.maybeSent = rows[row, "maybe_sent"] == "true"
        self.lastError = rows[row, "last_error"]
        self.lastErrorCode = rows[row, "last_error_code"].flatMap { Int($0) }
        self.twilioSID = rows[row, "twilio_sid"]
        self.idempotencyKey = rows[row, "idempotency_key"]
        self.createdAt = Date(timeIntervalSince1970: created)
    }
}
