import Synchronization

/// Counters that tell whether a key may have been invalidated since a moment, so that a
/// lookup that read a value before an invalidation does not cache it after.
///
/// A reader takes `generation(of:)` before asking the backend, and caches the answer only
/// if the generation is unchanged when it writes (see `ShardedLRUCache.insert(_:forKey:now:timeToLive:if:)`).
/// An invalidation calls `advance(_:)` (or `advanceAll()`) before it removes cached copies.
///
/// Keys share a fixed number of stripes: an invalidation of one key also advances the
/// keys that share its stripe. That only costs them a skipped cache write, never a wrong
/// answer, and keeps the table's size fixed however many keys pass through it.
public final class GenerationTable: Sendable {
    private final class Stripe: Sendable {
        let value = Atomic<UInt64>(0)
    }

    private let stripes: [Stripe]
    private let everything = Atomic<UInt64>(0)

    /// - Parameter stripeCount: counters shared by the keys (rounded up to a power of two).
    public init(stripeCount: Int = 4096) {
        var count = 1
        while count < max(1, stripeCount) { count <<= 1 }
        stripes = (0..<count).map { _ in Stripe() }
    }

    private func stripe(for key: some Hashable) -> Stripe {
        stripes[Int(UInt(bitPattern: key.hashValue) & UInt(stripes.count - 1))]
    }

    /// The key's current generation: it changes whenever the key (or its stripe, or
    /// everything) is advanced.
    public func generation(of key: some Hashable) -> UInt64 {
        everything.load(ordering: .sequentiallyConsistent) &+ stripe(for: key).value.load(ordering: .sequentiallyConsistent)
    }

    /// Marks the key invalidated: readers holding an older generation must not cache.
    public func advance(_ key: some Hashable) {
        stripe(for: key).value.add(1, ordering: .sequentiallyConsistent)
    }

    /// Marks every key invalidated, for when invalidations may have been missed.
    public func advanceAll() {
        everything.add(1, ordering: .sequentiallyConsistent)
    }
}
