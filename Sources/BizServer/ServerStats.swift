import BizCore
import Synchronization

/// The daemon's counters and latency histograms, shared by every event loop and backend
/// worker; `STATS` and `METRICS` report them.
///
/// Relaxed atomics: each counter is exact, but a reply is not a snapshot taken at one
/// instant across counters. What event loops record on every request (L1 answers, their
/// latency, Redis answers) is kept per loop, so that loops on different cores never write
/// to one cache line.
public final class ServerStats: Sendable {
    /// The cache tier that answered a `GET`.
    public enum Tier: Sendable, CaseIterable { case l1, redis, postgres }

    /// How a lookup was answered.
    public enum LookupResult: Sendable, CaseIterable {
        /// With a business.
        case hit
        /// With `NOTFOUND`.
        case notFound
        /// With a copy past its TTL, because PostgreSQL failed.
        case stale
        /// With `ERR AMBIGUOUS`.
        case ambiguous
        /// With `ERR UNAVAILABLE`: PostgreSQL failed and no stale copy was at hand.
        case error
    }

    /// A backend the daemon connects to.
    public enum Backend: Sendable, CaseIterable { case redis, postgres }

    /// Where an invalidation came from.
    public enum InvalidationSource: Sendable, CaseIterable {
        /// PostgreSQL's `business_changed` notification.
        case database
        /// Redis's client-side caching invalidation (another instance, or Redis itself).
        case redis
        /// An `INVALIDATE` request.
        case client
    }

    /// Seconds since the Unix epoch when the daemon started.
    public let startTime: Double
    private let startedAt: UInt64
    /// Per event loop: L1 answers with a business, with `NOTFOUND`, and their latency.
    private let l1Hits: [MetricCounter]
    private let l1NotFound: [MetricCounter]
    private let l1Latency: [DurationHistogram]
    /// Per event loop: Redis answers with a business, with the not-found marker, and their latency.
    private let redisHits: [MetricCounter]
    private let redisNotFound: [MetricCounter]
    private let redisLatency: [DurationHistogram]
    /// PostgreSQL-tier answers, by `LookupResult`, and their latency.
    private let postgresResults: [MetricCounter]
    private let postgresLatency = DurationHistogram(buckets: .lookupLatency)
    private let coalesced = MetricCounter()
    private let redisLookups = MetricCounter()
    private let postgresLookups = MetricCounter()
    private let invalidations: [MetricCounter]
    private let errors: [ErrorCode: MetricCounter]
    /// By `Backend`: failed connection attempts, lost connections and timeouts; reconnections.
    private let backendErrors: [MetricCounter]
    private let backendReconnects: [MetricCounter]
    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)

    /// - Parameters:
    ///   - startedAt: the monotonic clock at start, in nanoseconds.
    ///   - startTime: the same moment in seconds since the Unix epoch.
    public init(startedAt: UInt64, startTime: Double = 0, eventLoops: Int) {
        self.startedAt = startedAt
        self.startTime = startTime
        let loops = max(1, eventLoops)
        func counters(_ count: Int) -> [MetricCounter] { (0..<count).map { _ in MetricCounter() } }
        func histograms() -> [DurationHistogram] { (0..<loops).map { _ in DurationHistogram(buckets: .lookupLatency) } }
        l1Hits = counters(loops)
        l1NotFound = counters(loops)
        l1Latency = histograms()
        redisHits = counters(loops)
        redisNotFound = counters(loops)
        redisLatency = histograms()
        postgresResults = counters(LookupResult.allCases.count)
        invalidations = counters(InvalidationSource.allCases.count)
        backendErrors = counters(Backend.allCases.count)
        backendReconnects = counters(Backend.allCases.count)
        var errors: [ErrorCode: MetricCounter] = [:]
        for code in ErrorCode.allCases { errors[code] = MetricCounter() }
        self.errors = errors
    }

    // MARK: Recording

    /// Counts a `GET` answered from the LRU by event loop `loop`; its latency is recorded
    /// per loop round (`recordL1Latency`), not here.
    public func recordL1Answer(notFound: Bool, loop: Int) {
        (notFound ? l1NotFound : l1Hits)[loop % l1Hits.count].add()
    }

    /// Records the latency of `answers` L1 answers given in one round of event loop
    /// `loop`: from the moment the loop woke up with their requests to the end of the round.
    public func recordL1Latency(answers: Int, nanoseconds: UInt64, loop: Int) {
        l1Latency[loop % l1Latency.count].record(nanoseconds: nanoseconds, count: answers)
    }

    /// Counts a `GET` answered from Redis on event loop `loop`, `nanoseconds` after its
    /// request was read.
    public func recordRedisAnswer(notFound: Bool, nanoseconds: UInt64, loop: Int) {
        (notFound ? redisNotFound : redisHits)[loop % redisHits.count].add()
        redisLatency[loop % redisLatency.count].record(nanoseconds: nanoseconds)
    }

    /// Counts a lookup answered by the PostgreSQL tier (a backend worker), `nanoseconds`
    /// after its request was read.
    public func recordPostgresAnswer(_ result: LookupResult, nanoseconds: UInt64) {
        postgresResults[result.index].add()
        postgresLatency.record(nanoseconds: nanoseconds)
    }

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

    /// Counts a failed connection attempt, a lost connection or a timeout of a backend.
    public func recordBackendError(_ backend: Backend) { backendErrors[backend.index].add() }

    /// Counts a new connection to a backend after an earlier one (lost or renewed).
    public func recordBackendReconnect(_ backend: Backend) { backendReconnects[backend.index].add() }

    /// Counts a connection as open; returns how many are open now, this one included.
    public func connectionOpened() -> Int {
        acceptedConnections.add(1, ordering: .relaxed)
        return openConnections.add(1, ordering: .relaxed).newValue
    }

    public func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }

    // MARK: Reading

    public var connections: Int { openConnections.load(ordering: .relaxed) }

    /// Client connections accepted since start.
    public var connectionsAccepted: Int { acceptedConnections.load(ordering: .relaxed) }

    /// Nanoseconds since start.
    public func uptime(now: UInt64) -> UInt64 { now &- startedAt }

    /// Lookups answered by a tier with a result so far (`LookupResult.hit` and `.notFound`
    /// for the LRU and Redis; any for PostgreSQL).
    public func lookups(_ tier: Tier, _ result: LookupResult) -> Int {
        switch (tier, result) {
        case (.l1, .hit): l1Hits.reduce(0) { $0 + $1.value }
        case (.l1, .notFound): l1NotFound.reduce(0) { $0 + $1.value }
        case (.redis, .hit): redisHits.reduce(0) { $0 + $1.value }
        case (.redis, .notFound): redisNotFound.reduce(0) { $0 + $1.value }
        case (.postgres, _): postgresResults[result.index].value
        case (.l1, _), (.redis, _): 0
        }
    }

    /// The latency of a tier's answers so far.
    public func latency(_ tier: Tier) -> HistogramSnapshot {
        switch tier {
        case .l1: HistogramSnapshot.merged(l1Latency.map { $0.snapshot() }, buckets: .lookupLatency)
        case .redis: HistogramSnapshot.merged(redisLatency.map { $0.snapshot() }, buckets: .lookupLatency)
        case .postgres: postgresLatency.snapshot()
        }
    }

    /// Hits of one tier as `STATS` counts them: every answer from the LRU or Redis (a cached
    /// `NOTFOUND` included), businesses found in PostgreSQL.
    public func hits(_ tier: Tier) -> Int {
        switch tier {
        case .l1, .redis: lookups(tier, .hit) + lookups(tier, .notFound)
        case .postgres: lookups(.postgres, .hit)
        }
    }

    /// `GET`s answered `NOTFOUND`, from any tier.
    public var notFound: Int { Tier.allCases.reduce(0) { $0 + lookups($1, .notFound) } }

    /// `GET`s that waited for another request's lookup of the same number.
    public var coalescedLookups: Int { coalesced.value }

    /// Lookups sent to a backend: `GET`s to Redis, numbers to PostgreSQL.
    public func backendLookups(_ backend: Backend) -> Int {
        switch backend {
        case .redis: redisLookups.value
        case .postgres: postgresLookups.value
        }
    }

    /// Numbers invalidated because of `source` so far.
    public func invalidations(from source: InvalidationSource) -> Int {
        invalidations[InvalidationSource.allCases.firstIndex(of: source)!].value
    }

    /// Replies `ERR <code>` so far.
    public func errors(_ code: ErrorCode) -> Int { errors[code]?.value ?? 0 }

    /// Failed connection attempts, lost connections and timeouts of a backend so far.
    public func backendErrors(_ backend: Backend) -> Int { backendErrors[backend.index].value }

    /// Connections to a backend made again after an earlier one so far.
    public func backendReconnects(_ backend: Backend) -> Int { backendReconnects[backend.index].value }

    /// The `STATS` reply's JSON object.
    public func json(
        now: UInt64, l1Entries: Int, l1Capacity: Int, redisConfigured: Bool, redisTracking: Bool
    ) -> String {
        var hits = JSONObjectWriter()
        hits.add("l1", integer: self.hits(.l1))
        hits.add("redis", integer: self.hits(.redis))
        hits.add("postgres", integer: self.hits(.postgres))
        var backend = JSONObjectWriter()
        backend.add("redis_gets", integer: backendLookups(.redis))
        backend.add("postgres_lookups", integer: backendLookups(.postgres))
        var invalidationCounts = JSONObjectWriter()
        for source in InvalidationSource.allCases {
            invalidationCounts.add(source.name, integer: invalidations(from: source))
        }
        var errorCounts = JSONObjectWriter()
        for code in ErrorCode.allCases {
            errorCounts.add(code.rawValue, integer: errors(code))
        }
        var object = JSONObjectWriter()
        object.add("uptime_seconds", integer: uptime(now: now) / 1_000_000_000)
        object.add("hits", rawObject: hits.finish())
        object.add("not_found", integer: notFound)
        object.add("stale_served", integer: lookups(.postgres, .stale))
        object.add("coalesced", integer: coalescedLookups)
        object.add("backend", rawObject: backend.finish())
        object.add("invalidations", rawObject: invalidationCounts.finish())
        object.add("errors", rawObject: errorCounts.finish())
        object.add("l1_entries", integer: l1Entries)
        object.add("l1_capacity", integer: l1Capacity)
        object.add("connections", integer: connections)
        object.add("connections_accepted", integer: connectionsAccepted)
        object.add("redis_configured", bool: redisConfigured)
        object.add("redis_tracking", bool: redisTracking)
        return object.finish()
    }
}

extension ServerStats.InvalidationSource {
    /// The key in `STATS`, the label value in `METRICS`.
    var name: String {
        switch self {
        case .database: "database"
        case .redis: "redis"
        case .client: "client"
        }
    }
}

extension ServerStats.Tier {
    /// The label value in `METRICS`.
    var name: String {
        switch self {
        case .l1: "l1"
        case .redis: "redis"
        case .postgres: "postgres"
        }
    }
}

extension ServerStats.LookupResult {
    /// The label value in `METRICS`.
    var name: String {
        switch self {
        case .hit: "hit"
        case .notFound: "not_found"
        case .stale: "stale"
        case .ambiguous: "ambiguous"
        case .error: "error"
        }
    }

    fileprivate var index: Int { Self.allCases.firstIndex(of: self)! }
}

extension ServerStats.Backend {
    /// The name in log lines, the label value in `METRICS`.
    var name: String {
        switch self {
        case .redis: "redis"
        case .postgres: "postgres"
        }
    }

    fileprivate var index: Int { Self.allCases.firstIndex(of: self)! }
}
