import Glibc

/// Draws indices `0..<count` following Zipf's law with exponent `s`: index `k` (rank `k + 1`)
/// has probability `(1 / (k + 1)^s) / H`, where `H` is the sum over all ranks.
///
/// The cumulative distribution is computed once; each draw is a binary search of a uniform
/// number in it.
public struct ZipfSampler: Sendable {
    /// How many indices there are.
    public let count: Int
    /// The exponent.
    public let exponent: Double
    /// `cumulative[k]`: the probability of drawing an index ≤ k. The last is exactly 1.
    private let cumulative: [Double]

    /// A sampler over `0..<count`; builds the cumulative table (8 bytes per index).
    public init(count: Int, exponent: Double = 1.0) {
        precondition(count > 0, "a Zipf distribution needs at least one index")
        self.count = count
        self.exponent = exponent
        var weights = [Double](repeating: 0, count: count)
        var total = 0.0
        for rank in 1...count {
            let weight = exponent == 1.0 ? 1.0 / Double(rank) : 1.0 / pow(Double(rank), exponent)
            total += weight
            weights[rank - 1] = total
        }
        for index in 0..<count { weights[index] /= total }
        weights[count - 1] = 1.0
        cumulative = weights
    }

    /// The probability of index `index`.
    public func probability(of index: Int) -> Double {
        index == 0 ? cumulative[0] : cumulative[index] - cumulative[index - 1]
    }

    /// The index whose cumulative probability range holds `uniform` (in `[0, 1)`).
    @inline(__always)
    public func index(forUniform uniform: Double) -> Int {
        cumulative.withUnsafeBufferPointer { table in
            var low = 0
            var high = table.count - 1
            // The first index whose cumulative probability is above `uniform`.
            while low < high {
                let middle = (low &+ high) >> 1
                if table[middle] <= uniform { low = middle &+ 1 } else { high = middle }
            }
            return low
        }
    }

    /// Draws one index.
    @inline(__always)
    public func next(using generator: inout SplitMix64) -> Int {
        index(forUniform: generator.nextUnitInterval())
    }
}

