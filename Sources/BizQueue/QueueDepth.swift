/// How many jobs wait in `sms_queue` and how long the oldest due one has waited: the
/// worker's queue gauges, read from PostgreSQL when metrics are scraped.
public struct QueueDepth: Sendable, Equatable {
    /// Jobs `pending`, due or scheduled for later (a retry's backoff, a rate limit's slot).
    public var pending: Int
    /// Jobs `sending`: claimed by a worker, outcome not yet recorded.
    public var sending: Int
    /// Seconds since the oldest due `pending` job became due; 0 when none is due.
    public var oldestPendingAge: Double

    public init(pending: Int, sending: Int, oldestPendingAge: Double) {
        self.pending = pending
        self.sending = sending
        self.oldestPendingAge = oldestPendingAge
    }
}
