@testable import BizBench
import Glibc
import Testing

@Suite struct LatencyHistogramTests {
    /// The exact percentile of sorted values, by the same rank rule as the histogram.
    private func exactPercentile(_ sorted: [UInt64], _ percentile: Double) -> UInt64 {
        let rank = max(1, min(sorted.count, Int((percentile / 100 * Double(sorted.count)).rounded(.up))))
        return sorted[rank - 1]
    }

    private func expectClose(_ measured: UInt64, _ exact: UInt64, tolerance: Double = 0.01,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let error = abs(Double(measured) - Double(exact)) / max(1, Double(exact))
        #expect(error <= tolerance, "measured \(measured), exact \(exact)", sourceLocation: sourceLocation)
    }

    @Test("An empty histogram reports zeros")
    func empty() {
        let histogram = LatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.value(atPercentile: 50) == 0)
        #expect(histogram.max == 0)
        #expect(histogram.mean == 0)
    }

    @Test("Values below 256 ns are exact")
    func smallValuesExact() {
        var histogram = LatencyHistogram()
        for value in UInt64(0)..<200 { histogram.record(value) }
        #expect(histogram.value(atPercentile: 50) == 99)
        #expect(histogram.value(atPercentile: 99) == 197)
        #expect(histogram.value(atPercentile: 0) == 0)
        #expect(histogram.value(atPercentile: 100) == 199)
        #expect(histogram.min == 0)
        #expect(histogram.max == 199)
    }

    @Test("Uniform 1 µs ... 100 ms: percentiles within 1 %, max and min exact")
    func uniform() {
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        for step in UInt64(1)...100_000 { values.append(step * 1000) }
        for value in values { histogram.record(value) }
        for percentile in [1.0, 10, 50, 90, 99, 99.9, 99.99] {
            expectClose(histogram.value(atPercentile: percentile), exactPercentile(values, percentile))
        }
        #expect(histogram.max == 100_000_000)
        #expect(histogram.min == 1000)
        #expect(histogram.count == 100_000)
        #expect(abs(histogram.mean - 50_000_500) < 1)
    }

    @Test("A long-tailed distribution: percentiles within 1 % of the sorted samples")
    func longTail() {
        var generator = SplitMix64(seed: 7)
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        for _ in 0..<200_000 {
            // Log-uniform from 1 µs to ~1 s, with a heavier share near the bottom.
            let exponent = generator.nextUnitInterval() * generator.nextUnitInterval() * 20
            let value = UInt64(1000 * exp2(exponent))
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        for percentile in [50.0, 90, 99, 99.9] {
            expectClose(histogram.value(atPercentile: percentile), exactPercentile(values, percentile))
        }
        #expect(histogram.max == values.last)
    }

    @Test("A bimodal distribution lands each percentile on its mode")
    func bimodal() {
        var histogram = LatencyHistogram()
        for _ in 0..<990 { histogram.record(20_000) }
        for _ in 0..<10 { histogram.record(5_000_000) }
        expectClose(histogram.value(atPercentile: 50), 20_000)
        expectClose(histogram.value(atPercentile: 99), 20_000)
        expectClose(histogram.value(atPercentile: 99.9), 5_000_000)
        #expect(histogram.value(atPercentile: 100) == 5_000_000)
    }

    @Test("Every value falls in its bucket, and buckets are at most 1/128 wide")
    func bucketsCoverValues() {
        var generator = SplitMix64(seed: 11)
        var values: [UInt64] = [0, 1, 255, 256, 257, 511, 512, 1 << 40, UInt64.max, UInt64.max - 1]
        for _ in 0..<10_000 { values.append(generator.next() >> UInt64(generator.next(below: 64))) }
        for value in values {
            let index = LatencyHistogram.bucketIndex(of: value)
            #expect(index >= 0 && index < LatencyHistogram.bucketCount)
            let (lowest, width) = LatencyHistogram.bucketRange(index)
            #expect(lowest <= value && value - lowest < width, "value \(value) in bucket \(index)")
            #expect(width == 1 || Double(width) / Double(lowest) <= 1.0 / 128)
        }
        // Buckets are in value order.
        for index in 1..<LatencyHistogram.bucketCount {
            let previous = LatencyHistogram.bucketRange(index - 1)
            #expect(previous.lowest + previous.width == LatencyHistogram.bucketRange(index).lowest)
        }
    }

    @Test("Merging adds the counts")
    func merge() {
        var first = LatencyHistogram()
        var second = LatencyHistogram()
        for value in UInt64(1)...1000 { first.record(value * 100) }
        for value in UInt64(1001)...2000 { second.record(value * 100) }
        first.merge(second)
        #expect(first.count == 2000)
        #expect(first.min == 100)
        #expect(first.max == 200_000)
        expectClose(first.value(atPercentile: 50), 100_000)
    }
}
