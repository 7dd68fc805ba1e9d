import BizCore
import Testing

/// `DaemonConfiguration` read with a configuration file: precedence, line numbers, reload
/// comparison and the printed summary.
@Suite struct DaemonConfigurationFileTests {
    private func file(_ text: String) throws(ConfigurationError) -> ConfigurationFile {
        try DaemonConfiguration.parseFile(path: "/etc/bizcached/bizcached.conf", text: text)
    }

    private func parse(
        _ arguments: [String] = [], environment: [String: String] = [:], file text: String
    ) throws(ConfigurationError) -> DaemonConfiguration {
        let invocation = try DaemonConfiguration.parse(
            arguments: arguments, environment: environment, file: try file(text), processorCount: 2)
        switch invocation {
        case .run(let configuration), .checkConfig(let configuration): return configuration
        case .help: throw .missing(name: "a configuration")
        }
    }

    @Test func everySettingMayComeFromTheFile() throws {
        let configuration = try parse(file: """
            database-url = host=/run/postgresql dbname=app
            redis-url = unix:///run/redis/redis.sock
            l1-capacity = 5
            ttl = 6
            negative-ttl = 7
            stale-if-error = 8
            query-timeout = 0.25
            log-level = warning
            event-loops = 3
            metrics-listen = 127.0.0.1:9464
            allow-groups = www-data,app
            """)
        #expect(configuration.databaseURL == "host=/run/postgresql dbname=app")
        #expect(configuration.redis != nil)
        #expect(configuration.l1Capacity == 5)
        #expect(configuration.ttlSeconds == 6)
        #expect(configuration.negativeTTLSeconds == 7)
        #expect(configuration.staleIfErrorSeconds == 8)
        #expect(configuration.queryTimeout == 250_000_000)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.eventLoops == 3)
        #expect(configuration.metricsListen?.port == 9464)
        #expect(configuration.allowedGroups == ["www-data", "app"])
        #expect(configuration.configurationFile == "/etc/bizcached/bizcached.conf")
    }

    @Test func flagsThenEnvironmentThenFileThenDefaults() throws {
        let text = "database-url = from-file\nttl = 10\nnegative-ttl = 11\nl1-capacity = 12"
        let configuration = try parse(
            ["--ttl", "20"], environment: ["BIZCACHED_TTL": "30", "BIZCACHED_NEGATIVE_TTL": "31"], file: text)
        #expect(configuration.ttlSeconds == 20)
        #expect(configuration.negativeTTLSeconds == 31)
        #expect(configuration.l1Capacity == 12)
        #expect(configuration.staleIfErrorSeconds == 3600)
        #expect(configuration.databaseURL == "from-file")
        #expect(try parse(environment: ["DATABASE_URL": "from-env"], file: text).databaseURL == "from-env")
    }

    @Test(arguments: [
        ("database-url = x\n\nttl = 0", "/etc/bizcached/bizcached.conf:3: invalid ttl: expected a whole number from 1 to 86400"),
        ("database-url = x\nredis-url = http://h", "/etc/bizcached/bizcached.conf:2: invalid redis-url:"),
        ("database-url = x\nlog-level = loud", "/etc/bizcached/bizcached.conf:2: invalid log-level: expected debug"),
        ("database-url = x\nmetrics-listen = 0.0.0.0:1", "/etc/bizcached/bizcached.conf:2: invalid metrics-listen:"),
        ("database-url = x\nquery-timeout = 100", "/etc/bizcached/bizcached.conf:2: invalid query-timeout:"),
        ("database-url = x\nconfig = /other.conf", "/etc/bizcached/bizcached.conf:2: unknown setting 'config'"),
    ])
    func aBadValueInTheFileNamesItsLine(text: String, expected: String) {
        do {
            _ = try parse(file: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error)")
        }
    }

    @Test func aBadValueGivenByFlagIsNotBlamedOnTheFile() {
        do {
            _ = try parse(["--ttl", "0"], file: "database-url = x\nttl = 5")
            Issue.record("accepted --ttl 0")
        } catch {
            #expect(error == .invalidValue(name: "--ttl", reason: "expected a whole number from 1 to 86400"))
        }
    }

    @Test func theDatabaseURLIsRequiredFromSomewhere() {
        #expect(throws: ConfigurationError.self) { try parse(file: "ttl = 5") }
    }

    @Test func theFileToReadComesFromTheFlagTheEnvironmentOrTheDefault() throws {
        #expect(try DaemonConfiguration.configurationFilePath(arguments: ["--config", "/a.conf"], environment: ["BIZCACHED_CONFIG": "/b.conf"]) == ("/a.conf", true))
        #expect(try DaemonConfiguration.configurationFilePath(arguments: [], environment: ["BIZCACHED_CONFIG": "/b.conf"]) == ("/b.conf", true))
        #expect(try DaemonConfiguration.configurationFilePath(arguments: [], environment: [:]) == ("/etc/bizcached/bizcached.conf", false))
    }

    @Test func checkConfigIsItsOwnInvocation() throws {
        let invocation = try DaemonConfiguration.parse(
            arguments: ["--check-config"], environment: ["DATABASE_URL": "x"], processorCount: 1)
        guard case .checkConfig = invocation else {
            Issue.record("expected checkConfig, got \(invocation)")
            return
        }
    }

    @Test func changedSettingsNameWhatDiffers() throws {
        let before = try parse(file: "database-url = x\nttl = 5\nlog-level = info")
        let after = try parse(file: "database-url = y\nttl = 6\nlog-level = info\nevent-loops = 2\nmax-connections = 9")
        #expect(after.changedSettings(comparedWith: before) == ["database-url", "ttl", "max-connections"])
        #expect(before.changedSettings(comparedWith: before).isEmpty)
    }

    @Test(arguments: [
        ("postgresql://app:hunter2@db/app", "postgresql://app:***@db/app"),
        ("postgresql://app@db/app?password=hunter2&sslmode=require", "postgresql://app@db/app?password=***&sslmode=require"),
        ("host=db password=hunter2 dbname=app", "host=db password=*** dbname=app"),
        ("host=db dbname=app", "host=db dbname=app"),
        ("host=db mypassword=x", "host=db mypassword=x"),
    ])
    func theSummaryNeverShowsThePassword(url: String, shown: String) throws {
        let summary = try parse(file: "database-url = \(url)").summary
        #expect(summary.contains("database-url = \(shown)\n"), "\(summary)")
        if url.contains("hunter2") { #expect(!summary.contains("hunter2")) }
    }
}
