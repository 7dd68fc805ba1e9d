import BizCore
import Foundation

extension TwilioMessagingClient {
    /// The backoff `withRetries` uses unless told otherwise: 1 s, doubling, at most 30 s
    /// (with equal jitter; see `RetrySchedule`).
    public static let defaultRetrySchedule = RetrySchedule(base: .seconds(1), factor: 2, cap: .seconds(30))

    /// Runs `body`, and runs it again after failures that may pass: those whose `failureKind`
    /// is `.transient` (429 or error 20429, 5xx, a request that never went out), waiting
    /// `schedule`'s backoff in between and never less than the reply's `Retry-After`.
    ///
    /// Any other failure is rethrown at once: `.authentication` (401, 20003) cannot pass by
    /// waiting, `.permanent` (other 4xx) would fail again, and `.ambiguous` (a timeout after
    /// the request went out, an unreadable reply, a listing too long or leading off the API)
    /// is left to the caller, since `body` may be a write. After `attempts` attempts the last
    /// failure is rethrown. A listing that fails on a later page starts again from its first.
    ///
    /// Swift 6.3 does not infer a closure's typed `throws` from its context, so the closure
    /// names it:
    ///
    /// ```swift
    /// let services = try client.withRetries { () throws(TwilioError) in try client.services() }
    /// ```
    ///
    /// - Parameters:
    ///   - attempts: how many times `body` may run in all (at least once).
    ///   - schedule: the backoff between attempts.
    ///   - sleep: how to wait; the real clock by default, a recorder in tests.
    ///   - body: the call to make, such as `{ () throws(TwilioError) in try client.services() }`.
    public func withRetries<T>(
        _ attempts: Int = 4, schedule: RetrySchedule = TwilioMessagingClient.defaultRetrySchedule,
        sleep: (Duration) -> Void = TwilioMessagingClient.sleep, _ body: () throws(TwilioError) -> T
    ) throws(TwilioError) -> T {
        var attempt = 1
        while true {
            do throws(TwilioError) {
                return try body()
            } catch {
                guard case .transient(let retryAfter) = error.failureKind, attempt < attempts else { throw error }
                sleep(schedule.delay(afterAttempt: attempt, retryAfter: retryAfter))
                attempt += 1
            }
        }
    }

    /// Blocks the calling thread for `duration` (nothing for zero or less).
    public static func sleep(_ duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
