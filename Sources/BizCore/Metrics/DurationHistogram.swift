import Synchronization

/// A histogram of durations over fixed buckets, recorded with relaxed atomic adds from any
/// thread: a bucket's count and the running sum, nothing else, no lock.
///
/// Non-generic on purpose (generic classes holding atomics have miscompiled when
/// specialized across modules). Padded at the end, so that two histograms updated by
/// different threads (one per event loop) do not share a cache line.
public final class DurationHistogram: Sendable {
    /// Slots: one count per bucket (the one past the last bound counts durations above
    /// every bound), and the sum of every recorded duration in nanoseconds at `sumSlot`.
    private static let slotCount = 32
    private static let sumSlot = 31

    /// The buckets' bounds.
    public let buckets: HistogramBuckets
    private let slots: InlineArray<32, Atomic<UInt64>>
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)

    public init(buckets: HistogramBuckets) {
        // HistogramBuckets.maximumCount bounds, the bucket above them and the sum fit.
        precondition(HistogramBuckets.maximumCount + 2 <= Self.slotCount)
        self.buckets = buckets
        self.slots = InlineArray { _ in Atomic<UInt64>(0) }
    }

    /// Records `count` durations of `nanoseconds` each: for a batch of requests answered
    /// in one go, one update instead of one per request.
    public func record(nanoseconds: UInt64, count: Int = 1) {
        guard count > 0 else { return }
        slots[buckets.index(of: nanoseconds)].add(UInt64(count), ordering: .relaxed)
        slots[Self.sumSlot].add(nanoseconds &* UInt64(count), ordering: .relaxed)
    }

    /// Records one duration; a negative one counts as zero.
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return record(nanoseconds: 0) }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        record(nanoseconds: overflow ? UInt64.max : whole &+ UInt64(attoseconds / 1_000_000_000))
    }

    /// The counts so far. Taken bucket by bucket while others may record: consistent in
    /// itself (the count is the buckets' total), but possibly a few records apart from the
    /// sum.
    public func snapshot() -> HistogramSnapshot {
        let counts = (0...buckets.upperBounds.count).map { slots[$0].load(ordering: .relaxed) }
        let sum = Double(slots[Self.sumSlot].load(ordering: .relaxed)) / 1e9
        return HistogramSnapshot(upperBounds: buckets.secondsBounds, bucketCounts: counts, sum: sum)
    }
}
