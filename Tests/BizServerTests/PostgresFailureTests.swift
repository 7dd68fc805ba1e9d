import BizClient
import BizCore
import BizTestSupport
import Foundation
import Glibc
import Testing

/// PostgreSQL itself fails: stopped (its socket is gone) or hung (SIGSTOP, connections open
/// but unanswered). Uncached numbers get `ERR UNAVAILABLE` within a bounded time, numbers
/// cached within the stale-if-error window are still answered (from the LRU, or from
/// Redis's `business-stale:` copy), and once the server is back the daemon uses it again
/// and listens for changes again, without being restarted.
///
/// Each test has a private cluster (`PostgresServerProcess`), since the shared test server
/// must not be stopped.
@Suite struct PostgresFailureTests {
    @Test func aStoppedDatabaseServesStaleCopiesAndRecoversWithoutARestart() throws {
        let testStarted = Date()
        let fixture = try OutageFixture(withRedis: false)
        let able = try fixture.insertBusiness(name: "Able", phone: "+15550300001")
        try fixture.insertBusiness(name: "Baker", phone: "+15550300002")
        let daemon = try fixture.startDaemon(["--ttl", "1", "--stale-if-error", "60", "--query-timeout", "0.5"])

        let fresh = try #require(try json(of: daemon.request("GET 5550300001")))
        #expect(fresh.contains(#""name":"Able""#))
        #expect(try daemon.hits("postgres") == 1)

        usleep(1_200_000)  // past the TTL
        fixture.postgres.stop()

        // Past its TTL, with PostgreSQL gone: the LRU's stale copy answers.
        let (staleReply, staleSeconds) = try timed { try daemon.request("GET 5550300001") }
        #expect(staleReply == .ok(fresh))
        let staleServed = try counter("stale_served", of: daemon)
        #expect(staleServed >= 1)
        #expect(try daemon.request("GET +1 555 030 0001") == .ok(fresh))
        #expect(try counter("stale_served", of: daemon) == staleServed + 1)

        // Never cached: nothing to fall back on, and no hang.
        let (unavailable, unavailableSeconds) = try timed { try daemon.request("GET 5550300002") }
        #expect(isUnavailable(unavailable), "\(unavailable)")
        #expect(unavailableSeconds < 3, "ERR UNAVAILABLE took \(unavailableSeconds) s")
        #expect(try counter("errors.UNAVAILABLE", of: daemon) >= 1)
        #expect(try daemon.request("PING") == .pong)

        // Back on the same socket: uncached numbers are answered again, no daemon restart.
        try fixture.postgres.start()
        let restartedAt = Date()
        let recovered = try waitUntil("an uncached number is answered again", seconds: 10) {
            try json(of: daemon.request("GET 5550300002"))?.contains(#""name":"Baker""#) == true
        }
        let recoverySeconds = Date().timeIntervalSince(restartedAt)
        #expect(recovered)

        // The change listener is back too: a LISTEN session exists again, and an UPDATE
        // reaches the daemon as a database invalidation (not only through the 1 s TTL).
        let listening = try waitUntil("the daemon LISTENs again", seconds: 10) {
            try fixture.listenerCount() > 0
        }
        let relistenSeconds = Date().timeIntervalSince(restartedAt)
        #expect(listening)
        let invalidationsBefore = try counter("invalidations.database", of: daemon)
        try fixture.postgres.connect().query("UPDATE businesses SET name = 'Able Renamed' WHERE id = $1::uuid", [able])
        let updatedAt = Date()
        #expect(try waitUntil("the UPDATE is notified", seconds: 10) {
            try counter("invalidations.database", of: daemon) > invalidationsBefore
        })
        #expect(try waitUntil("GET sees the new name", seconds: 10) {
            try json(of: daemon.request("GET 5550300001"))?.contains(#""name":"Able Renamed""#) == true
        })
        let updateSeconds = Date().timeIntervalSince(updatedAt)

        let stats = try daemon.stats()
        fixture.checkHealthyAndStop(daemon)
        print("""
            PostgresFailureTests.stopped: stale reply \(ms(staleSeconds)) ms, ERR UNAVAILABLE \(ms(unavailableSeconds)) ms, \
            uncached answered again \(ms(recoverySeconds)) ms after restart, LISTEN again after \(ms(relistenSeconds)) ms, \
            UPDATE seen \(ms(updateSeconds)) ms; stale_served \(stats["stale_served"] ?? "?"), \
            errors.UNAVAILABLE \(value("errors.UNAVAILABLE", in: stats)), \
            postgres_lookups \(value("backend.postgres_lookups", in: stats)); \
            cluster set up in \(ms(fixture.clusterSeconds)) ms, \
            test \(String(format: "%.1f", Date().timeIntervalSince(testStarted))) s
            """)
    }

    @Test func aHungDatabaseAnswersUnavailableWithinTheQueryTimeoutAndRecovers() throws {
        let testStarted = Date()
        let fixture = try OutageFixture(withRedis: false)
        let cachedID = try fixture.insertBusiness(name: "Cached", phone: "+15550300010")
        for number in 11...16 {
            try fixture.insertBusiness(name: "Uncached \(number)", phone: "+155503000\(number)")
        }
        let daemon = try fixture.startDaemon(["--query-timeout", "0.5"])
        let cached = try #require(try json(of: daemon.request("GET 5550300010")))

        fixture.postgres.suspend()
        defer { fixture.postgres.resume() }

        // One after another, each on its own: none may wait for the one before.
        var waits: [Double] = []
        for number in 11...15 {
            let (reply, seconds) = try timed { try daemon.client(timeout: 20).request("GET 55503000\(number)") }
            #expect(isUnavailable(reply), "GET 55503000\(number): \(reply)")
            waits.append(seconds)
        }
        // A 0.5 s query timeout, or a 0.5 s connect timeout for a worker without a connection.
        #expect(waits.allSatisfy { $0 < 2.5 }, "waits for ERR UNAVAILABLE: \(waits)")

        // A burst of uncached numbers at once (none in the database, so none cached later):
        // the workers give up together, no queue builds up behind the hung server.
        let burst = (0..<12).map { "GET +1555031\(String(format: "%04d", $0))" }
        let (burstReplies, burstSeconds) = try timed { try daemon.client(timeout: 20).pipeline(burst) }
        #expect(burstReplies.allSatisfy(isUnavailable), "\(burstReplies)")
        #expect(burstSeconds < 3, "12 pipelined lookups took \(burstSeconds) s")

        // While a lookup is stuck on the hung server, PING and cached numbers do not wait.
        let stuck = try daemon.client(timeout: 20)
        try stuck.sendRaw(Array("GET 5550300016\n".utf8))
        usleep(50_000)
        let (pong, pingSeconds) = try timed { try daemon.request("PING") }
        let (hit, hitSeconds) = try timed { try daemon.request("GET 5550300010") }
        #expect(pong == .pong)
        #expect(hit == .ok(cached))
        // Well under the 0.5 s the stuck lookup takes.
        #expect(pingSeconds < 0.4 && hitSeconds < 0.4, "PING \(pingSeconds) s, cached GET \(hitSeconds) s")
        let stuckReply = ServerReply(line: try stuck.readLine())
        #expect(stuckReply.map(isUnavailable) == true, "\(String(describing: stuckReply))")

        fixture.postgres.resume()
        let resumedAt = Date()
        let recovered = try waitUntil("an uncached number is answered again", seconds: 10) {
            try json(of: daemon.request("GET 5550300016"))?.contains(#""name":"Uncached 16""#) == true
        }
        let recoverySeconds = Date().timeIntervalSince(resumedAt)
        #expect(recovered)
        #expect(try json(of: daemon.request("GET 5550300011"))?.contains(#""name":"Uncached 11""#) == true)

        // The change listener's session survived the hang: with a 300 s TTL, only its
        // notification can replace the cached name.
        try fixture.postgres.connect().query("UPDATE businesses SET name = 'Cached Renamed' WHERE id = $1::uuid", [cachedID])
        let updatedAt = Date()
        #expect(try waitUntil("GET sees the new name", seconds: 10) {
            try json(of: daemon.request("GET 5550300010"))?.contains(#""name":"Cached Renamed""#) == true
        })
        let updateSeconds = Date().timeIntervalSince(updatedAt)

        let stats = try daemon.stats()
        fixture.checkHealthyAndStop(daemon)
        print("""
            PostgresFailureTests.hung: ERR UNAVAILABLE after \(waits.map(ms).joined(separator: ", ")) ms, \
            12 pipelined in \(ms(burstSeconds)) ms; \
            meanwhile PING \(ms(pingSeconds)) ms, cached GET \(ms(hitSeconds)) ms; \
            answered again \(ms(recoverySeconds)) ms after resume, UPDATE seen \(ms(updateSeconds)) ms; \
            errors.UNAVAILABLE \(value("errors.UNAVAILABLE", in: stats)), \
            postgres_lookups \(value("backend.postgres_lookups", in: stats)); \
            cluster set up in \(ms(fixture.clusterSeconds)) ms, \
            test \(String(format: "%.1f", Date().timeIntervalSince(testStarted))) s
            """)
    }

    @Test func anotherInstanceServesRedisStaleCopyWhileTheDatabaseIsDown() throws {
        let testStarted = Date()
        let fixture = try OutageFixture(withRedis: true)
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Able", phone: "+15550300021")
        try fixture.insertBusiness(name: "Baker", phone: "+15550300022")
        try fixture.insertBusiness(name: "Charlie", phone: "+15550300023")
        let flags = ["--ttl", "1", "--query-timeout", "0.5"]
        let first = try fixture.startDaemon(flags + ["--stale-if-error", "60"])
        let second = try fixture.startDaemon(flags + ["--stale-if-error", "60"])
        let strict = try fixture.startDaemon(flags + ["--stale-if-error", "0"])

        // The strict daemon writes no stale copy.
        #expect(try json(of: strict.request("GET 5550300022"))?.contains(#""name":"Baker""#) == true)
        // The first daemon writes both keys: the business for the TTL, the stale copy for
        // TTL + stale-if-error.
        let fresh = try #require(try json(of: first.request("GET 5550300021")))
        #expect(try waitUntil("the stale copy is in Redis", seconds: 5) {
            try redis.cli("EXISTS", "business-stale:+15550300021") == "1"
        })
        let staleTTL = Int(try redis.cli("TTL", "business-stale:+15550300021")) ?? -99
        let freshTTL = Int(try redis.cli("TTL", "business:+15550300021")) ?? -99
        #expect((59...61).contains(staleTTL), "TTL of business-stale: \(staleTTL)")
        #expect((0...1).contains(freshTTL), "TTL of business: \(freshTTL)")
        let strictStaleKey = try redis.cli("EXISTS", "business-stale:+15550300022")
        #expect(strictStaleKey == "0", "--stale-if-error 0 wrote a stale copy")
        // The strict daemon caches Able too (from Redis), so it has a stale copy in its LRU.
        #expect(try strict.request("GET 5550300021") == .ok(fresh))

        fixture.postgres.stop()
        usleep(1_300_000)  // past the TTL, in Redis and in every LRU
        #expect(try redis.cli("EXISTS", "business:+15550300021") == "0")

        // The second daemon never held Able in its LRU: Redis's stale copy answers.
        let (staleReply, staleSeconds) = try timed { try second.request("GET 5550300021") }
        #expect(staleReply == .ok(fresh))
        #expect(try counter("stale_served", of: second) == 1)
        #expect(try second.hits("l1") == 0)
        // The first one has it in its LRU as well.
        #expect(try first.request("GET 5550300021") == .ok(fresh))
        #expect(try counter("stale_served", of: first) == 1)

        // Never cached anywhere: nothing to fall back on.
        let (unavailable, unavailableSeconds) = try timed { try second.request("GET 5550300023") }
        #expect(isUnavailable(unavailable), "\(unavailable)")
        #expect(unavailableSeconds < 3)
        #expect(isUnavailable(try first.request("GET 5550300023")))

        // --stale-if-error 0: neither its LRU's nor Redis's stale copy is served.
        let strictReply = try strict.request("GET 5550300021")
        #expect(isUnavailable(strictReply), "\(strictReply)")
        #expect(isUnavailable(try strict.request("GET 5550300022")))
        #expect(try counter("stale_served", of: strict) == 0)
        #expect(try counter("errors.UNAVAILABLE", of: strict) == 2)

        let secondStats = try second.stats()
        for daemon in [first, second, strict] { fixture.checkHealthyAndStop(daemon) }
        print("""
            PostgresFailureTests.redisStale: business-stale TTL \(staleTTL) s, business TTL \(freshTTL) s; \
            second instance stale reply \(ms(staleSeconds)) ms, ERR UNAVAILABLE \(ms(unavailableSeconds)) ms; \
            strict instance: \(strictReply); second instance stats: stale_served \(secondStats["stale_served"] ?? "?"), \
            hits \(secondStats["hits"] ?? "?"), errors.UNAVAILABLE \(value("errors.UNAVAILABLE", in: secondStats)); \
            cluster set up in \(ms(fixture.clusterSeconds)) ms, \
            test \(String(format: "%.1f", Date().timeIntervalSince(testStarted))) s
            """)
    }
}

// MARK: Fixture

/// A private PostgreSQL cluster, migrated, optionally a private Redis, and the daemons a
/// test starts on them. The daemons get the URL with a password (ignored by trust
/// authentication), so that their logs can be checked for it.
private final class OutageFixture {
    let postgres: PostgresServerProcess
    let redis: RedisServerProcess?
    let password = "pw-" + String(UInt64.random(in: .min ... .max), radix: 16)
    /// Seconds the cluster took to be created, started and migrated.
    let clusterSeconds: Double
    private var daemons: [DaemonProcess] = []

    init(withRedis: Bool) throws {
        let started = Date()
        postgres = try PostgresServerProcess()
        try postgres.applyMigrations()
        clusterSeconds = Date().timeIntervalSince(started)
        redis = withRedis ? try RedisServerProcess() : nil
    }

    /// Starts a daemon on the cluster (and Redis) with more `flags`.
    func startDaemon(_ flags: [String]) throws -> DaemonProcess {
        var arguments = ["--database-url", postgres.url + "&password=\(password)"] + flags
        if let redis { arguments += ["--redis-url", redis.url] }
        let daemon = try DaemonProcess(arguments: arguments)
        daemons.append(daemon)
        return daemon
    }

    /// Inserts a business with one number and returns its id.
    @discardableResult
    func insertBusiness(name: String, phone: String) throws -> String {
        let rows = try postgres.connect().query(
            "INSERT INTO businesses (name, public_phone) VALUES ($1, $2) RETURNING id::text", [name, phone])
        return try rows.value(row: 0, column: "id")
    }

    /// Sessions that are LISTENing (the daemons' change listeners).
    func listenerCount() throws -> Int {
        try postgres.connectAdministrator().query(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'", [postgres.databaseName]
        ).count
    }

    /// The daemon still runs and answers, never logged the password or the URL, and on
    /// SIGTERM exits 0 promptly (whatever state PostgreSQL is in).
    func checkHealthyAndStop(_ daemon: DaemonProcess) {
        #expect(daemon.child.poll() == nil, "the daemon exited:\n\(daemon.log)")
        #expect((try? daemon.request("PING")) == .pong)
        let log = daemon.log
        #expect(!log.contains(password), "the daemon logged the password")
        #expect(!log.contains("postgresql://"), "the daemon logged the database URL")
        let (status, seconds) = timed { daemon.terminate() }
        #expect(status == 0, "exit status after SIGTERM: \(String(describing: status))")
        #expect(seconds < 6, "SIGTERM took \(seconds) s")
    }
}

// MARK: Helpers

private func isUnavailable(_ reply: ServerReply) -> Bool {
    if case .error(.unavailable?, _, _) = reply { return true }
    return false
}

/// The JSON of an `OK <json>` reply, else nil.
private func json(of reply: ServerReply) -> String? {
    if case .ok(let json?) = reply { return json }
    return nil
}

/// A value of `STATS` by dotted path (`errors.UNAVAILABLE`), or "?".
private func value(_ path: String, in stats: [String: Any]) -> String {
    var current: Any? = stats
    for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
    return current.map { "\($0)" } ?? "?"
}

/// An integer of `STATS` by dotted path; -1 when missing.
private func counter(_ path: String, of daemon: DaemonProcess) throws -> Int {
    Int(value(path, in: try daemon.stats())) ?? -1
}

private func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let started = Date()
    let result = try body()
    return (result, Date().timeIntervalSince(started))
}

/// Polls every 50 ms; records an issue and returns false when `seconds` pass first.
private func waitUntil(_ what: String, seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    Issue.record("timed out after \(seconds) s waiting until \(what)")
    return false
}

private func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
