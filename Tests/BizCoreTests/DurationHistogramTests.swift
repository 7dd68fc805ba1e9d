import BizCore
import Dispatch
import Testing

@Suite struct DurationHistogramTests {
    @Test func lookupBucketsGoFromAMicrosecondToFiveSecondsInOneTwoAndAHalfFiveSteps() {
        let bounds = HistogramBuckets.lookupLatency.upperBounds
        #expect(bounds.first == 1_000)
        #expect(bounds.last == 5_000_000_000)
        #expect(bounds.prefix(4) == [1_000, 2_500, 5_000, 10_000])
        #expect(bounds.count == 21)
        #expect(HistogramBuckets.lookupLatency.secondsBounds.prefix(3) == [1e-06, 2.5e-06, 5e-06])
    }

    @Test func sendBucketsReachAMinute() {
        #expect(HistogramBuckets.sendLatency.upperBounds.first == 5_000_000)
        #expect(HistogramBuckets.sendLatency.upperBounds.last == 60_000_000_000)
    }

    @Test func aDurationFallsInTheFirstBucketWhoseBoundHoldsIt() {
        let buckets = HistogramBuckets(nanoseconds: [10, 100, 1_000])
        #expect(buckets.index(of: 0) == 0)
        #expect(buckets.index(of: 10) == 0)  // bounds are inclusive, as `le` says
        #expect(buckets.index(of: 11) == 1)
        #expect(buckets.index(of: 1_000) == 2)
        #expect(buckets.index(of: 1_001) == 3)
        #expect(buckets.index(of: .max) == 3)
    }

    @Test func recordsCountsAndSum() {
        let histogram = DurationHistogram(buckets: HistogramBuckets(nanoseconds: [1_000, 1_000_000]))
        histogram.record(nanoseconds: 500)
        histogram.record(nanoseconds: 2_000, count: 3)
        histogram.record(.seconds(2))
        histogram.record(nanoseconds: 7, count: 0)
        let snapshot = histogram.snapshot()
        #expect(snapshot.upperBounds == [1e-06, 0.001])
        #expect(snapshot.bucketCounts == [1, 3, 1])
        #expect(snapshot.cumulativeCounts == [1, 4, 5])
        #expect(snapshot.count == 5)
        #expect(abs(snapshot.sum - 2.0000065) < 1e-12)
    }

    @Test func aNegativeDurationCountsAsZero() {
        let histogram = DurationHistogram(buckets: HistogramBuckets(nanoseconds: [1]))
        histogram.record(.milliseconds(-5))
        #expect(histogram.snapshot().bucketCounts == [1, 0])
        #expect(histogram.snapshot().sum == 0)
    }

    @Test func concurrentRecordsAreAllCounted() {
        let histogram = DurationHistogram(buckets: .lookupLatency)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for value in 0..<10_000 { histogram.record(nanoseconds: UInt64(value * (thread + 1))) }
        }
        #expect(histogram.snapshot().count == 80_000)
    }

    @Test func snapshotsOfSeveralHistogramsMerge() {
        let buckets = HistogramBuckets(nanoseconds: [1_000])
        let one = DurationHistogram(buckets: buckets)
        let two = DurationHistogram(buckets: buckets)
        one.record(nanoseconds: 10)
        two.record(nanoseconds: 10_000, count: 2)
        let merged = HistogramSnapshot.merged([one.snapshot(), two.snapshot()], buckets: buckets)
        #expect(merged.bucketCounts == [1, 2])
        #expect(abs(merged.sum - 0.00002001) < 1e-15)
        #expect(HistogramSnapshot.merged([], buckets: buckets) == HistogramSnapshot(empty: buckets))
    }
}
