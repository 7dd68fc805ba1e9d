import BizCore
import BizSystem

/// Whether one worker's link to a backend is up, when to try again after a failure, and
/// a log line for each change (not for every failed request).
struct BackendHealth {
    /// `redis` or `postgres`, for log lines.
    let backend: String
    let workerName: String
    /// What to tell the operator the daemon does while the backend is down.
    let whileDown: String
    private var backoff = Backoff()
    private var isDown = false
    private var hasConnected = false

    init(backend: String, workerName: String, whileDown: String) {
        self.backend = backend
        self.workerName = workerName
        self.whileDown = whileDown
    }

    /// Whether a connection attempt is due (always, unless a recent one failed).
    var mayConnect: Bool { backoff.isDue(now: MonotonicClock.nanoseconds()) }

    /// Records a new connection; `server` describes it without credentials.
    mutating func connected(to server: String) {
        backoff.succeeded()
        let message = isDown ? "\(backend) reconnected" : hasConnected ? "\(backend) connection renewed" : "\(backend) connected"
        Log.info(message, ["worker": workerName, backend: server])
        isDown = false
        hasConnected = true
    }

    /// Records a failed connection or a connection lost twice in a row.
    mutating func failed(_ error: some CustomStringConvertible) {
        backoff.failed(now: MonotonicClock.nanoseconds())
        guard !isDown else { return }
        isDown = true
        Log.warning("\(backend) unavailable, \(whileDown)", ["worker": workerName, "error": error.description])
    }
}
