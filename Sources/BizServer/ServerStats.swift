import BizCore
import Synchronization

/// The daemon's counters, shared by every event loop and backend worker.
///
/// Relaxed atomics: each counter is exact, but a `STATS` reply is not a snapshot taken
/// at one instant across counters.
public final class ServerStats: Sendable {
    /// The cache tier that answered a `GET`.
    public enum Tier: Sendable { case l1, redis, postgres }

    /// Where an invalidation came from.
    public enum InvalidationSource: Sendable, CaseIterable {
        /// PostgreSQL's `business_changed` notification.
        case database
        /// Redis's client-side caching invalidation (another instance, or Redis itself).
        case redis
        /// An `INVALIDATE` request.
        case client
    }

    private let startedAt: UInt64
    /// One L1 hit counter per event loop: the hottest counter is never shared between cores.
    private let l1Hits: [Counter]
    private let redisHits = Counter()
    private let postgresHits = Counter()
    private let notFound = Counter()
    private let staleServed = Counter()
    private let coalesced = Counter()
    private let redisLookups = Counter()
    private let postgresLookups = Counter()
    private let invalidations: [Counter]
    private let errors: [ErrorCode: Counter]
    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)

    /// A counter in its own heap object, so that counters of different loops do not share
    /// a cache line.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        private let padding: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)
        func add(_ count: Int = 1) { value.add(count, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    public init(startedAt: UInt64, eventLoops: Int) {
        self.startedAt = startedAt
        self.l1Hits = (0..<max(1, eventLoops)).map { _ in Counter() }
        self.invalidations = InvalidationSource.allCases.map { _ in Counter() }
        var errors: [ErrorCode: Counter] = [:]
        for code in ErrorCode.allCases { errors[code] = Counter() }
        self.errors = errors
    }

    /// Counts a hit; `loop` (the event loop's number) matters only for L1 hits.
    public func recordHit(_ tier: Tier, loop: Int = 0) {
        switch tier {
        case .l1: l1Hits[loop % l1Hits.count].add()
        case .redis: redisHits.add()
        case .postgres: postgresHits.add()
        }
    }

    /// Counts a `NOTFOUND` answer, whichever tier gave it.
    public func recordNotFound() { notFound.add() }

    /// Counts an answer served past its TTL because PostgreSQL failed.
    public func recordStaleServed() { staleServed.add() }

    /// Counts a lookup that waited for another request's fetch of the same number.
    public func recordCoalesced() { coalesced.add() }

    /// Counts `GET`s sent to Redis for lookups.
    public func recordRedisLookups(_ count: Int = 1) { redisLookups.add(count) }

    /// Counts numbers looked up in PostgreSQL.
    public func recordPostgresLookups(_ count: Int) { postgresLookups.add(count) }

    /// Counts numbers invalidated.
    public func recordInvalidations(_ count: Int, from source: InvalidationSource) {
        invalidations[InvalidationSource.allCases.firstIndex(of: source)!].add(count)
    }

    public func recordError(_ code: ErrorCode) { errors[code]?.add() }

    /// Counts a connection as open; returns how many are open now, this one included.
    public func connectionOpened() -> Int {
        acceptedConnections.add(1, ordering: .relaxed)
        return openConnections.add(1, ordering: .relaxed).newValue
    }

    public func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }

    public var connections: Int { openConnections.load(ordering: .relaxed) }

    /// Hits of one tier so far.
    public func hits(_ tier: Tier) -> Int {
        switch tier {
        case .l1: l1Hits.reduce(0) { $0 + $1.count }
        case .redis: redisHits.count
        case .postgres: postgresHits.count
        }
    }

    /// The `STATS` reply's JSON object.
    public func json(
        now: UInt64, l1Entries: Int, l1Capacity: Int, redisConfigured: Bool, redisTracking: Bool
    ) -> String {
        var hits = JSONObjectWriter()
        hits.add("l1", integer: self.hits(.l1))
        hits.add("redis", integer: self.hits(.redis))
        hits.add("postgres", integer: self.hits(.postgres))
        var backend = JSONObjectWriter()
        backend.add("redis_gets", integer: redisLookups.count)
        backend.add("postgres_lookups", integer: postgresLookups.count)
        var invalidationCounts = JSONObjectWriter()
        for (source, counter) in zip(InvalidationSource.allCases, invalidations) {
            invalidationCounts.add(source.name, integer: counter.count)
        }
        var errorCounts = JSONObjectWriter()
        for code in ErrorCode.allCases {
            errorCounts.add(code.rawValue, integer: errors[code]?.count ?? 0)
        }
        var object = JSONObjectWriter()
        object.add("uptime_seconds", integer: (now &- startedAt) / 1_000_000_000)
        object.add("hits", rawObject: hits.finish())
        object.add("not_found", integer: notFound.count)
        object.add("stale_served", integer: staleServed.count)
        object.add("coalesced", integer: coalesced.count)
        object.add("backend", rawObject: backend.finish())
        object.add("invalidations", rawObject: invalidationCounts.finish())
        object.add("errors", rawObject: errorCounts.finish())
        object.add("l1_entries", integer: l1Entries)
        object.add("l1_capacity", integer: l1Capacity)
        object.add("connections", integer: openConnections.load(ordering: .relaxed))
        object.add("connections_accepted", integer: acceptedConnections.load(ordering: .relaxed))
        object.add("redis_configured", bool: redisConfigured)
        object.add("redis_tracking", bool: redisTracking)
        return object.finish()
    }
}

extension ServerStats.InvalidationSource {
    /// The key in `STATS`.
    var name: String {
        switch self {
        case .database: "database"
        case .redis: "redis"
        case .client: "client"
        }
    }
}
