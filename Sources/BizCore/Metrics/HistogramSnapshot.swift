/// A histogram's counts at one moment, as Prometheus reports them: bounds in seconds (or
/// another base unit), a count per bucket and the sum of the observed values.
public struct HistogramSnapshot: Sendable, Equatable {
    /// The buckets' upper bounds, ascending, without the implied `+Inf`.
    public let upperBounds: [Double]
    /// Observations per bucket, not cumulative: one per bound, then those above every bound.
    public private(set) var bucketCounts: [UInt64]
    /// The sum of every observed value.
    public private(set) var sum: Double

    /// - Parameter bucketCounts: one more than `upperBounds` (the last: above every bound).
    public init(upperBounds: [Double], bucketCounts: [UInt64], sum: Double) {
        precondition(bucketCounts.count == upperBounds.count + 1, "one count per bound and one above them")
        self.upperBounds = upperBounds
        self.bucketCounts = bucketCounts
        self.sum = sum
    }

    /// A snapshot with no observations.
    public init(empty buckets: HistogramBuckets) {
        self.init(upperBounds: buckets.secondsBounds, bucketCounts: Array(repeating: 0, count: buckets.upperBounds.count + 1), sum: 0)
    }

    /// Observations in all.
    public var count: UInt64 { bucketCounts.reduce(0, &+) }

    /// Observations at or below each bound, then in all (Prometheus's `_bucket` series).
    public var cumulativeCounts: [UInt64] {
        var total: UInt64 = 0
        return bucketCounts.map { count in
            total &+= count
            return total
        }
    }

    /// Adds another snapshot's observations (one per event loop, for example) to these.
    public mutating func merge(_ other: HistogramSnapshot) {
        precondition(other.upperBounds == upperBounds, "histograms with different buckets")
        for index in bucketCounts.indices { bucketCounts[index] &+= other.bucketCounts[index] }
        sum += other.sum
    }

    /// The sum of snapshots over `buckets` (empty when there are none).
    public static func merged(_ snapshots: [HistogramSnapshot], buckets: HistogramBuckets) -> HistogramSnapshot {
        snapshots.reduce(into: HistogramSnapshot(empty: buckets)) { $0.merge($1) }
    }
}
