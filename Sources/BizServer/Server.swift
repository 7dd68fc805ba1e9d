import BizCore
import BizSystem
import Dispatch
import Synchronization

/// The bizcached daemon: event loops on a shared listener, a backend pool behind them,
/// and an orderly shutdown.
public final class Server: Sendable {
    /// The configuration as started, with reloaded settings applied.
    private let configuration: Mutex<DaemonConfiguration>
    private let listener: UnixListener
    private let settings: LookupSettings
    private let mailboxes: [LoopMailbox]
    private let stopped = DispatchGroup()
    private let isDraining = Atomic<Bool>(false)
    private let reloadFailed = Atomic<Bool>(false)

    /// Whether the last reload (SIGHUP) could not read or parse the configuration.
    public var lastReloadFailed: Bool {
        get { reloadFailed.load(ordering: .relaxed) }
    }

    func recordReload(succeeded: Bool) { reloadFailed.store(!succeeded, ordering: .relaxed) }

    /// The counters `STATS` and `METRICS` report.
    public var stats: ServerStats { settings.stats }

    /// What `METRICS` answers, in Prometheus's text format: for the HTTP `/metrics` endpoint.
    public func metricsText() -> String { settings.metricsText() }

    /// Prepares a server on a listening socket; nothing runs until `start()`.
    /// - Parameter peerPolicy: who may connect (ids already resolved), or nil for anyone who
    ///   can open the socket.
    public init(
        configuration: DaemonConfiguration, listener: UnixListener, peerPolicy: PeerPolicy? = nil
    ) throws(SystemCallError) {
        self.configuration = Mutex(configuration)
        self.listener = listener
        self.settings = LookupSettings(
            cache: ShardedLRUCache(
                capacity: configuration.l1Capacity,
                timeToLive: UInt64(configuration.ttlSeconds) * 1_000_000_000,
                staleRetention: UInt64(configuration.staleIfErrorSeconds) * 1_000_000_000),
            tunables: CacheTunables(configuration),
            redis: configuration.redis,
            databaseURL: configuration.databaseURL,
            stats: ServerStats(
                startedAt: MonotonicClock.nanoseconds(), startTime: WallClock.secondsSinceEpoch(),
                eventLoops: configuration.eventLoops),
            parser: RequestParser(phoneParser: PhoneNumberParser(defaultCountryCode: configuration.defaultCountryCode)),
            peerPolicy: peerPolicy,
            generations: GenerationTable(),
            flights: SingleFlight(),
            tracking: TrackingState(),
            heartbeats: LoopHeartbeats(loops: configuration.eventLoops, now: MonotonicClock.nanoseconds()),
            databaseAnswered: DispatchSemaphore(value: 0))
        var mailboxes: [LoopMailbox] = []
        for _ in 0..<configuration.eventLoops { mailboxes.append(try LoopMailbox()) }
        self.mailboxes = mailboxes
    }

    /// Starts the backend workers and the event loops.
    public func start() throws(SystemCallError) {
        let configuration = self.configuration.withLock { $0 }
        let backend = BackendPool(settings: settings, workers: configuration.backendWorkers)
        Threads.start(name: "db-changes") { [settings] in
            DatabaseChangeListener(settings: settings).run()
        }
        if let redis = configuration.redis {
            // Lookups use Redis only once invalidations are subscribed to: give the first
            // subscription a moment, so that the first clients do not all go to PostgreSQL.
            let subscribed = DispatchSemaphore(value: 0)
            Threads.start(name: "redis-tracking") { [settings] in
                RedisTrackingListener(settings: settings, endpoint: redis).run { subscribed.signal() }
            }
            _ = subscribed.wait(timeout: .now() + .seconds(2))
        }
        for (number, mailbox) in mailboxes.enumerated() {
            let loop = try EventLoop(
                number: number, mailbox: mailbox, listener: listener, settings: settings,
                backend: backend, maximumConnections: configuration.maxConnections,
                idleTimeoutSeconds: configuration.idleTimeoutSeconds)
            stopped.enter()
            let box = LoopBox(loop)
            Threads.start(name: "loop-\(number)") { [stopped] in
                box.take().run()
                stopped.leave()
            }
        }
        Log.info("listening", [
            "socket": listener.path ?? "(inherited)",
            "activated": listener.ownsPath ? "no" : "yes",
            "loops": String(configuration.eventLoops),
            "backend_workers": String(configuration.backendWorkers),
            "l1_capacity": String(configuration.l1Capacity),
            "ttl": String(configuration.ttlSeconds),
            "negative_ttl": String(configuration.negativeTTLSeconds),
            "stale_if_error": String(configuration.staleIfErrorSeconds),
            "query_timeout": "\(Double(configuration.queryTimeout) / 1e9)s",
            "redis": configuration.redis?.description ?? "none",
        ])
    }

    /// The configuration in force: as started, with reloaded settings applied.
    public var currentConfiguration: DaemonConfiguration { configuration.withLock { $0 } }

    /// Applies the reloadable settings of `new` (`DaemonConfiguration.reloadableSettings`)
    /// to the running server without dropping a connection: the log level, the LRU's
    /// capacity (evicting the least recently used entries beyond it), the TTLs, the
    /// stale-if-error window and the query timeout. Other settings are left as they are.
    /// - Returns: the reloadable settings that changed, and the others that differ and
    ///   take a restart.
    @discardableResult
    public func apply(_ new: DaemonConfiguration) -> (applied: [String], needRestart: [String]) {
        configuration.withLock { current in
            let changed = new.changedSettings(comparedWith: current)
            let applied = changed.filter(DaemonConfiguration.reloadableSettings.contains)
            current.logLevel = new.logLevel
            current.l1Capacity = new.l1Capacity
            current.ttlSeconds = new.ttlSeconds
            current.negativeTTLSeconds = new.negativeTTLSeconds
            current.staleIfErrorSeconds = new.staleIfErrorSeconds
            current.queryTimeout = new.queryTimeout
            Log.level = new.logLevel
            settings.tunables.update(from: current)
            settings.cache.setStaleRetention(UInt64(new.staleIfErrorSeconds) * 1_000_000_000)
            settings.cache.resize(to: new.l1Capacity)
            return (applied, changed.filter { !DaemonConfiguration.reloadableSettings.contains($0) })
        }
    }

    /// Blocks until PostgreSQL has answered once (up to `timeout` seconds); returns whether it did.
    public func waitUntilDatabaseAnswered(timeout seconds: Double = .infinity) -> Bool {
        let answered = seconds.isFinite
            ? settings.databaseAnswered.wait(timeout: .now() + seconds) == .success
            : { settings.databaseAnswered.wait(); return true }()
        if answered { settings.databaseAnswered.signal() }  // for the next caller
        return answered
    }

    /// Whether every event loop went round within the last `nanoseconds`: what a watchdog
    /// ping should vouch for.
    public func loopsAreTurning(within nanoseconds: UInt64) -> Bool {
        settings.heartbeats.allBeat(within: nanoseconds, now: MonotonicClock.nanoseconds())
    }

    /// Stops accepting, answers requests already received, then closes every connection.
    /// Safe to call more than once and from any thread.
    public func shutdown() {
        guard !isDraining.exchange(true, ordering: .relaxed) else { return }
        for mailbox in mailboxes { mailbox.post(.drain) }
    }

    /// Blocks until every loop has drained, then closes the listener (removing the socket
    /// file if this process created it).
    public func waitUntilStopped() {
        stopped.wait()
        listener.close()
    }
}

/// Hands a freshly built, not-yet-running event loop to the thread that will own it.
private final class LoopBox: @unchecked Sendable {
    // Written once before the thread starts and read once by that thread: never shared.
    private var loop: EventLoop?
    init(_ loop: EventLoop) { self.loop = loop }
    func take() -> EventLoop {
        defer { loop = nil }
        return loop!
    }
}
