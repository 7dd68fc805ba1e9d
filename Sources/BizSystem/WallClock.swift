import Glibc

/// The time of day, for reports (such as a start time in metrics); intervals use
/// `MonotonicClock`.
public enum WallClock {
    /// Seconds since the Unix epoch, with a fraction.
    public static func secondsSinceEpoch() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
