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
    private let l1Hits = Atomic<Int>(0)
    private let redisHits = Atomic<Int>(0)
    private let postgresHits = Atomic<Int>(0)
    private let notFound = Atomic<Int>(0)
    private let errors: [ErrorCode: Counter]
    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    public init(startedAt: UInt64) {
        self.startedAt = startedAt
        var errors: [ErrorCode: Counter] = [:]
        for code in ErrorCode.allCases { errors[code] = Counter() }
        self.errors = errors
    }

    public func recordHit(_ tier: Tier) {
        switch tier {
        case .l1: l1Hits.add(1, ordering: .relaxed)
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
        case .l1: l1Hits.load(ordering: .relaxed)
        case .redis: redisHits.load(ordering: .relaxed)
        case .postgres: postgresHits.load(ordering: .relaxed)
        }
    }

    /// The `STATS` reply's JSON object.
    public func json(now: UInt64, l1Entries: Int, l1Capacity: Int, redisConfigured: Bool) -> String {
        var hits = JSONObjectWriter()
        hits.add("l1", integer: l1Hits.load(ordering: .relaxed))
        hits.add("redis", integer: redisHits.load(ordering: .relaxed))
        hits.add("postgres", integer: postgresHits.load(ordering: .relaxed))
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
