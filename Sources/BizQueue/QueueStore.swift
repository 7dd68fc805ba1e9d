import BizPostgres
import Foundation

/// `sms_queue` in PostgreSQL: submitting, claiming, finishing and administering jobs.
///
/// Every method is one short statement or transaction on the store's own connection; no
/// transaction stays open while Twilio is asked. Not thread-safe: one store per thread.
public final class QueueStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    // MARK: Submitting

    /// Inserts a job and returns its id; with an idempotency key that a job already has,
    /// returns that job's id instead (`inserted` false). Safe under concurrent submissions
    /// of the same key: the unique index decides, and the loser reads the winner's row.
    public func enqueue(_ job: NewJob) throws(PostgresError) -> (id: Int64, inserted: Bool) {
        let rows = try connection.query(
            """
            INSERT INTO sms_queue (to_number, from_number, messaging_service_sid, body, idempotency_key,
                                   run_at, business_id, max_attempts)
            VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7::uuid, coalesce($8::integer, 3))
            ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id::text AS id
            """,
            [
                job.toNumber, job.fromNumber, job.messagingServiceSID, job.body, job.idempotencyKey, job.runAt,
                job.businessID, job.maxAttempts.map(String.init),
            ])
        if let id = rows[0, "id"].flatMap({ Int64($0) }) { return (id, true) }
        let existing = try connection.query(
            "SELECT id::text AS id FROM sms_queue WHERE idempotency_key = $1", [job.idempotencyKey])
        guard let id = existing[0, "id"].flatMap({ Int64($0) }) else {
            throw .unexpectedResult("the job with this idempotency key vanished")
        }
        return (id, false)
    }

    // MARK: Claiming

    /// The outcome of one claim.
    public enum Claim: Sendable, Equatable {
        /// The job is now `sending`, locked by this worker, its attempt counted.
        case claimed(QueuedJob)
        /// The due job found had to wait for a rate limit: its `run_at` moved to when its
        /// slot opens. Claim again.
        case deferred
        /// No job is due.
        case none
    }

    /// Claims the oldest due job (`FOR UPDATE SKIP LOCKED`, so workers never take the same
    /// one), honouring the rate limits `pacing` gives for it: each is a key (a sender, a
    /// recipient, `global`) and the seconds that must pass between two sends under it.
    /// Commits before returning.
    public func claimNext(workerID: String, pacing: (QueuedJob) -> [(key: String, interval: Double)]) throws(PostgresError) -> Claim {
        try transaction { () throws(PostgresError) -> Claim in
            let rows = try connection.query(
                """
                SELECT \(QueuedJob.columns) FROM sms_queue
                 WHERE status = 'pending' AND run_at <= now()
                 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
            guard !rows.isEmpty else { return .none }
            guard let job = QueuedJob(rows, row: 0) else { throw .unexpectedResult("a job row without its columns") }
            // Sorted, so that two workers lock the same keys in the same order. Slots use
            // clock_timestamp(): now() is when the transaction began, which may be well before
            // this claim got the lock.
            let limits = pacing(job).filter { $0.interval > 0 }.sorted { $0.key < $1.key }
            for limit in limits {
                try connection.query(
                    "INSERT INTO sms_pace (key, next_at) VALUES ($1, '-infinity') ON CONFLICT (key) DO NOTHING", [limit.key])
            }
            if !limits.isEmpty {
                let waits = try connection.query(
                    """
                    SELECT max(next_at)::text AS until, bool_or(next_at > clock_timestamp()) AS must_wait
                      FROM (SELECT next_at FROM sms_pace WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE) AS locked
                    """, [Self.textArray(limits.map(\.key))])
                if waits[0, "must_wait"] == "t" {
                    try connection.query(
                        "UPDATE sms_queue SET run_at = $2::timestamptz WHERE id = $1", [String(job.id), waits[0, "until"]])
                    return .deferred
                }
                for limit in limits {
                    try connection.query(
                        "UPDATE sms_pace SET next_at = clock_timestamp() + make_interval(secs => $2::float8) WHERE key = $1",
                        [limit.key, String(limit.interval)])
                }
            }
            let claimed = try connection.query(
                """
                UPDATE sms_queue SET status = 'sending', locked_by = $2, locked_at = now(), attempts = attempts + 1
                 WHERE id = $1 RETURNING \(QueuedJob.columns)
                """, [String(job.id), workerID])
            guard let mine = QueuedJob(claimed, row: 0) else { throw .unexpectedResult("the claimed job vanished") }
            return .claimed(mine)
        }
    }

    /// Seconds until the next pending job is due (0 when one is due now), nil when none is pending.
    public func secondsUntilNextDue() throws(PostgresError) -> Double? {
        let rows = try connection.query(
            "SELECT greatest(0, extract(epoch FROM min(run_at) - now()))::text AS wait FROM sms_queue WHERE status = 'pending'")
        return rows[0, "wait"].flatMap { Double($0) }
    }

    /// Puts jobs whose worker has held them in `sending` longer than `visibilityTimeout`
    /// seconds (it died, or hung) back to `pending`, marked as maybe sent; returns how many.
    @discardableResult
    public func recoverAbandoned(visibilityTimeout: Double) throws(PostgresError) -> [Int64] {
        let rows = try connection.query(
            """
            UPDATE sms_queue SET status = 'pending', maybe_sent = true, locked_by = NULL, locked_at = NULL,
                   run_at = now(), last_error = 'worker ' || locked_by || ' stopped answering'
             WHERE id IN (SELECT id FROM sms_queue
                           WHERE status = 'sending' AND locked_at < now() - make_interval(secs => $1::float8)
                           ORDER BY locked_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
            RETURNING id::text AS id
            """, [String(visibilityTimeout)])
        return (0..<rows.count).compactMap { rows[$0, "id"].flatMap { Int64($0) } }
    }

    // MARK: Finishing (only while this worker still holds the job)

    /// Marks a claimed job sent with Twilio's message sid.
    @discardableResult
    public func markSent(_ id: Int64, workerID: String, twilioSID: String) throws(PostgresError) -> Bool {
        try finish(id, workerID: workerID, "status = 'sent', twilio_sid = $3, maybe_sent = false, last_error = NULL, last_error_code = NULL", [twilioSID])
    }

    /// Puts a claimed job back to `pending`, to be tried after `delay` seconds.
    /// `maybeSent`: whether this attempt may have reached Twilio.
    @discardableResult
    public func reschedule(
        _ id: Int64, workerID: String, delay: Double, error: String, code: Int?, maybeSent: Bool, countAttempt: Bool = true
    ) throws(PostgresError) -> Bool {
        try finish(
            id, workerID: workerID,
            """
            status = 'pending', run_at = now() + make_interval(secs => $3::float8), last_error = $4,
            last_error_code = $5::integer, maybe_sent = maybe_sent OR $6::boolean,
            attempts = CASE WHEN $7::boolean THEN attempts ELSE greatest(attempts - 1, 0) END
            """, [String(delay), error, code.map(String.init), maybeSent ? "true" : "false", countAttempt ? "true" : "false"])
    }

    /// Marks a claimed job failed for good.
    @discardableResult
    public func markFailed(_ id: Int64, workerID: String, error: String, code: Int?) throws(PostgresError) -> Bool {
        try finish(id, workerID: workerID, "status = 'failed', last_error = $3, last_error_code = $4::integer", [error, code.map(String.init)])
    }

    /// Applies `assignments` ($3 onwards are `extra`) and unlocks the job, if `workerID`
    /// still holds it; returns whether it did (a job recovered from this worker after the
    /// visibility timeout is no longer its own).
    private func finish(_ id: Int64, workerID: String, _ assignments: String, _ extra: [String?]) throws(PostgresError) -> Bool {
        let rows = try connection.query(
            """
            UPDATE sms_queue SET \(assignments), locked_by = NULL, locked_at = NULL
             WHERE id = $1 AND status = 'sending' AND locked_by = $2
            """, [String(id), workerID] + extra)
        return rows.affectedRowCount == 1
    }

    // MARK: Administering

    /// Jobs per status (every status present, zero when none) and the age in seconds of the
    /// oldest pending job that is due.
    public func status() throws(PostgresError) -> (counts: [JobStatus: Int], oldestPendingAge: Double?) {
        let rows = try connection.query("SELECT status, count(*)::text AS n FROM sms_queue GROUP BY status")
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for row in 0..<rows.count {
            if let status = rows[row, "status"].flatMap(JobStatus.init(rawValue:)) {
                counts[status] = rows[row, "n"].flatMap { Int($0) } ?? 0
            }
        }
        let age = try connection.query(
            """
            SELECT extract(epoch FROM now() - min(run_at))::text AS age
              FROM sms_queue WHERE status = 'pending' AND run_at <= now()
            """)
        return (counts, age[0, "age"].flatMap { Double($0) })
    }

    /// Jobs waiting and being sent, and the age of the oldest due one, in one statement
    /// that reads only unfinished jobs (the partial indexes on `pending` and `sending`).
    /// Honours the connection's `timeLimit`: the statement is prepared and run the way
    /// libpq can bound in time.
    public func depth() throws(PostgresError) -> QueueDepth {
        if !connection.isPrepared(Self.depthStatement) {
            try connection.prepare(name: Self.depthStatement, sql: """
                SELECT count(*) FILTER (WHERE status = 'pending')::text AS pending,
                       count(*) FILTER (WHERE status = 'sending')::text AS sending,
                       coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'pending' AND run_at <= now())),
                                0)::text AS age
                  FROM sms_queue WHERE status IN ('pending', 'sending')
                """)
        }
        let rows = try connection.queryPreparedPipelined(name: Self.depthStatement, [[]])[0].get()
        guard let pending = rows[0, "pending"].flatMap({ Int($0) }), let sending = rows[0, "sending"].flatMap({ Int($0) }),
            let age = rows[0, "age"].flatMap({ Double($0) })
        else { throw .unexpectedResult("the queue's depth without its columns") }
        return QueueDepth(pending: pending, sending: sending, oldestPendingAge: max(0, age))
    }

    private static let depthStatement = "bizqueue_depth"

    /// Jobs with a status, newest first.
    public func list(status: JobStatus, limit: Int) throws(PostgresError) -> [QueuedJob] {
        let rows = try connection.query(
            "SELECT \(QueuedJob.columns) FROM sms_queue WHERE status = $1 ORDER BY id DESC LIMIT $2::integer",
            [status.rawValue, String(limit)])
        return (0..<rows.count).compactMap { QueuedJob(rows, row: $0) }
    }

    /// The job with `id`, if any.
    public func job(_ id: Int64) throws(PostgresError) -> QueuedJob? {
        let rows = try connection.query("SELECT \(QueuedJob.columns) FROM sms_queue WHERE id = $1", [String(id)])
        return rows.isEmpty ? nil : QueuedJob(rows, row: 0)
    }

    /// Puts a failed job back to pending with its attempts reset; false if it is not failed.
    public func retry(_ id: Int64) throws(PostgresError) -> Bool {
        try connection.query(
            """
            UPDATE sms_queue SET status = 'pending', attempts = 0, run_at = now(), last_error = NULL,
                   last_error_code = NULL WHERE id = $1 AND status = 'failed'
            """, [String(id)]
        ).affectedRowCount == 1
    }

    /// Cancels a pending job; false if it is not pending (a job being sent cannot be called back).
    public func cancel(_ id: Int64) throws(PostgresError) -> Bool {
        try connection.query(
            "UPDATE sms_queue SET status = 'cancelled' WHERE id = $1 AND status = 'pending'", [String(id)]
        ).affectedRowCount == 1
    }

    /// Deletes finished jobs (sent, failed, cancelled) last changed more than `olderThan`
    /// seconds ago, `batch` rows per statement so that no statement holds many locks long;
    /// returns how many were deleted.
    public func prune(olderThan: Double, batch: Int = 10_000) throws(PostgresError) -> Int {
        var total = 0
        while true {
            let deleted = try connection.query(
                """
                DELETE FROM sms_queue WHERE id IN (
                    SELECT id FROM sms_queue
                     WHERE status IN ('sent', 'failed', 'cancelled')
                       AND updated_at < now() - make_interval(secs => $1::float8)
                     LIMIT $2::integer)
                """, [String(olderThan), String(batch)]
            ).affectedRowCount ?? 0
            total += deleted
            if deleted < batch { return total }
        }
    }

    // MARK: Internals

    private func transaction<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        try connection.execute("BEGIN")
        do {
            let result = try body()
            try connection.execute("COMMIT")
            return result
        } catch {
            if !error.isConnectionProblem { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// A PostgreSQL text array literal of keys (quoted, so any character is safe).
    private static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
