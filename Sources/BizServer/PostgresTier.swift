import BizCore
import BizPostgres
import BizSystem

/// One backend worker's link to PostgreSQL, with the same reconnect rules as `RedisTier`:
/// one immediate retry after a lost connection, then backoff during which lookups fail
/// fast as unavailable.
final class PostgresTier {
    private let connectionString: String
    private let workerName: String
    private var store: BusinessStore?
    private var backoff = Backoff()
    private var isDown = false

    init(connectionString: String, workerName: String) {
        self.connectionString = connectionString
        self.workerName = workerName
    }

    /// The businesses whose public or Twilio phone is `phone` (at most two), or the error
    /// that kept PostgreSQL from answering.
    func businesses(withPhone phone: PhoneNumber) -> Result<[Business], PostgresError> {
        var lastError = PostgresError.connectionFailed("not connected yet")
        for _ in 0..<2 {
            guard let store = connect(&lastError) else { return .failure(lastError) }
            do {
                return .success(try store.businesses(withPhone: phone))
            } catch let error where error.isConnectionProblem {
                self.store = nil
                lastError = error
            } catch {
                return .failure(error)
            }
        }
        markDown(lastError)
        return .failure(lastError)
    }

    private func connect(_ lastError: inout PostgresError) -> BusinessStore? {
        if let store { return store }
        guard backoff.isDue(now: MonotonicClock.nanoseconds()) else { return nil }
        do {
            let connection = try PostgresConnection(connectionString: connectionString)
            let store = BusinessStore(connection: connection)
            self.store = store
            backoff.succeeded()
            Log.info(isDown ? "postgres reconnected" : "postgres connected",
                     ["worker": workerName, "postgres": connection.serverDescription])
            isDown = false
            return store
        } catch {
            lastError = error
            markDown(error)
            return nil
        }
    }

    private func markDown(_ error: PostgresError) {
        backoff.failed(now: MonotonicClock.nanoseconds())
        if !isDown {
            isDown = true
            Log.error("postgres unavailable", ["worker": workerName, "error": error.description])
        }
    }
}
