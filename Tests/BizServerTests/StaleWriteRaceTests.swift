import BizClient
import BizCore
import BizTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// A lookup that read a row just before an update commits must not cache that row after
/// the invalidation passed, on any instance.
@Suite struct StaleWriteRaceTests {
    @Test func afterFiveHundredRacingUpdatesEveryInstanceAnswersTheLastCommittedValue() throws {
        // One backend worker per instance: misses queue up into bigger batches, which
        // widens the gap between a query's snapshot and the cache write that follows it.
        let fixture = try ServerFixture(arguments: ["--backend-workers", "1", "--query-timeout", "10"])
        let other = try fixture.secondDaemon(arguments: ["--backend-workers", "1", "--query-timeout", "10"])
        let daemons = [fixture.daemon, other]
        let phones = (0..<20).map { "+155507000\(String(format: "%02d", $0))" }
        var ids: [String] = []
        for (index, phone) in phones.enumerated() {
            ids.append(try fixture.insertBusiness(name: "p\(index)-v0", publicPhone: phone))
        }

        // 8 readers per instance hammer the 20 numbers while the updates commit.
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let readers = DispatchGroup()
        for daemon in daemons {
            for reader in 0..<8 {
                let client = UncheckedBox(try daemon.client())
                DispatchQueue.global().async(group: readers) {
                    var index = reader
                    while !stop.load(ordering: .relaxed) {
                        index = (index &* 7 &+ 3) % phones.count
                        do {
                            let reply = try client.value.request("GET \(phones[index])")
                            if businessName(in: reply)?.hasPrefix("p\(index)-v") != true {
                                failures.withLock { $0.append("\(phones[index]): \(reply)") }
                            }
                        } catch {
                            failures.withLock { $0.append("\(error)") }
                            return
                        }
                    }
                }
            }
        }

        let writer = try fixture.database.connect()
        var last = phones.indices.map { "p\($0)-v0" }
        for update in 1...500 {
            let index = (update &* 13) % phones.count
            last[index] = "p\(index)-v\(update)"
            try writer.query("UPDATE businesses SET name = $1 WHERE id = $2::uuid", [last[index], ids[index]])
        }
        let committed = Date()

        // Within 1 s every instance answers the last value for every number...
        let checkers = try daemons.map { try $0.client() }
        let requests = phones.map { "GET \($0)" }
        func wrongAnswers() throws -> [String] {
            var wrong: [String] = []
            for (instance, checker) in checkers.enumerated() {
                for (index, reply) in try checker.pipeline(requests).enumerated() where businessName(in: reply) != last[index] {
                    wrong.append("instance \(instance) \(phones[index]): \(businessName(in: reply) ?? "\(reply)") not \(last[index])")
                }
            }
            return wrong
        }
        var wrong = try wrongAnswers()
        while !wrong.isEmpty && Date().timeIntervalSince(committed) < 1 {
            usleep(10_000)
            wrong = try wrongAnswers()
        }
        let elapsed = Date().timeIntervalSince(committed)
        #expect(wrong.isEmpty, "\(elapsed) s after the last commit: \(wrong.prefix(5))")
        // ... and keeps answering it while the readers go on.
        for _ in 0..<5 {
            usleep(200_000)
            let wrong = try wrongAnswers()
            #expect(wrong.isEmpty, "went back to an old value: \(wrong.prefix(5))")
        }
        stop.store(true, ordering: .relaxed)
        readers.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(5) })")
        print("converged \(Int(elapsed * 1000)) ms after the last of 500 updates")
    }
}

/// The same race made certain: the daemon's query reads the old row, its answer is held
/// back until the update has committed and its invalidation has passed, then delivered.
@Suite struct HeldAnswerRaceTests {
    @Test(arguments: [true, false])
    func anAnswerReadBeforeAnUpdateIsNotCachedAfterIt(withRedis: Bool) throws {
        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        let environment = ProcessInfo.processInfo.environment
        let host = try #require(environment["BIZ_TEST_PGHOST"])
        let port = environment["BIZ_TEST_PGPORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
        // The daemon's first connection is its LISTEN; only the lookups' answers are held.
        let proxy = try HoldingProxy(
            upstream: "\(host)/.s.PGSQL.\(port)", socketName: ".s.PGSQL.\(port)", passThrough: 1)
        let url = "postgresql:///\(database.name)?host=\(proxy.directory)&port=\(port)&user=\(try #require(environment["BIZ_TEST_PGUSER"]))"
        let redis = withRedis ? try RedisServerProcess() : nil
        var flags = ["--database-url", url, "--backend-workers", "1", "--query-timeout", "20"]
        if let redis { flags += ["--redis-url", redis.url] }
        let daemon = try DaemonProcess(arguments: flags)
        try database.waitUntilListened()
        let id: String = try database.connect().query(
            "INSERT INTO businesses (name, public_phone) VALUES ('Old', '+15550700100') RETURNING id::text"
        ).value(row: 0, column: "id")
        #expect(try eventually { try daemon.counter("invalidations", "database") == 1 })
        // Connect the backend worker and prepare its statement.
        #expect(try daemon.request("GET +15550700199") == .notFound)

        let admin = try database.connect()
        let before: String = try admin.query("SELECT clock_timestamp()::text AS now").value(row: 0, column: "now")
        proxy.hold()
        let client = try daemon.client(timeout: 30)
        try client.sendRaw(Array("GET +15550700100\n".utf8))
        // The query has run on the server (and read 'Old') once its session is idle again.
        #expect(try eventually {
            try admin.query(
                """
                SELECT 1 FROM pg_stat_activity
                 WHERE datname = $1 AND application_name = 'bizcached' AND state = 'idle'
                   AND query LIKE '%public_phone = $1%' AND query_start > $2::timestamptz
                """, [database.name, before]
            ).count == 1
        })
        try admin.query("UPDATE businesses SET name = 'New' WHERE id = $1::uuid", [id])
        #expect(try eventually { try daemon.counter("invalidations", "database") == 2 })
        proxy.release()

        // The held answer goes to the request that was waiting for it...
        #expect(businessName(in: try #require(ServerReply(line: try client.readLine()))) == "Old")
        // ... but it is in no cache: from now on every instance sees the new name.
        usleep(200_000)
        for _ in 0..<3 {
            #expect(try daemon.name(of: "+15550700100") == "New")
        }
        if let redis {
            let cached = try redis.cli("GET", "business:+15550700100")
            #expect(cached.isEmpty || cached.contains("\"New\""), "Redis holds \(cached)")
            #expect(try !redis.cli("GET", "business-stale:+15550700100").contains("\"Old\""))
        }
    }
}
