/// How long to wait before trying a text again: exponential backoff with "equal jitter".
///
/// After attempt `n` (1 for the first) failed, the ceiling is `base × factor^(n−1)`, at most
/// `cap`, and the wait is drawn uniformly from `ceiling/2 … ceiling`. Equal jitter rather
/// than full jitter (`0 … ceiling`): retries of many texts that failed together still spread
/// out over half the ceiling, but no retry comes back almost at once, which is what a rate
/// limit or an overloaded server needs. A `Retry-After` from the server is a floor: the wait
/// is never shorter, even when it is longer than `cap`, up to `retryAfterLimit` (one hour):
/// a server that asks for days (or sends garbage) must not park a text or a nightly job.
///
/// With the defaults (2 s, ×2, 10 min) the ceilings are 2 s, 4 s, 8 s, … and reach the cap
/// at the tenth attempt (1,024 s capped to 600 s).
public struct RetrySchedule: Hashable, Sendable {
    /// The ceiling after the first failed attempt.
    public let base: Duration
    /// How much the ceiling grows with each further attempt (at least 1).
    public let factor: Double
    /// The largest ceiling; never below `base`.
    public let cap: Duration
    /// The longest `Retry-After` honoured; longer ones are cut to this.
    public static let retryAfterLimit: Duration = .seconds(3600)

    /// - Parameters:
    ///   - base: the ceiling after the first failed attempt; not negative.
    ///   - factor: the growth per attempt; at least 1.
    ///   - cap: the largest ceiling; raised to `base` if smaller.
    public init(base: Duration = .seconds(2), factor: Double = 2, cap: Duration = .seconds(600)) {
        precondition(base >= .zero, "RetrySchedule base must not be negative")
        precondition(factor >= 1 && factor.isFinite, "RetrySchedule factor must be a finite number >= 1")
        self.base = base
        self.factor = factor
        self.cap = max(base, cap)
    }

    /// The ceiling of the wait after `attempt` failed (1 for the first attempt; smaller values
    /// count as 1): `base × factor^(attempt−1)`, at most `cap`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let capNanoseconds = Self.nanoseconds(cap)
        let exponent = max(attempt, 1) - 1
        let grown = Double(Self.nanoseconds(base)) * Self.power(factor, exponent)
        // Compared in Double first: the product may be far beyond Int64 (or infinite).
        guard grown < Double(capNanoseconds) else { return .nanoseconds(capNanoseconds) }
        return .nanoseconds(Int64(grown))
    }

    /// The wait before the next attempt, after `attempt` failed (1 for the first attempt):
    /// uniformly random in `ceiling/2 … ceiling`, and never less than `retryAfter`.
    ///
    /// - Parameters:
    ///   - attempt: how many attempts have been made, the failed one included.
    ///   - retryAfter: the wait the server asked for (`Retry-After`), if any.
    ///   - generator: the source of the jitter (`SystemRandomNumberGenerator` in production,
    ///     a seeded one in tests).
    public func delay(
        afterAttempt attempt: Int,
        retryAfter: Duration?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let ceiling = Self.nanoseconds(ceiling(afterAttempt: attempt))
        let floor = ceiling / 2
        let jittered = Duration.nanoseconds(floor + Int64.random(in: 0...(ceiling - floor), using: &generator))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, Self.retryAfterLimit))
    }

    /// The wait before the next attempt, with the system's random number generator.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
    }

    /// Whether another attempt is allowed after `attempts` have been made: true while
    /// `attempts < maxAttempts`. A `maxAttempts` of 0 or less allows none.
    public func shouldRetry(attempts: Int, maxAttempts: Int) -> Bool {
        attempts < maxAttempts
    }

    /// A duration in whole nanoseconds, saturating at `Int64.max` (about 292 years).
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : total
    }

    /// `base` raised to a whole-number `exponent`, by squaring (no Foundation `pow`).
    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        var factor = base
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            factor *= factor
            remaining >>= 1
        }
        return result
    }
}
