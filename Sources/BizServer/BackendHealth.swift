import BizCore
import BizSystem

/// Whether one worker's link to a backend is up, when to try again after a failure, and
/// a log line for each change (not for every failed request). Failures and reconnections
/// are counted in `ServerStats`.
struct BackendHealth {
    let backend: ServerStats.Backend
    let workerName: String
    /// What to tell the operator the daemon does while the backend is down.
    let whileDown: String
    private var backoff = Backoff()
    private var isDown = false
    private var hasConnected = false
    private let stats: ServerStats

    init(backend: ServerStats.Backend, workerName: String, whileDown: String, stats: ServerStats) {
        self.backend = backend
        self.workerName = workerName
        self.whileDown = whileDown
        self.stats = stats
    }

    /// Whether a connection attempt is due (always, unless a recent one failed).
    var mayConnect: Bool { backoff.isDue(now: MonotonicClock.nanoseconds()) }

    /// Records a new connection; `server` describes it without credentials.
    mutating func connected(to server: String) {
        backoff.succeeded()
        if hasConnected { stats.recordBackendReconnect(backend) }
        let name = backend.name
        let message = isDown ? "\(name) reconnected" : hasConnected ? "\(name) connection renewed" : "\(name) connected"
        Log.info(message, ["worker": workerName, name: server])
        isDown = false
        hasConnected = true
    }

    /// Records a failed connection or a connection lost twice in a row.
    mutating func failed(_ error: some CustomStringConvertible) {
        backoff.failed(now: MonotonicClock.nanoseconds())
        stats.recordBackendError(backend)
        guard !isDown else { return }
        isDown = true
        Log.warning("\(backend.name) unavailable, \(whileDown)", ["worker": workerName, "error": error.description])
    }
}
