import Synchronization

/// Slows password guessing at the admin sign-in: after `failureLimit` failed sign-ins for one
/// name within `window`, each further try for that name must wait, longer after each failure.
///
/// The wait after the limit is reached is `baseDelay`, doubling with each further failure in
/// the window, at most `maximumDelay`, counted from the latest failure. Failures older than
/// `window` are forgotten, so a name left alone for a window is free again; a successful
/// sign-in forgets the name at once. At most `capacity` names are remembered: when full,
/// names whose failures are all older than the window go first, then the names that failed
/// least recently.
///
/// Times are the caller's monotonic clock in nanoseconds.
public final class LoginThrottle: Sendable {
    public let failureLimit: Int
    public let window: UInt64
    public let baseDelay: UInt64
    public let maximumDelay: UInt64
    public let capacity: Int

    /// Failures of one name within the window, oldest first, at most `failureLimit + 32`.
    private let failures = Mutex<[String: [UInt64]]>([:])

    /// The longest name remembered as given; longer names are cut to it, so memory is bounded.
    public static let maximumNameLength = 128

    public init(
        failureLimit: Int = 5, window: UInt64 = 60_000_000_000, baseDelay: UInt64 = 1_000_000_000,
        maximumDelay: UInt64 = 60_000_000_000, capacity: Int = 10_000
    ) {
        self.failureLimit = max(1, failureLimit)
        self.window = window
        self.baseDelay = baseDelay
        self.maximumDelay = max(baseDelay, maximumDelay)
        self.capacity = max(1, capacity)
    }

    /// How long a try for `name` must still wait, in nanoseconds; 0 when it may go ahead.
    public func delay(for name: String, now: UInt64) -> UInt64 {
        failures.withLock { failures in
            guard let times = recent(failures[Self.key(name)] ?? [], now: now), times.count >= failureLimit,
                let latest = times.last
            else { return 0 }
            let until = latest &+ wait(afterFailures: times.count)
            return until > now ? until - now : 0
        }
    }

    /// Counts a failed sign-in for `name`.
    public func recordFailure(for name: String, now: UInt64) {
        failures.withLock { failures in
            let key = Self.key(name)
            if failures[key] == nil, failures.count >= capacity {
                makeRoom(in: &failures, now: now)
            }
            var times = recent(failures[key] ?? [], now: now) ?? []
            times.append(now)
            if times.count > failureLimit + 32 { times.removeFirst(times.count - failureLimit - 32) }
            failures[key] = times
        }
    }

    /// Forgets the failures of `name`, after it signed in.
    public func recordSuccess(for name: String) {
        _ = failures.withLock { $0.removeValue(forKey: Self.key(name)) }
    }

    /// The number of names remembered.
    public var count: Int {
        failures.withLock { $0.count }
    }

    /// The wait after the `count`th failure in the window (count ≥ failureLimit).
    private func wait(afterFailures count: Int) -> UInt64 {
        let doublings = count - failureLimit
        guard doublings < 63, baseDelay <= maximumDelay >> UInt64(doublings) else { return maximumDelay }
        return baseDelay << UInt64(doublings)
    }

    /// The failures still within the window; nil when none are.
    private func recent(_ times: [UInt64], now: UInt64) -> [UInt64]? {
        let kept = times.drop { now > $0 && now - $0 > window }
        return kept.isEmpty ? nil : Array(kept)
    }

    private func makeRoom(in failures: inout [String: [UInt64]], now: UInt64) {
        for (name, times) in failures where recent(times, now: now) == nil {
            failures[name] = nil
        }
        while failures.count >= capacity,
            let stalest = failures.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })
        {
            failures[stalest.key] = nil
        }
    }

    private static func key(_ name: String) -> String {
        String(name.prefix(maximumNameLength))
    }
}
