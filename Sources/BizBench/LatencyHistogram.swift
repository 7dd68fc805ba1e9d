/// A log-linear (HDR-style) histogram of latencies in nanoseconds.
///
/// Each power of two is split into 128 equal sub-buckets, so a recorded value is known to
/// within 1/128 of itself; reported values are bucket midpoints, off by at most 1/256
/// (0.4 %). Values below 256 ns are exact. Recording is O(1) into a fixed array of counts
/// (7424 buckets cover every `UInt64`); a percentile walks the counts. The exact minimum and
/// maximum are kept besides.
public struct LatencyHistogram: Sendable {
    /// log2 of the sub-buckets per power of two.
    static let subBucketBits = 7
    static let subBucketCount = 1 << subBucketBits
    static let bucketCount = (64 - subBucketBits + 1) * subBucketCount

    private var counts: [UInt64]
    /// How many values were recorded.
    public private(set) var count: UInt64 = 0
    /// The largest value recorded (0 when empty).
    public private(set) var max: UInt64 = 0
    /// The smallest value recorded (0 when empty).
    public private(set) var min: UInt64 = 0
    /// The sum of the values, for the mean (wraps only after ~584 years of latency).
    public private(set) var sum: UInt64 = 0

    /// An empty histogram.
    public init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    /// The bucket that holds `value`.
    @inline(__always)
    static func bucketIndex(of value: UInt64) -> Int {
        let magnitude = 63 - value.leadingZeroBitCount  // -1 for 0
        let shift = magnitude - subBucketBits
        if shift <= 0 { return Int(truncatingIfNeeded: value) }  // below 256: exact
        return (shift << subBucketBits) + Int(truncatingIfNeeded: value >> UInt64(shift))
    }

    /// The smallest value that lands in bucket `index`, and the bucket's width.
    static func bucketRange(_ index: Int) -> (lowest: UInt64, width: UInt64) {
        if index < 2 * subBucketCount { return (UInt64(index), 1) }
        let shift = (index >> subBucketBits) - 1
        let mantissa = UInt64(index - (shift << subBucketBits))
        return (mantissa << UInt64(shift), 1 << UInt64(shift))
    }

    /// Records one value.
    @inline(__always)
    public mutating func record(_ value: UInt64) {
        let index = Self.bucketIndex(of: value)
        counts.withUnsafeMutableBufferPointer { $0[index] &+= 1 }
        if count == 0 || value < min { min = value }
        if value > max { max = value }
        count &+= 1
        sum &+= value
    }

    /// The mean of the recorded values (0 when empty).
    public var mean: Double {
        count == 0 ? 0 : Double(sum) / Double(count)
    }

    /// The value at `percentile` (0...100): the smallest recorded value such that at least that
    /// share of the values are at or below it, to the histogram's precision. 0 when empty; 100
    /// gives the exact maximum, 0 the exact minimum.
    public func value(atPercentile percentile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if percentile >= 100 { return max }
        if percentile <= 0 { return min }
        var rank = UInt64((percentile / 100 * Double(count)).rounded(.up))
        rank = Swift.max(1, Swift.min(rank, count))
        var seen: UInt64 = 0
        for index in 0..<counts.count where counts[index] != 0 {
            seen += counts[index]
            if seen >= rank {
                let (lowest, width) = Self.bucketRange(index)
                let middle = lowest + (width - 1) / 2
                return Swift.min(Swift.max(middle, min), max)
            }
        }
        return max
    }

    /// Adds every value recorded in `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for index in 0..<counts.count { counts[index] &+= other.counts[index] }
        min = count == 0 ? other.min : Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        count &+= other.count
        sum &+= other.sum
    }
}
