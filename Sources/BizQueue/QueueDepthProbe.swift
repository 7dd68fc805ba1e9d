import BizPostgres
import BizSystem
import Synchronization

/// Reads the queue's depth for a scrape on a PostgreSQL connection of its own, with a short
/// time limit, so that a slow or unreachable database delays a scrape by at most that and
/// never breaks it. Connects again at the next scrape after a failure.
final class QueueDepthProbe: Sendable {
    /// How long connecting, or the query, may take.
    static let timeLimit: Duration = .seconds(2)

    private struct State {
        var store: QueueStore?
        var failing = false
    }

    private let databaseURL: String
    private let state = Mutex(State())

    init(databaseURL: String) {
        self.databaseURL = databaseURL
    }

    /// The depth now, or nil when PostgreSQL did not answer in time (logged once per outage).
    func read() -> QueueDepth? {
        state.withLock { state in
            do throws(PostgresError) {
                let store: QueueStore
                if let open = state.store {
                    store = open
                } else {
                    let connection = try PostgresConnection(connectionString: databaseURL, connectTimeout: Self.timeLimit)
                    connection.timeLimit = Self.timeLimit
                    store = QueueStore(connection: connection)
                    state.store = store
                }
                let depth = try store.depth()
                if state.failing { Log.info("queue depth readable again") }
                state.failing = false
                return depth
            } catch {
                if error.isConnectionProblem { state.store = nil }
                if !state.failing { Log.warning("cannot read the queue's depth for metrics", ["error": error.description]) }
                state.failing = true
                return nil
            }
        }
    }
}
