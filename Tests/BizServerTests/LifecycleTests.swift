import BizClient
import BizCore
import BizTestSupport
import Foundation
import Glibc
import Testing

/// Starting, refusing to start, and stopping.
@Suite struct LifecycleTests {
    @Test func theSocketIsCreatedWithMode0660() throws {
        let fixture = try ServerFixture(withRedis: false)
        var status = stat()
        #expect(stat(fixture.daemon.socketPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o660)
        #expect(status.st_mode & S_IFMT == S_IFSOCK)
    }

    @Test func sigtermAnswersWhatIsInFlightRemovesTheSocketAndExitsZero() throws {
        let fixture = try ServerFixture()
        for number in 0..<50 {
            try fixture.insertBusiness(name: "Drain \(number)", publicPhone: "+1555050\(String(format: "%04d", number))")
        }
        let idle = try fixture.daemon.client()
        #expect(try idle.request("PING") == .pong)

        // 50 uncached lookups are sent, and SIGTERM follows before their answers are read.
        let busy = try fixture.daemon.client()
        try busy.sendRaw(Array((0..<50).map { "GET +1555050\(String(format: "%04d", $0))\n" }.joined().utf8))
        usleep(20_000)
        #expect(fixture.daemon.terminate() == 0)

        for number in 0..<50 {
            let line = try busy.readLine()
            #expect(line.hasPrefix("OK {") && line.contains("Drain \(number)\""), "reply \(number): \(line.prefix(60))")
        }
        #expect(busy.readsEndOfFile())
        #expect(idle.readsEndOfFile())
        #expect(access(fixture.daemon.socketPath, F_OK) != 0, "socket file left behind")
        #expect(fixture.daemon.log.contains("msg=stopped"))
    }

    @Test func sigintAlsoStopsCleanly() throws {
        let fixture = try ServerFixture(withRedis: false)
        fixture.daemon.child.signal(SIGINT)
        #expect(fixture.daemon.child.wait(seconds: 10) == 0)
        #expect(access(fixture.daemon.socketPath, F_OK) != 0)
    }

    @Test func aStaleSocketFileIsReplaced() throws {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        // A daemon killed with SIGKILL leaves its socket file behind.
        let first = try DaemonProcess(arguments: ["--database-url", database.url])
        first.child.signal(SIGKILL)
        first.child.wait()
        #expect(access(first.socketPath, F_OK) == 0)

        let second = try DaemonProcess(arguments: ["--database-url", database.url], socketPath: first.socketPath)
        #expect(try BizcachedClient(socketPath: first.socketPath).request("PING") == .pong)
        #expect(second.terminate() == 0)
    }

    @Test func refusesToStartWhereALiveDaemonAnswers() throws {
        let fixture = try ServerFixture(withRedis: false)
        let second = try DaemonProcess(
            arguments: ["--database-url", fixture.database.url], socketPath: fixture.daemon.socketPath,
            waitUntilReady: false)
        let status = second.child.wait(seconds: 10)
        #expect(status == 69)
        #expect(second.log.contains("another server is already listening"))
        #expect(try fixture.daemon.request("PING") == .pong)
    }

    @Test func refusesToReplaceAFileThatIsNotASocket() throws {
        let path = NSTemporaryDirectory() + "not-a-socket-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        defer { unlink(path) }
        let result = try ChildProcess.run(
            try BuildProducts.path(of: "bizcached"), ["--socket", path, "--database-url", "dbname=unused"])
        #expect(result.status == 69)
        #expect(result.output.contains("is not a socket"))
        #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "keep me")
    }

    @Test(arguments: [
        (["--l1-capacity", "lots"], "--l1-capacity"),
        (["--ttl", "0"], "--ttl"),
        (["--redis-url", "http://x"], "--redis-url"),
        (["--frobnicate"], "--frobnicate"),
        (["--default-country-code", "0"], "--default-country-code"),
    ])
    func badConfigurationExits64WithAClearMessage(arguments: [String], mentions: String) throws {
        let result = try ChildProcess.run(
            try BuildProducts.path(of: "bizcached"), ["--database-url", "dbname=unused"] + arguments, environment: [:])
        #expect(result.status == 64)
        #expect(result.output.hasPrefix("error: "))
        #expect(result.output.contains(mentions))
    }

    @Test func missingDatabaseURLIsAUsageError() throws {
        let result = try ChildProcess.run(try BuildProducts.path(of: "bizcached"), [], environment: [:])
        #expect(result.status == 64)
        #expect(result.output.contains("DATABASE_URL"))
    }

    @Test func helpExitsZeroAndNamesEveryOption() throws {
        let result = try ChildProcess.run(try BuildProducts.path(of: "bizcached"), ["--help"], environment: [:])
        #expect(result.status == 0)
        for option in ["--socket", "--database-url", "--redis-url", "--l1-capacity", "--ttl"] {
            #expect(result.output.contains(option))
        }
    }

    @Test func theDatabasePasswordNeverReachesTheLog() throws {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        let daemon = try DaemonProcess(arguments: [
            "--database-url", database.connectionString + " password=hunter2-secret",
            "--redis-url", "redis://:redis-secret@127.0.0.1:1/0",
        ])
        // Nothing listens on port 1, so Redis fails and its failure is logged; the test
        // server's trust authentication accepts the unused password.
        #expect(try daemon.request("GET 5550100001") == .notFound)
        #expect(daemon.terminate() == 0)
        #expect(daemon.log.contains("redis unavailable"))
        #expect(daemon.log.contains("postgres connected"))
        #expect(!daemon.log.contains("hunter2-secret"))
        #expect(!daemon.log.contains("redis-secret"))
    }

    @Test func aRequestLineLeftUnfinishedIsDisconnectedButIdleClientsStay() throws {
        let fixture = try ServerFixture(withRedis: false, arguments: ["--idle-timeout", "1"])
        let idle = try fixture.daemon.client()
        #expect(try idle.request("PING") == .pong)
        let stalled = try fixture.daemon.client(timeout: 5)
        try stalled.sendRaw(Array("GET 555-01".utf8))
        let started = Date()
        #expect(stalled.readsEndOfFile())
        #expect(Date().timeIntervalSince(started) < 4.5)
        #expect(try idle.request("PING") == .pong)
    }

    @Test func aClientOverTheConnectionLimitIsToldSo() throws {
        let fixture = try ServerFixture(withRedis: false, arguments: ["--max-connections", "2"])
        let first = try fixture.daemon.client()
        // The readiness probe's connection may still be closing: wait until only this one is open.
        try waitUntil { try openConnections(first) == 1 }
        let second = try fixture.daemon.client()
        #expect(try second.request("PING") == .pong)
        let third = try fixture.daemon.client()
        let line = try third.readLine()
        #expect(line.hasPrefix("ERR BUSY"))
        #expect(third.readsEndOfFile())
        #expect(try openConnections(second) == 2)

        first.close()
        try waitUntil { try openConnections(second) == 1 }
        #expect(try fixture.daemon.request("PING") == .pong)
    }

    @Test func runningOutOfDescriptorsPausesAcceptingInsteadOfSpinning() throws {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        let daemon = try DaemonProcess(
            arguments: ["--database-url", database.url],
            launcher: [ChildProcess.lookUp("prlimit"), "--nofile=48:48"])
        let pid = try #require(daemon.child.pid)

        // More clients than the daemon has descriptors: the surplus waits in the backlog.
        var clients: [BizcachedClient] = []
        for _ in 0..<60 { clients.append(try daemon.client(timeout: 0.3)) }
        var served: [BizcachedClient] = []
        var waiting: [BizcachedClient] = []
        for client in clients {
            if (try? client.request("PING")) == .pong { served.append(client) } else { waiting.append(client) }
        }
        clients.removeAll()
        #expect(served.count > 10)
        #expect(!waiting.isEmpty)

        // Meanwhile the daemon does not spin on a listener it cannot accept from.
        let before = try cpuTicks(of: pid)
        usleep(1_000_000)
        let after = try cpuTicks(of: pid)
        #expect(after - before < 30, "daemon used \(after - before) ticks of CPU in one idle second")

        // Each served client that leaves frees a descriptor for one that waits.
        let freed = served.count
        served.removeAll()
        var answered = 0
        for client in waiting where (try? client.readLine()) == "PONG" { answered += 1 }
        #expect(answered == min(freed, waiting.count))
        #expect(daemon.log.contains("Too many open files"))
    }

    /// User plus system CPU time of a process, in clock ticks (usually 1/100 s).
    private func cpuTicks(of pid: pid_t) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    private func openConnections(_ client: BizcachedClient) throws -> Int? {
        guard case .ok(let json?) = try client.request("STATS") else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["connections"] as? Int
    }

    private func waitUntil(_ condition: () throws -> Bool) throws {
        for _ in 0..<200 {
            if try condition() { return }
            usleep(10_000)
        }
        Issue.record("condition not met within 2 s")
    }
}
