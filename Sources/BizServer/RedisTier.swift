import BizCore
import BizRedis

/// One backend worker's link to Redis: connects lazily, reconnects once at once after a
/// lost connection, then backs off, so that while Redis is down requests skip it instead
/// of each paying a connect timeout.
final class RedisTier {
    private let endpoint: RedisEndpoint
    private var connection: RedisConnection?
    private var health: BackendHealth

    init(endpoint: RedisEndpoint, workerName: String, stats: ServerStats) {
        self.endpoint = endpoint
        self.health = BackendHealth(backend: .redis, workerName: workerName, whileDown: "answering from PostgreSQL", stats: stats)
    }

    /// Runs `body` on a live connection. Returns nil when Redis is unreachable now
    /// (down and not yet due for a retry, or failing again); an error reply is `.failure`.
    func perform<T>(_ body: (RedisConnection) throws(RedisError) -> T) -> Result<T, RedisError>? {
        for attempt in 0..<2 {
            guard let connection = connect() else { return nil }
            do {
                return .success(try body(connection))
            } catch let error where error.isConnectionLevel {
                self.connection = nil
                if attempt == 1 { health.failed(error) }
            } catch {
                return .failure(error)
            }
        }
        return nil
    }

    private func connect() -> RedisConnection? {
        if let connection { return connection }
        guard health.mayConnect else { return nil }
        do {
            let connection = try RedisConnection(endpoint: endpoint)
            self.connection = connection
            health.connected(to: endpoint.description)
            return connection
        } catch {
            health.failed(error)
            return nil
        }
    }
}

extension RedisError {
    /// Whether the connection is unusable after this error (as opposed to an error reply).
    var isConnectionLevel: Bool {
        switch self {
        case .connectFailed, .connectionLost, .authenticationFailed: true
        case .server, .unexpectedReply: false
        }
    }
}
