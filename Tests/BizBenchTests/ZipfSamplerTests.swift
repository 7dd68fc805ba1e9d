@testable import BizBench
import Testing

@Suite struct ZipfSamplerTests {
    private func harmonic(_ count: Int) -> Double {
        (1...count).reduce(0.0) { $0 + 1.0 / Double($1) }
    }

    @Test("Rank 1 has probability 1/H_N, rank k 1/(k H_N)")
    func probabilities() {
        let sampler = ZipfSampler(count: 1000)
        let h = harmonic(1000)
        #expect(abs(sampler.probability(of: 0) - 1 / h) < 1e-12)
        #expect(abs(sampler.probability(of: 9) - 1 / (10 * h)) < 1e-12)
        #expect(abs(sampler.probability(of: 999) - 1 / (1000 * h)) < 1e-12)
    }

    @Test("Drawn rank-1 frequency is close to 1/H_N")
    func rankOneFrequency() {
        let count = 100_000
        let sampler = ZipfSampler(count: count)
        var generator = SplitMix64(seed: 1)
        let draws = 400_000
        var first = 0
        var second = 0
        for _ in 0..<draws {
            let index = sampler.next(using: &generator)
            if index == 0 { first += 1 } else if index == 1 { second += 1 }
        }
        let expected = 1 / harmonic(count)  // about 0.0831
        let observed = Double(first) / Double(draws)
        #expect(abs(observed - expected) / expected < 0.03, "observed \(observed), expected \(expected)")
        // Rank 2 is half as likely as rank 1.
        #expect(abs(Double(second) / Double(first) - 0.5) < 0.03)
    }

    @Test("The same seed draws the same sequence; another seed another")
    func deterministic() {
        let sampler = ZipfSampler(count: 5000)
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let first = (0..<1000).map { _ in sampler.next(using: &a) }
        let second = (0..<1000).map { _ in sampler.next(using: &b) }
        let third = (0..<1000).map { _ in sampler.next(using: &c) }
        #expect(first == second)
        #expect(first != third)
    }

    @Test("Every draw is in range, whatever the size", arguments: [1, 2, 3, 10, 1000])
    func inRange(count: Int) {
        let sampler = ZipfSampler(count: count)
        var generator = SplitMix64(seed: UInt64(count))
        var seen = Set<Int>()
        for _ in 0..<20_000 {
            let index = sampler.next(using: &generator)
            #expect(index >= 0 && index < count)
            seen.insert(index)
        }
        if count <= 10 { #expect(seen.count == count) }
    }

    @Test("The extremes of the uniform draw map to the first and last index")
    func extremes() {
        let sampler = ZipfSampler(count: 100)
        #expect(sampler.index(forUniform: 0) == 0)
        #expect(sampler.index(forUniform: 0.999_999_999_999) == 99)
        #expect(sampler.index(forUniform: sampler.probability(of: 0)) == 1)
    }

    @Test("Uniform keys cover the range evenly and stay in it")
    func uniformChooser() {
        var chooser = KeyChooser(distribution: .uniform, keyCount: 10)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[chooser.next()] += 1 }
        for count in counts { #expect(abs(count - 10_000) < 600) }
    }

    @Test("A Zipf chooser is deterministic and favours key 0")
    func zipfChooser() {
        var a = KeyChooser(distribution: .zipf, keyCount: 1000, seed: 5)
        var b = KeyChooser(distribution: .zipf, keyCount: 1000, seed: 5)
        let first = (0..<500).map { _ in a.next() }
        #expect(first == (0..<500).map { _ in b.next() })
        #expect(first.filter { $0 == 0 }.count > first.filter { $0 == 500 }.count)
        #expect(first.allSatisfy { (0..<1000).contains($0) })
    }
}
