import BizPostgres
import BizQueue
import BizTestSupport
import Foundation
import Glibc

/// A migrated database, a fake Twilio, and `bizqueue` processes against them.
final class QueueFixture {
    let database: PostgresTestDatabase
    let twilio: FakeTwilio
    private(set) var workers: [ChildProcess] = []
    let directory: String

    init() throws {
        database = try PostgresTestDatabase()
        try database.applyMigrations()
        twilio = try FakeTwilio()
        directory = NSTemporaryDirectory() + "bizqueue-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        for worker in workers where worker.exitStatus == nil {
            worker.signal(SIGKILL)
            worker.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The environment `bizqueue` gets: the database, the fake's account, token and address.
    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "DATABASE_URL": database.url,
            "TWILIO_ACCOUNT_SID": twilio.accountSID,
            "TWILIO_AUTH_TOKEN": twilio.authToken,
            "TWILIO_API_BASE": twilio.baseURL,
            "BIZQUEUE_LOG_LEVEL": "debug",
        ]
    }

    /// Starts `bizqueue work` with `arguments`; its output goes to a log file of its own.
    @discardableResult
    func startWorker(_ arguments: [String] = [], environment extra: [String: String] = [:]) throws -> ChildProcess {
        var variables = environment
        for (name, value) in extra { variables[name] = value }
        let worker = try ChildProcess(
            try BuildProducts.path(of: "bizqueue"), ["work"] + arguments,
            environment: variables, outputPath: "\(directory)/worker-\(workers.count).log")
        workers.append(worker)
        return worker
    }

    /// Runs `bizqueue` to completion.
    func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        if let stdin {
            let input = "\(directory)/stdin-\(UUID().uuidString)"
            try stdin.write(toFile: input, atomically: true, encoding: .utf8)
            let command = "exec \"$0\" \"$@\" < \(input)"
            return try ChildProcess.run("/bin/sh", ["-c", command, try BuildProducts.path(of: "bizqueue")] + arguments, environment: environment)
        }
        return try ChildProcess.run(try BuildProducts.path(of: "bizqueue"), arguments, environment: environment)
    }

    func store() throws -> QueueStore { QueueStore(connection: try database.connect()) }

    /// Queues `count` texts with SQL in one statement: bodies `text <n>`, recipients
    /// `+1555020nnnn`, senders cycling over `senders` numbers `+1555030nnnn`.
    func insertJobs(_ count: Int, senders: Int = 1, maxAttempts: Int = 3) throws {
        try database.connect().query(
            """
            INSERT INTO sms_queue (to_number, from_number, body, max_attempts)
            SELECT '+1555020' || lpad((n % 10000)::text, 4, '0'), '+1555030' || lpad((n % $2::int)::text, 4, '0'),
                   'text ' || n, $3::int
              FROM generate_series(1, $1::int) AS n
            """, [String(count), String(senders), String(maxAttempts)])
    }

    /// Jobs per status.
    func counts() throws -> [JobStatus: Int] { try store().status().counts }

    /// Polls until `condition` holds or `seconds` pass.
    func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// Jobs per status as text, for failure messages.
    var countsDescription: String {
        (try? counts()).map { counts in JobStatus.allCases.map { "\($0.rawValue)=\(counts[$0] ?? 0)" }.joined(separator: " ") } ?? "?"
    }

    /// Everything the workers logged.
    var logs: String { workers.map(\.output).joined(separator: "\n") }
}
