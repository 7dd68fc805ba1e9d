/// Exponential backoff between reconnection attempts: `initial`, doubling up to `maximum`.
///
/// Pure state: the caller says when an attempt failed or succeeded and asks whether the
/// next attempt is due, passing the time in nanoseconds of a monotonic clock.
public struct Backoff: Sendable {
    public let initial: UInt64
    public let maximum: UInt64
    private var delay: UInt64
    private var nextAttemptAt: UInt64 = 0

    /// - Parameters: delays in nanoseconds.
    public init(initial: UInt64 = 100_000_000, maximum: UInt64 = 5_000_000_000) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.delay = initial
    }

    /// Whether an attempt may be made at `now`.
    public func isDue(now: UInt64) -> Bool { now >= nextAttemptAt }

    /// Records a failed attempt: the next one waits for the current delay, which then doubles.
    public mutating func failed(now: UInt64) {
        let (due, late) = now.addingReportingOverflow(delay)
        nextAttemptAt = late ? .max : due
        let (doubled, overflow) = delay.multipliedReportingOverflow(by: 2)
        delay = overflow ? maximum : min(maximum, doubled)
    }

    /// Records a success: the next failure starts again from `initial`.
    public mutating func succeeded() {
        delay = initial
        nextAttemptAt = 0
    }
}
