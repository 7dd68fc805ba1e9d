import BizCore
import BizRedis
import BizSystem

/// One backend worker's link to Redis: connects lazily, reconnects once at once after a
/// lost connection, then backs off, so that while Redis is down requests skip it instead
/// of each paying a connect timeout.
final class RedisTier {
    private let endpoint: RedisEndpoint
    private let workerName: String
    private var connection: RedisConnection?
    private var backoff = Backoff()
    private var isDown = false

    init(endpoint: RedisEndpoint, workerName: String) {
        self.endpoint = endpoint
        self.workerName = workerName
    }

    /// Runs `body` on a live connection. Returns nil when Redis is unreachable now
    /// (down and not yet due for a retry, or failing again); the failure is logged once.
    func perform<T>(_ body: (RedisConnection) throws(RedisError) -> T) -> Result<T, RedisError>? {
        for attempt in 0..<2 {
            guard let connection = connect() else { return nil }
            do {
                return .success(try body(connection))
            } catch let error where error.isConnectionLevel {
                self.connection = nil
                if attempt == 1 { markDown(error) }
            } catch {
                return .failure(error)
            }
        }
        return nil
    }

    private func connect() -> RedisConnection? {
        if let connection { return connection }
        let now = MonotonicClock.nanoseconds()
        guard backoff.isDue(now: now) else { return nil }
        do {
            let connection = try RedisConnection(endpoint: endpoint)
            self.connection = connection
            backoff.succeeded()
            if isDown {
                isDown = false
                Log.info("redis reconnected", ["worker": workerName, "redis": endpoint.description])
            }
            return connection
        } catch {
            markDown(error)
            return nil
        }
    }

    private func markDown(_ error: RedisError) {
        backoff.failed(now: MonotonicClock.nanoseconds())
        if !isDown {
            isDown = true
            Log.warning(
                "redis unavailable, answering from PostgreSQL",
                ["worker": workerName, "redis": endpoint.description, "error": error.description])
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
