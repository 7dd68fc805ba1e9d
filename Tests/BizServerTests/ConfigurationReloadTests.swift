import BizClient
import BizTestSupport
import Foundation
import Glibc
import Testing

/// bizcached's configuration file: checked with `--check-config`, read at start, and read
/// again on SIGHUP without dropping a connection.
@Suite struct ConfigurationReloadTests {
    /// A temporary configuration file.
    private final class ConfigFile {
        let path: String
        init() { path = NSTemporaryDirectory() + "bizcached-\(UUID().uuidString.prefix(8)).conf" }
        deinit { unlink(path) }
        func write(_ lines: String...) throws {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    private func bizcached(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(try BuildProducts.path(of: "bizcached"), arguments, environment: [:])
    }

    @Test func aBadFileIsRefusedWithTheNumberOfTheLineAtFault() throws {
        let file = ConfigFile()
        try file.write(
            "# bizcached", "database-url = host=/nonexistent dbname=none", "", "ttl = 60", "l1-capacity = lots")
        let checked = try bizcached(["--config", file.path, "--check-config"])
        #expect(checked.status == 78, "EX_CONFIG: \(checked.output)")
        #expect(checked.output.contains("\(file.path):5: invalid l1-capacity: expected a whole number"), "\(checked.output)")

        // Starting with it fails the same way, before anything listens.
        let started = try bizcached(["--config", file.path, "--socket", NSTemporaryDirectory() + "never.sock"])
        #expect(started.status == 78)
        #expect(started.output.contains("\(file.path):5:"), "\(started.output)")

        try file.write("database-url = x", "tll = 60")
        let misspelt = try bizcached(["--config", file.path, "--check-config"])
        #expect(misspelt.status == 78)
        #expect(misspelt.output.contains("\(file.path):2: unknown setting 'tll'"), "\(misspelt.output)")

        try file.write("database-url = x", "this line has no equals sign")
        let noEquals = try bizcached(["--config", file.path, "--check-config"])
        #expect(noEquals.output.contains("\(file.path):2: expected 'name = value'"), "\(noEquals.output)")
        #expect(!noEquals.output.contains("no equals sign"), "a bad line is not echoed: it may be a secret")

        let missing = try bizcached(["--config", file.path + ".missing", "--check-config"])
        #expect(missing.status == 64)
        #expect(missing.output.contains("does not exist"), "\(missing.output)")
    }

    @Test func checkConfigPrintsTheSettingsInForceWithoutThePassword() throws {
        let file = ConfigFile()
        try file.write(
            "database-url = postgresql://app:hunter2@db.internal/app", "ttl = 42", "log-level = \"warning\"",
            "metrics-listen = 127.0.0.1:9464")
        let checked = try bizcached(["--config", file.path, "--check-config", "--ttl", "43"])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.hasPrefix("configuration OK\n"), "\(checked.output)")
        #expect(checked.output.contains("ttl = 43"), "a flag wins over the file: \(checked.output)")
        #expect(checked.output.contains("log-level = warning"))
        #expect(checked.output.contains("metrics-listen = 127.0.0.1:9464"))
        #expect(checked.output.contains("database-url = postgresql://app:***@db.internal/app"))
        #expect(!checked.output.contains("hunter2"))
    }

    @Test func sighupAppliesTheLogLevelAndLRUCapacityWhileAClientStaysConnected() throws {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        try database.connect().execute(
            """
            INSERT INTO businesses (name, public_phone)
            SELECT 'Business ' || n, '+1555060' || lpad(n::text, 4, '0') FROM generate_series(1, 20) AS n
            """)
        let phones = (1...20).map { "+1555060" + String(format: "%04d", $0) }
        let file = ConfigFile()
        try file.write("database-url = \(database.url)", "log-level = warning", "l1-capacity = 1000")
        let daemon = try DaemonProcess(arguments: ["--config", file.path], logLevel: nil)
        try database.waitUntilListened()
        let client = try daemon.client()
        func stat(_ key: String) throws -> Int {
            guard case .ok(let json?) = try client.request("STATS"),
                let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            else { return -1 }
            return object[key] as? Int ?? -1
        }
        func everyPhoneAnswers() throws -> Bool {
            try phones.enumerated().allSatisfy { index, phone in
                businessName(in: try client.request("GET \(phone)")) == "Business \(index + 1)"
            }
        }
        #expect(try everyPhoneAnswers())
        #expect(try stat("l1_capacity") == 1000)
        #expect(try stat("l1_entries") == 20)
        #expect(!daemon.log.contains("level=info"), "warning and above only: \(daemon.log)")

        try file.write("database-url = \(database.url)", "log-level = debug", "l1-capacity = 4")
        let pid = try #require(daemon.child.pid)
        kill(pid, SIGHUP)
        #expect(try eventually { try stat("l1_capacity") == 4 })
        #expect(try stat("l1_entries") <= 4, "the least recently used entries were evicted")
        #expect(try everyPhoneAnswers(), "the same connection keeps getting answers")
        #expect(try stat("l1_entries") <= 4)
        #expect(daemon.log.contains("msg=\"configuration reloaded\""), "\(daemon.log)")
        #expect(daemon.log.contains("applied=l1-capacity,log-level"), "\(daemon.log)")
        // Debug lines now appear: the change listener logs each invalidation at debug.
        try database.connect().query("UPDATE businesses SET name = 'Renamed' WHERE public_phone = $1", [phones[0]])
        #expect(try eventually { daemon.log.contains("msg=\"invalidated changed businesses\"") }, "\(daemon.log)")
        #expect(try eventually { businessName(in: try client.request("GET \(phones[0])")) == "Renamed" })

        // A broken file changes nothing; a setting that needs a restart is reported and kept.
        try file.write("database-url = \(database.url)", "l1-capacity = -5")
        kill(pid, SIGHUP)
        #expect(try eventually { daemon.log.contains("configuration reload failed") }, "\(daemon.log)")
        #expect(daemon.log.contains("\(file.path):2: invalid l1-capacity"), "\(daemon.log)")
        #expect(try stat("l1_capacity") == 4)
        try file.write("database-url = \(database.url)", "log-level = debug", "l1-capacity = 4", "max-connections = 7")
        kill(pid, SIGHUP)
        #expect(try eventually { daemon.log.contains("settings=max-connections") }, "\(daemon.log)")
        #expect(try businessName(in: client.request("GET \(phones[1])")) == "Business 2")
        #expect(daemon.child.poll() == nil, "still running")
    }
}
