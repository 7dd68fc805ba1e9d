import BizCore
import BizPostgres

/// One backend worker's link to PostgreSQL, with the same reconnect rules as `RedisTier`:
/// one immediate retry after a lost connection, then backoff during which lookups fail
/// fast as unavailable.
final class PostgresTier {
    private let connectionString: String
    /// Read before each round, so that a reloaded query timeout applies at once.
    private let timeLimit: @Sendable () -> Duration
    private var store: BusinessStore?
    private var health: BackendHealth

    /// - Parameter timeLimit: how long a connect, or a round of queries, may take.
    init(connectionString: String, timeLimit: @escaping @Sendable () -> Duration, workerName: String, stats: ServerStats) {
        self.connectionString = connectionString
        self.timeLimit = timeLimit
        self.health = BackendHealth(
            backend: .postgres, workerName: workerName, whileDown: "answering UNAVAILABLE for uncached numbers", stats: stats)
    }

    /// For each phone, the businesses whose public or Twilio phone it is (at most two), or
    /// the error that kept PostgreSQL from answering; all in one pipelined round trip.
    func businesses(withPhones phones: [PhoneNumber]) -> [Result<[Business], PostgresError>] {
        func all(_ error: PostgresError) -> [Result<[Business], PostgresError>] {
            Array(repeating: .failure(error), count: phones.count)
        }
        for attempt in 0..<2 {
            let store: BusinessStore
            switch connect() {
            case .success(let connected): store = connected
            case .failure(let error): return all(error)
            }
            do {
                store.connection.timeLimit = timeLimit()
                return try store.businesses(withPhones: phones)
            } catch let error where error.isConnectionProblem {
                self.store = nil
                // A server that did not answer in time is not asked again at once: the
                // lookup has used its time.
                if attempt == 1 || error.isTimeout {
                    health.failed(error)
                    return all(error)
                }
            } catch {
                return all(error)
            }
        }
        return all(.connectionLost("no connection"))
    }

    private func connect() -> Result<BusinessStore, PostgresError> {
        if let store { return .success(store) }
        guard health.mayConnect else { return .failure(.connectionFailed("waiting before reconnecting")) }
        do {
            let connection = try PostgresConnection(connectionString: connectionString, connectTimeout: timeLimit())
            let store = BusinessStore(connection: connection)
            self.store = store
            health.connected(to: connection.serverDescription)
            return .success(store)
        } catch {
            health.failed(error)
            return .failure(error)
        }
    }
}
