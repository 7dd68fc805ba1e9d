import BizClient
import BizCore
import BizTestSupport
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing

/// Redis dies under a steady load of lookups: every answer stays right (PostgreSQL answers),
/// no request waits for a reconnect, and once Redis is back on the same socket the daemon
/// uses it again without being restarted, and has not leaked descriptors.
@Suite struct RedisFailureTests {
    static let businessCount = 200
    static let absentCount = 50

    static func presentPhone(_ number: Int) -> String { "+1555018\(String(format: "%04d", number))" }
    static func absentPhone(_ number: Int) -> String { "+1555019\(String(format: "%04d", number))" }

    @Test func killingRedisUnderLoadKeepsEveryAnswerRightAndRedisIsUsedAgainOnceItIsBack() throws {
        let testStarted = Date()
        // No LRU: every lookup goes through the loops' Redis links (then PostgreSQL), so the
        // outage is felt by every request instead of being hidden by the memory cache.
        let fixture = try ServerFixture(arguments: ["--l1-capacity", "0"])
        let redis = try #require(fixture.redis)
        let pid = try #require(fixture.daemon.child.pid)
        try fixture.database.connect().execute("""
            INSERT INTO businesses (name, public_phone)
            SELECT 'Outage ' || n, '+1555018' || lpad(n::text, 4, '0') FROM generate_series(0, \(Self.businessCount - 1)) AS n
            """)

        let load = LookupLoad(socketPath: fixture.daemon.socketPath)
        load.start(singleRequestThreads: 4, pipeliningThreads: 1)
        defer { load.stop() }

        // Steady state: every business is in Redis and answers come from there.
        try waitUntil("all \(Self.businessCount) businesses are in Redis", seconds: 10) {
            try businessKeyCount(in: redis) == Self.businessCount
        }
        usleep(500_000)
        let redisHitsBeforeKill = try fixture.daemon.hits("redis")
        #expect(redisHitsBeforeKill > 0)
        let descriptorsBeforeKill = try minimumDescriptorCount(of: pid)

        // The outage: SIGKILL, so the daemon's connections break without a goodbye.
        load.phase = .outage
        redis.kill()
        usleep(3_000_000)
        let postgresHitsDuringOutage = try fixture.daemon.hits("postgres")
        let redisHitsDuringOutage = try fixture.daemon.hits("redis")

        // Redis comes back on the same socket path, empty.
        load.phase = .recovery
        let restartedAt = Date()
        try redis.restart()
        try waitUntil("the daemon stores businesses in the restarted Redis", seconds: 15) {
            try businessKeyCount(in: redis) > 0
        }
        try waitUntil("lookups are answered from the restarted Redis", seconds: 15) {
            try fixture.daemon.hits("redis") > redisHitsDuringOutage
        }
        let recoverySeconds = Date().timeIntervalSince(restartedAt)
        let businessKeysAfterRecovery = try businessKeyCount(in: redis)

        // INVALIDATE deletes the key in the restarted Redis (once a worker has reconnected,
        // it answers OK rather than UNAVAILABLE); the next lookup stores it again.
        let probe = Self.presentPhone(7)
        try waitUntil("INVALIDATE reaches the restarted Redis", seconds: 15) {
            try fixture.daemon.request("INVALIDATE \(probe)") == .ok(nil)
        }
        let probeJSON: String? = {
            if case .ok(let json?)? = try? fixture.daemon.request("GET \(probe)") { return json }
            return nil
        }()
        #expect(probeJSON?.contains("\"name\":\"Outage 7\"") == true)
        // The lookup's value is written to Redis just after the reply.
        #expect(try eventually(within: 5) { try redis.cli("EXISTS", "business:\(probe)") == "1" })
        usleep(500_000)
        let descriptorsAfterRecovery = try minimumDescriptorCount(of: pid)
        load.stop()

        let report = load.report()
        for phase in LookupLoad.Phase.allCases {
            let figures = report[phase]!
            #expect(figures.problems == [], "\(phase): wrong answers (first \(LookupLoad.keptProblems) shown)")
            #expect(figures.wrong == 0 && figures.errors == 0, "\(phase): \(figures.wrong) wrong answers, \(figures.errors) ERR replies")
        }
        let outage = report[.outage]!
        #expect(outage.requests > 200, "only \(outage.requests) lookups were made during the outage")
        // Behaviour, not speed: no request may wait for a reconnect attempt or a timeout.
        #expect(outage.maxLatency < 0.5, "slowest lookup during the outage: \(outage.maxLatency) s")
        #expect(report[.recovery]!.maxLatency < 1, "slowest lookup while Redis came back: \(report[.recovery]!.maxLatency) s")
        #expect(postgresHitsDuringOutage > 0)

        #expect(fixture.daemon.child.poll() == nil, "the daemon exited")
        #expect(try fixture.daemon.request("PING") == .pong)
        #expect(descriptorsAfterRecovery <= descriptorsBeforeKill + 8,
                "descriptors: \(descriptorsBeforeKill) before the kill, \(descriptorsAfterRecovery) after recovery")
        let log = fixture.daemon.log
        #expect(log.contains("redis unavailable"))
        #expect(log.contains("redis reconnected"))

        func describe(_ phase: LookupLoad.Phase) -> String {
            let figures = report[phase]!
            return "\(phase) \(figures.requests) lookups (+\(figures.batches) batches), "
                + "max \(formatMilliseconds(figures.maxLatency)) ms, p99 \(formatMilliseconds(figures.p99)) ms, "
                + "batch max \(formatMilliseconds(figures.maxBatchLatency)) ms"
        }
        print("""
            RedisFailureTests: \(describe(.steady)); \(describe(.outage)); \(describe(.recovery)); \
            redis hits \(redisHitsBeforeKill) before kill, used again \(String(format: "%.2f", recoverySeconds)) s after restart \
            (\(businessKeysAfterRecovery) business keys by then); \
            fds \(descriptorsBeforeKill) before kill, \(descriptorsAfterRecovery) after recovery; \
            test \(String(format: "%.1f", Date().timeIntervalSince(testStarted))) s
            """)
    }

    // MARK: Helpers

    /// How many of the 200 businesses' `business:<E.164>` keys Redis holds (absent numbers,
    /// which may be cached as negative entries, and other keys are not counted).
    private func businessKeyCount(in redis: RedisServerProcess) throws -> Int {
        try redis.cli("--scan", "--pattern", "business:+1555018*").split(separator: "\n").count
    }

    private func waitUntil(_ what: String, seconds: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        Issue.record("timed out after \(seconds) s waiting until \(what)")
    }

    /// The smallest of a few samples, so that a connection the daemon is just closing (a
    /// `STATS` or `INVALIDATE` asker's) does not count.
    private func minimumDescriptorCount(of pid: pid_t) throws -> Int {
        var counts: [Int] = []
        for _ in 0..<5 {
            counts.append(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count)
            usleep(40_000)
        }
        return counts.min()!
    }
}

private func formatMilliseconds(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

/// Client threads that look up random numbers (200 present, 50 absent) until stopped, each
/// answer checked, latencies kept per phase of the test.
private final class LookupLoad: Sendable {
    enum Phase: Int, CaseIterable, CustomStringConvertible, Sendable {
        case steady, outage, recovery
        var description: String { ["steady", "outage", "recovery"][rawValue] }
    }

    struct Figures: Sendable {
        var requests = 0
        var batches = 0
        var wrong = 0
        var errors = 0
        var maxLatency = 0.0
        var maxBatchLatency = 0.0
        var latencies: [Double] = []
        var problems: [String] = []

        var p99: Double {
            guard !latencies.isEmpty else { return 0 }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        }
    }

    static let keptProblems = 20

    private let socketPath: String
    private let currentPhase = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let figures = Mutex<[Figures]>(Array(repeating: Figures(), count: Phase.allCases.count))
    private let done = DispatchGroup()
    private let running = Atomic<Bool>(false)

    init(socketPath: String) { self.socketPath = socketPath }

    var phase: Phase {
        get { Phase(rawValue: currentPhase.load(ordering: .relaxed))! }
        set { currentPhase.store(newValue.rawValue, ordering: .relaxed) }
    }

    func start(singleRequestThreads: Int, pipeliningThreads: Int) {
        running.store(true, ordering: .relaxed)
        for thread in 0..<(singleRequestThreads + pipeliningThreads) {
            let batchSize = thread < singleRequestThreads ? 1 : 32
            done.enter()
            let body: @Sendable () -> Void = { [self] in
                run(seed: 0x0DE1_5000 + UInt64(thread), batchSize: batchSize)
                done.leave()
            }
            Thread(block: body).start()
        }
    }

    /// Stops the threads and waits for them (safe to call twice).
    func stop() {
        stopping.store(true, ordering: .relaxed)
        if running.exchange(false, ordering: .relaxed) { done.wait() }
    }

    func report() -> [Phase: Figures] {
        figures.withLock { all in
            Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0, all[$0.rawValue]) })
        }
    }

    private func run(seed: UInt64, batchSize: Int) {
        var random = LoadRandom(seed: seed)
        let client: BizcachedClient
        do {
            client = try BizcachedClient(socketPath: socketPath, timeout: 10)
        } catch {
            record(.steady) { $0.problems.append("cannot connect: \(error)") }
            return
        }
        let total = RedisFailureTests.businessCount + RedisFailureTests.absentCount
        while !stopping.load(ordering: .relaxed) {
            let numbers = (0..<batchSize).map { _ in random.below(total) }
            let requests = numbers.map { number in
                number < RedisFailureTests.businessCount
                    ? "GET \(RedisFailureTests.presentPhone(number))"
                    : "GET \(RedisFailureTests.absentPhone(number - RedisFailureTests.businessCount))"
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let replies: [ServerReply]
            do {
                replies = try client.pipeline(requests)
            } catch {
                record(phase) { $0.problems.append("\(requests.first ?? "") (batch of \(batchSize)): \(error)") }
                return
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            // The phase when the answer came: a lookup caught by the kill counts as the outage's.
            record(phase) { figures in
                if batchSize == 1 {
                    figures.latencies.append(seconds)
                    figures.maxLatency = max(figures.maxLatency, seconds)
                } else {
                    figures.batches += 1
                    figures.maxBatchLatency = max(figures.maxBatchLatency, seconds)
                }
                for (number, reply) in zip(numbers, replies) {
                    figures.requests += 1
                    if case .error = reply { figures.errors += 1 }
                    guard !Self.isRight(reply, for: number) else { continue }
                    figures.wrong += 1
                    if figures.problems.count < Self.keptProblems {
                        figures.problems.append("lookup \(number): \(String(describing: reply).prefix(160))")
                    }
                }
            }
        }
    }

    private static func isRight(_ reply: ServerReply, for number: Int) -> Bool {
        guard number < RedisFailureTests.businessCount else { return reply == .notFound }
        guard case .ok(let json?) = reply else { return false }
        return json.contains("\"name\":\"Outage \(number)\"")
            && json.contains("\"public_phone\":\"\(RedisFailureTests.presentPhone(number))\"")
    }

    private func record(_ phase: Phase, _ update: (inout Figures) -> Void) {
        figures.withLock { update(&$0[phase.rawValue]) }
    }
}

/// SplitMix64, so every run asks for the same numbers in the same order.
private struct LoadRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func below(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
