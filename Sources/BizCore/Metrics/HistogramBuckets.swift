/// The upper bounds of a histogram's buckets, in nanoseconds, ascending. A last bucket
/// above every bound (`+Inf` in Prometheus's terms) is always there besides these.
public struct HistogramBuckets: Sendable, Equatable {
    /// The most bounds a histogram may have.
    public static let maximumCount = 30

    /// Ascending, at least one, at most `maximumCount`.
    public let upperBounds: [UInt64]

    /// - Parameter nanoseconds: strictly ascending bounds, 1 to `maximumCount` of them.
    public init(nanoseconds: [UInt64]) {
        precondition(!nanoseconds.isEmpty && nanoseconds.count <= Self.maximumCount, "1 to \(Self.maximumCount) bounds")
        precondition(zip(nanoseconds, nanoseconds.dropFirst()).allSatisfy { $0 < $1 }, "bounds must ascend")
        upperBounds = nanoseconds
    }

    /// 1 µs to 5 s in steps of 1, 2.5 and 5: an answer from memory takes microseconds, one
    /// from Redis or PostgreSQL a fraction of a millisecond or more, and a lookup that
    /// waits for an unreachable database a second or more.
    public static let lookupLatency = HistogramBuckets(nanoseconds: steps(from: 1_000, through: 5_000_000_000))

    /// 5 ms to 60 s: a request to an HTTP API across the internet, up to a slow timeout.
    public static let sendLatency = HistogramBuckets(nanoseconds: [
        5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000,
        1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000, 30_000_000_000, 60_000_000_000,
    ])

    /// The bounds in seconds, as Prometheus's `le` labels give them.
    public var secondsBounds: [Double] { upperBounds.map { Double($0) / 1e9 } }

    /// The bucket a duration falls in: the first whose bound is at least `nanoseconds`, or
    /// `upperBounds.count` when it exceeds every bound. Searches from the smallest bound,
    /// where the most frequent (fast) durations end.
    @inlinable
    public func index(of nanoseconds: UInt64) -> Int {
        var index = 0
        while index < upperBounds.count && nanoseconds > upperBounds[index] { index += 1 }
        return index
    }

    /// `start`, 2.5 × `start`, 5 × `start`, 10 × `start`, … up to `last`.
    private static func steps(from start: UInt64, through last: UInt64) -> [UInt64] {
        var bounds: [UInt64] = []
        var decade = start
        while decade <= last {
            for bound in [decade, decade * 5 / 2, decade * 5] where bound <= last { bounds.append(bound) }
            decade *= 10
        }
        return bounds
    }
}
