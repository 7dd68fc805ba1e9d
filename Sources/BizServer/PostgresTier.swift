import BizCore
import BizPostgres

/// One backend worker's link to PostgreSQL, with the same reconnect rules as `RedisTier`:
/// one immediate retry after a lost connection, then backoff during which lookups fail
/// fast as unavailable.
final class PostgresTier {
    private let connectionString: String
    private var store: BusinessStore?
    private var health: BackendHealth

    init(connectionString: String, workerName: String) {
        self.connectionString = connectionString
        self.health = BackendHealth(backend: "postgres", workerName: workerName, whileDown: "answering UNAVAILABLE for uncached numbers")
    }

    /// The businesses whose public or Twilio phone is `phone` (at most two), or the error
    /// that kept PostgreSQL from answering.
    func businesses(withPhone phone: PhoneNumber) -> Result<[Business], PostgresError> {
        for attempt in 0..<2 {
            let store: BusinessStore
            switch connect() {
            case .success(let connected): store = connected
            case .failure(let error): return .failure(error)
            }
            do {
                return .success(try store.businesses(withPhone: phone))
            } catch let error where error.isConnectionProblem {
                self.store = nil
                if attempt == 1 {
                    health.failed(error)
                    return .failure(error)
                }
            } catch {
                return .failure(error)
            }
        }
        return .failure(.connectionLost("no connection"))
    }

    private func connect() -> Result<BusinessStore, PostgresError> {
        if let store { return .success(store) }
        guard health.mayConnect else { return .failure(.connectionFailed("waiting before reconnecting")) }
        do {
            let connection = try PostgresConnection(connectionString: connectionString)
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
