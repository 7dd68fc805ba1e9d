import BizCore
import BizPostgres
import Foundation

/// The businesses the 10DLC sync checks, and how it records its findings: merged into
/// `custom_settings` and kept in `tasks`, each business in a transaction of its own.
public final class ComplianceStore {
    /// The task type the sync opens for a number that cannot send.
    public static let taskType = "10DLC_REGISTRATION"

    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A business with a Twilio number, as the sync sees it.
    public struct Business: Sendable, Equatable {
        public let id: String
        public let name: String
        public let twilioPhone: String
        /// `custom_settings.has10DLC` before this run, if it was a boolean.
        public let had10DLC: Bool?
    }

    /// Every business with a `twilio_phone`, in id order.
    public func businessesWithTwilioNumbers() throws(PostgresError) -> [Business] {
        let rows = try connection.query(
            """
            SELECT id::text AS id, name, twilio_phone,
                   CASE jsonb_typeof(custom_settings -> 'has10DLC')
                        WHEN 'boolean' THEN (custom_settings ->> 'has10DLC') END AS had
              FROM businesses WHERE twilio_phone IS NOT NULL ORDER BY id
            """)
        return (0..<rows.count).compactMap { row in
            guard let id = rows[row, "id"], let name = rows[row, "name"], let phone = rows[row, "twilio_phone"] else { return nil }
            return Business(id: id, name: name, twilioPhone: phone, had10DLC: rows[row, "had"].map { $0 == "true" })
        }
    }

    /// What recording one business's finding changed.
    public struct Outcome: Sendable, Equatable {
        public var taskOpened = false
        public var taskUpdated = false
        public var taskClosed = false
        public init() {}
    }

    /// Records a finding for one business in one transaction: merges the 10DLC keys into
    /// `custom_settings` (other keys are kept; the update notifies bizcached like any change),
    /// then opens, updates or closes its registration task.
    ///
    /// - Parameters:
    ///   - settings: the keys to merge, as a JSON object.
    ///   - taskData: the open task's data when the number cannot send; nil when it can.
    public func record(businessID: String, settings: String, taskData: String?) throws(PostgresError) -> Outcome {
        try connection.execute("BEGIN")
        do {
            var outcome = Outcome()
            try connection.query(
                "UPDATE businesses SET custom_settings = custom_settings || $2::jsonb WHERE id = $1::uuid",
                [businessID, settings])
            if let taskData {
                let opened = try connection.query(
                    """
                    INSERT INTO tasks (type, business_id, data) VALUES ($1, $2::uuid, $3::jsonb)
                    ON CONFLICT (business_id, type) WHERE status IN ('pending', 'in_progress') DO NOTHING
                    RETURNING id
                    """, [Self.taskType, businessID, taskData])
                if opened.count == 1 {
                    outcome.taskOpened = true
                } else {
                    let updated = try connection.query(
                        """
                        UPDATE tasks SET data = $3::jsonb
                         WHERE business_id = $2::uuid AND type = $1 AND status IN ('pending', 'in_progress')
                           AND data IS DISTINCT FROM $3::jsonb
                        """, [Self.taskType, businessID, taskData])
                    outcome.taskUpdated = updated.affectedRowCount == 1
                }
            } else {
                let closed = try connection.query(
                    """
                    UPDATE tasks SET status = 'done', closed_at = now()
                     WHERE business_id = $2::uuid AND type = $1 AND status IN ('pending', 'in_progress')
                    """, [Self.taskType, businessID])
                outcome.taskClosed = (closed.affectedRowCount ?? 0) > 0
            }
            try connection.execute("COMMIT")
            return outcome
        } catch {
            if !error.isConnectionProblem { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}

extension ComplianceStore {
    /// The data of the business's open registration task, nil when it has none (for a dry
    /// run's report of what would change).
    public func openTaskData(businessID: String) throws(PostgresError) -> String?? {
        let rows = try connection.query(
            """
            SELECT data::text AS data FROM tasks
             WHERE business_id = $2::uuid AND type = $1 AND status IN ('pending', 'in_progress')
            """, [Self.taskType, businessID])
        return rows.isEmpty ? nil : .some(rows[0, "data"])
    }
}
