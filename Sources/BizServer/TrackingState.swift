import Synchronization

/// Which Redis client receives this process's key invalidations, shared by the tracking
/// listener (which sets it) and the event loops' Redis links (which redirect to it).
///
/// Values read from Redis may enter the LRU only over a connection whose tracking
/// redirects to the current subscriber: otherwise a change made by another instance
/// would never reach this one. Each (re)subscription starts a new epoch, and a link
/// registers again before its next lookup when the epoch it registered in is over.
final class TrackingState: Sendable {
    private let state = Mutex<(clientID: Int?, epoch: UInt64)>((nil, 0))

    /// The subscriber's Redis client id (nil while there is none) and the current epoch.
    var current: (clientID: Int?, epoch: UInt64) { state.withLock { $0 } }

    /// A new subscriber is listening.
    func subscribed(clientID: Int) {
        state.withLock { $0 = (clientID, $0.epoch &+ 1) }
    }

    /// The subscriber's connection is gone: no lookup may use Redis until the next one.
    func lost() {
        state.withLock { $0 = (nil, $0.epoch &+ 1) }
    }
}
