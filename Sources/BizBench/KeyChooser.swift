/// How a run picks the phone of each request.
public enum KeyDistribution: String, CaseIterable, Sendable {
    /// Every phone equally often.
    case uniform
    /// Zipf with s = 1: phone 0 most often, phone k about 1/(k + 1) as often.
    case zipf
}

/// Picks request keys following a `KeyDistribution`, from a seeded generator.
public struct KeyChooser: Sendable {
    /// The distribution keys follow.
    public let distribution: KeyDistribution
    /// Keys are in `0..<keyCount`.
    public let keyCount: Int
    private var generator: SplitMix64
    private let zipf: ZipfSampler?

    /// A chooser whose sequence is fixed by `seed` (a run is repeatable).
    public init(distribution: KeyDistribution, keyCount: Int, seed: UInt64 = 0x6269_7A62_656E_6368) {
        precondition(keyCount > 0, "a key chooser needs at least one key")
        self.distribution = distribution
        self.keyCount = keyCount
        generator = SplitMix64(seed: seed)
        zipf = distribution == .zipf ? ZipfSampler(count: keyCount, exponent: 1.0) : nil
    }

    /// The next key index, in `0..<keyCount`.
    @inline(__always)
    public mutating func next() -> Int {
        if let zipf { return zipf.next(using: &generator) }
        return generator.next(below: keyCount)
    }
}
