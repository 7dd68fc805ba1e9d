import BizCore
import Synchronization

/// The cache settings a reload (SIGHUP) may change while lookups run: each is read with a
/// relaxed atomic load, so a lookup sees either the old or the new value.
final class CacheTunables: Sendable {
    private let ttl: Atomic<Int>
    private let negativeTTL: Atomic<Int>
    private let staleIfError: Atomic<Int>
    private let queryTimeoutNanoseconds: Atomic<Int64>
    private let l1Capacity: Atomic<Int>

    init(_ configuration: DaemonConfiguration) {
        ttl = Atomic(configuration.ttlSeconds)
        negativeTTL = Atomic(configuration.negativeTTLSeconds)
        staleIfError = Atomic(configuration.staleIfErrorSeconds)
        queryTimeoutNanoseconds = Atomic(Int64(configuration.queryTimeout))
        l1Capacity = Atomic(configuration.l1Capacity)
    }

    /// Takes the reloadable values of `configuration`.
    func update(from configuration: DaemonConfiguration) {
        ttl.store(configuration.ttlSeconds, ordering: .relaxed)
        negativeTTL.store(configuration.negativeTTLSeconds, ordering: .relaxed)
        staleIfError.store(configuration.staleIfErrorSeconds, ordering: .relaxed)
        queryTimeoutNanoseconds.store(Int64(configuration.queryTimeout), ordering: .relaxed)
        l1Capacity.store(configuration.l1Capacity, ordering: .relaxed)
    }

    var ttlSeconds: Int { ttl.load(ordering: .relaxed) }
    var negativeTTLSeconds: Int { negativeTTL.load(ordering: .relaxed) }
    var staleIfErrorSeconds: Int { staleIfError.load(ordering: .relaxed) }
    var queryTimeout: Duration { .nanoseconds(queryTimeoutNanoseconds.load(ordering: .relaxed)) }
    var l1CapacityEntries: Int { l1Capacity.load(ordering: .relaxed) }
}
