import BizCore
import Synchronization

/// The daemon's counters, shared by every event loop and backend worker.
///
/// Relaxed atomics: each counter is exact, but a `STATS` reply is not a snapshot taken
/// at one instant across counters.
public final class ServerStats: Sendable {
    /// The cache tier that answered a `GET`.
    public enum Tier: Sendable { case l1, redis, postgres }

    private let startedAt: UInt64
    /// One L1 hit counter per event loop: the hottest counter is never shared between cores.
    private let l1Hits: [Counter]
    private let redisHits = Atomic<Int>(0)
    private let postgresHits = Atomic<Int>(0)
    private let notFound = Atomic<Int>(0)
    private let errors: [ErrorCode: Counter]
    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)

    /// A counter in its own heap object, so that counters of different loops do not share
    /// a cache line.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        private let padding: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)
    }

    public init(startedAt: UInt64, eventLoops: Int) {
        self.startedAt = startedAt
        self.l1Hits = (0..<max(1, eventLoops)).map { _ in Counter() }
        var errors: [ErrorCode: Counter] = [:]
        for code in ErrorCode.allCases { errors[code] = Counter() }
        self.errors = errors
    }

    /// Counts a hit; `loop` (the event loop's number) matters only for L1 hits.
    public func recordHit(_ tier: Tier, loop: Int = 0) {
        switch tier {
        case .l1: l1Hits[loop % l1Hits.count].value.add(1, ordering: .relaxed)
        case .redis: redisHits.add(1, ordering: .relaxed)
        case .postgres: postgresHits.add(1, ordering: .relaxed)
        }
    }

    public func recordNotFound() { notFound.add(1, ordering: .relaxed) }

    public func recordError(_ code: ErrorCode) { errors[code]?.value.add(1, ordering: .relaxed) }

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
        case .l1: l1Hits.reduce(0) { $0 + $1.value.load(ordering: .relaxed) }
        case .redis: redisHits.load(ordering: .relaxed)
        case .postgres: postgresHits.load(ordering: .relaxed)
        }
    }

    /// The `STATS` reply's JSON object.
    public func json(now: UInt64, l1Entries: Int, l1Capacity: Int, redisConfigured: Bool) -> String {
        var hits = JSONObjectWriter()
        hits.add("l1", integer: self.hits(.l1))
        hits.add("redis", integer: self.hits(.redis))
        hits.add("postgres", integer: self.hits(.postgres))
        var errorCounts = JSONObjectWriter()
        for code in ErrorCode.allCases {
            errorCounts.add(code.rawValue, integer: errors[code]?.value.load(ordering: .relaxed) ?? 0)
        }
        var object = JSONObjectWriter()
        object.add("uptime_seconds", integer: (now &- startedAt) / 1_000_000_000)
        object.add("hits", rawObject: hits.finish())
        object.add("not_found", integer: notFound.load(ordering: .relaxed))
        object.add("errors", rawObject: errorCounts.finish())
        object.add("l1_entries", integer: l1Entries)
        object.add("l1_capacity", integer: l1Capacity)
        object.add("connections", integer: openConnections.load(ordering: .relaxed))
        object.add("connections_accepted", integer: acceptedConnections.load(ordering: .relaxed))
        object.add("redis_configured", bool: redisConfigured)
        return object.finish()
    }
}
