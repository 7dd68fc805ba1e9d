import BizTestSupport
import Foundation
import Glibc
import Testing

/// bizcached under a service manager: `sd_notify` messages on `$NOTIFY_SOCKET`.
@Suite struct ServiceManagerTests {
    @Test(arguments: [false, true])
    func readyWatchdogAndStoppingAreSent(abstractSocket: Bool) throws {
        let notifications = try NotificationSocket(abstract: abstractSocket)
        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        let daemon = try DaemonProcess(
            arguments: ["--database-url", database.url],
            environment: ["NOTIFY_SOCKET": notifications.path, "WATCHDOG_USEC": "400000"])
        let first = notifications.receive(for: 1.5)
        let ready = try #require(first.first { $0.contains("READY=1") }, "\(first)")
        #expect(ready.contains("STATUS=answering lookups on \(daemon.socketPath)"))
        #expect(first.filter { $0 == "WATCHDOG=1" }.count >= 4, "pings every 200 ms: \(first)")
        #expect(daemon.child.pid.map { kill($0, SIGTERM) } == 0)
        let last = notifications.receive(for: 1.0)
        #expect(last.contains { $0.hasPrefix("STOPPING=1") }, "\(last)")
        #expect(daemon.child.wait(seconds: 10) == 0)
    }

    @Test func aReloadIsFramedByReloadingAndReady() throws {
        let notifications = try NotificationSocket()
        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        let file = NSTemporaryDirectory() + "bizcached-\(UUID().uuidString.prefix(8)).conf"
        defer { unlink(file) }
        try "database-url = \(database.url)\nttl = 60\n".write(toFile: file, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            arguments: ["--config", file], environment: ["NOTIFY_SOCKET": notifications.path])
        let started = notifications.receive(until: { $0.contains { $0.contains("READY=1") } }, timeout: 5)
        let ready = try #require(started.first { $0.contains("READY=1") }, "\(started)")
        #expect(ready.contains("STATUS=answering lookups on \(daemon.socketPath); "), "\(ready)")
        #expect(ready.contains("lookups"), "a summary follows: \(ready)")
        let pid = try #require(daemon.child.pid)

        func reload() throws -> (reloading: String, ready: String) {
            kill(pid, SIGHUP)
            let messages = notifications.receive(until: { $0.contains { $0.contains("READY=1") } }, timeout: 5)
            let reloading = try #require(messages.firstIndex { $0.contains("RELOADING=1") }, "\(messages)")
            let ready = try #require(messages.lastIndex { $0.contains("READY=1") }, "\(messages)")
            #expect(reloading < ready, "RELOADING=1 comes first: \(messages)")
            return (messages[reloading], messages[ready])
        }
        try "database-url = \(database.url)\nttl = 61\n".write(toFile: file, atomically: true, encoding: .utf8)
        let good = try reload()
        #expect(good.reloading.contains("MONOTONIC_USEC="), "\(good.reloading)")
        #expect(!good.ready.contains("failed"), "\(good.ready)")

        try "database-url = \(database.url)\nttl = soon\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try reload()
        #expect(bad.ready.contains("the last reload failed"), "\(bad.ready)")
        #expect(try daemon.request("PING") == .pong)
    }

    @Test func readyWaitsForPostgres() throws {
        let notifications = try NotificationSocket(abstract: false)
        let daemon = try DaemonProcess(
            arguments: ["--database-url", "host=/nonexistent/bizcached dbname=none"],
            environment: ["NOTIFY_SOCKET": notifications.path])
        // It answers PING (DaemonProcess waited for that), but PostgreSQL never answered.
        #expect(!notifications.receive(for: 1.0).contains { $0.contains("READY=1") })
        _ = daemon.terminate()
    }

    @Test func underTheJournalEachLineCarriesItsSyslogPriority() throws {
        let directory = NSTemporaryDirectory() + "bizcached-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The "journal" is a file whose device and inode JOURNAL_STREAM names; the child's
        // stderr is opened on the same file (truncated, same inode).
        let logPath = directory + "/stderr.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        var status = stat()
        #expect(stat(logPath, &status) == 0)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BIZCACHED_") && $0.key != "REDIS_URL" }
        environment["JOURNAL_STREAM"] = "\(status.st_dev):\(status.st_ino)"
        let daemon = try ChildProcess(
            try BuildProducts.path(of: "bizcached"),
            ["--socket", directory + "/b.sock", "--database-url", "host=/nonexistent/bizcached dbname=none"],
            environment: environment, outputPath: logPath)
        usleep(700_000)
        daemon.signal(SIGTERM)
        #expect(daemon.wait(seconds: 10) == 0)
        let lines = daemon.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>ts=") && $0.contains("level=info") }, "\(lines.prefix(3))")
        #expect(lines.contains { $0.hasPrefix("<4>ts=") && $0.contains("level=warning") }, "PostgreSQL is unreachable")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "\(lines.filter { !$0.hasPrefix("<") }.prefix(3))")

        // Anywhere else (JOURNAL_STREAM naming another file) lines carry no prefix.
        // (Its socket path is a regular file, so it logs an error and exits.)
        let plain = try ChildProcess.run(
            try BuildProducts.path(of: "bizcached"), ["--socket", logPath, "--database-url", "x"], environment: environment)
        #expect(plain.status == 69)
        #expect(plain.output.contains("level=error"), "\(plain.output)")
        #expect(!plain.output.contains("<3>"), "\(plain.output)")
    }
}
