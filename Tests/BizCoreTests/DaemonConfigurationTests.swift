import BizCore
import Testing

@Suite struct DaemonConfigurationTests {
    static let database = "postgres://bizcached@localhost/biz"

    private func configuration(
        _ arguments: [String] = [], environment: [String: String] = ["DATABASE_URL": database], processorCount: Int = 8
    ) throws -> DaemonConfiguration {
        let invocation = try DaemonConfiguration.parse(arguments: arguments, environment: environment, processorCount: processorCount)
        guard case .run(let configuration) = invocation else {
            Issue.record("expected a configuration, got help")
            throw ConfigurationError.missing(name: "configuration")
        }
        return configuration
    }

    private func error(
        _ arguments: [String], environment: [String: String] = ["DATABASE_URL": database]
    ) -> ConfigurationError? {
        do {
            _ = try DaemonConfiguration.parse(arguments: arguments, environment: environment, processorCount: 4)
            return nil
        } catch {
            return error
        }
    }

    private func isHelp(_ arguments: [String], environment: [String: String] = [:]) throws -> Bool {
        if case .help = try DaemonConfiguration.parse(arguments: arguments, environment: environment, processorCount: 4) {
            return true
        }
        return false
    }

    // MARK: Defaults

    @Test("Defaults when only the database is given")
    func defaults() throws {
        let configuration = try configuration()
        #expect(configuration.socketPath == "/run/bizcached/bizcached.sock")
        #expect(configuration.socketPath == DaemonConfiguration.defaultSocketPath)
        #expect(configuration.databaseURL == Self.database)
        #expect(configuration.redis == nil)
        #expect(configuration.l1Capacity == 10_000)
        #expect(configuration.ttlSeconds == 300)
        #expect(configuration.defaultCountryCode == .northAmerica)
        #expect(configuration.backendWorkers == 4)
        #expect(configuration.eventLoops == 8)
        #expect(configuration.maxConnections == 4096)
        #expect(configuration.logLevel == .info)
        #expect(configuration.negativeTTLSeconds == 30)
        #expect(configuration.staleIfErrorSeconds == 3600)
        #expect(configuration.queryTimeout == 1_000_000_000)
    }

    @Test("Cache freshness and failure settings from flags and the environment")
    func freshnessSettings() throws {
        let flags = try configuration(["--negative-ttl", "0", "--stale-if-error", "60", "--query-timeout", "0.25"])
        #expect(flags.negativeTTLSeconds == 0)
        #expect(flags.staleIfErrorSeconds == 60)
        #expect(flags.queryTimeout == 250_000_000)
        let environment = try configuration([], environment: [
            "DATABASE_URL": "db", "BIZCACHED_NEGATIVE_TTL": "5", "BIZCACHED_STALE_IF_ERROR": "0",
            "BIZCACHED_QUERY_TIMEOUT": "2",
        ])
        #expect(environment.negativeTTLSeconds == 5)
        #expect(environment.staleIfErrorSeconds == 0)
        #expect(environment.queryTimeout == 2_000_000_000)
    }

    @Test("Invalid query timeouts", arguments: ["0", "0.001", "61", "-1", "nan", "inf", "1s", ""])
    func invalidQueryTimeout(_ value: String) {
        #expect(error(["--query-timeout", value])
            == .invalidValue(name: "--query-timeout", reason: "expected seconds from 0.01 to 60, such as 1 or 0.25"))
    }

    @Test("The memberwise initializer has the same defaults")
    func initializerDefaults() {
        let configuration = DaemonConfiguration(databaseURL: "x")
        #expect(configuration.databaseURL == "x")
        #expect(configuration.eventLoops == 2)
        #expect(configuration.socketPath == DaemonConfiguration.defaultSocketPath)
        #expect(configuration.redis == nil)
        #expect(configuration.l1Capacity == 10_000)
        #expect(configuration.ttlSeconds == 300)
        #expect(configuration.backendWorkers == 4)
        #expect(configuration.maxConnections == 4096)
        #expect(configuration.logLevel == .info)
        #expect(DaemonConfiguration(databaseURL: "x", eventLoops: 5).eventLoops == 5)
    }

    @Test("Event loops default to one per core, from 1 to 64", arguments: [(0, 1), (-4, 1), (1, 1), (2, 2), (64, 64), (65, 64), (512, 64)])
    func eventLoopDefault(_ processors: Int, _ expected: Int) throws {
        #expect(try configuration(processorCount: processors).eventLoops == expected)
    }

    // MARK: Sources

    @Test("Every option from flags, space-separated")
    func allFlags() throws {
        let configuration = try configuration(
            [
                "--socket", "/tmp/biz.sock", "--database-url", "host=db dbname=biz", "--redis-url", "redis://cache:6380/2",
                "--l1-capacity", "0", "--ttl", "60", "--default-country-code", "44", "--backend-workers", "8",
                "--event-loops", "3", "--max-connections", "100", "--log-level", "debug",
            ], environment: [:])
        #expect(configuration.socketPath == "/tmp/biz.sock")
        #expect(configuration.databaseURL == "host=db dbname=biz")
        #expect(configuration.redis == RedisEndpoint(address: .tcp(host: "cache", port: 6380), database: 2))
        #expect(configuration.l1Capacity == 0)
        #expect(configuration.ttlSeconds == 60)
        #expect(configuration.defaultCountryCode.value == 44)
        #expect(configuration.backendWorkers == 8)
        #expect(configuration.eventLoops == 3)
        #expect(configuration.maxConnections == 100)
        #expect(configuration.logLevel == .debug)
    }

    @Test("Every option from flags with '='")
    func allFlagsWithEquals() throws {
        let configuration = try configuration(
            [
                "--socket=./biz.sock", "--database-url=postgres://u:p@h/d?sslmode=require", "--redis-url=unix:///r.sock?db=1",
                "--l1-capacity=5", "--ttl=86400", "--default-country-code=+353", "--backend-workers=64",
                "--event-loops=64", "--max-connections=1000000", "--log-level=ERROR",
            ], environment: [:])
        #expect(configuration.socketPath == "./biz.sock")
        #expect(configuration.databaseURL == "postgres://u:p@h/d?sslmode=require")
        #expect(configuration.redis == RedisEndpoint(address: .unix(path: "/r.sock"), database: 1))
        #expect(configuration.l1Capacity == 5)
        #expect(configuration.ttlSeconds == 86_400)
        #expect(configuration.defaultCountryCode.value == 353)
        #expect(configuration.backendWorkers == 64)
        #expect(configuration.eventLoops == 64)
        #expect(configuration.maxConnections == 1_000_000)
        #expect(configuration.logLevel == .error)
    }

    @Test("Every option from the environment")
    func allEnvironment() throws {
        let configuration = try configuration(
            environment: [
                "BIZCACHED_SOCKET": "/var/run/b.sock", "DATABASE_URL": "postgres:///biz", "REDIS_URL": "redis://r",
                "BIZCACHED_L1_CAPACITY": "100000000", "BIZCACHED_TTL": "1", "BIZCACHED_DEFAULT_COUNTRY_CODE": "+44",
                "BIZCACHED_BACKEND_WORKERS": "1", "BIZCACHED_EVENT_LOOPS": "1", "BIZCACHED_MAX_CONNECTIONS": "1",
                "BIZCACHED_LOG_LEVEL": "warn",
            ])
        #expect(configuration.socketPath == "/var/run/b.sock")
        #expect(configuration.databaseURL == "postgres:///biz")
        #expect(configuration.redis == RedisEndpoint(address: .tcp(host: "r", port: 6379)))
        #expect(configuration.l1Capacity == 100_000_000)
        #expect(configuration.ttlSeconds == 1)
        #expect(configuration.defaultCountryCode.value == 44)
        #expect(configuration.backendWorkers == 1)
        #expect(configuration.eventLoops == 1)
        #expect(configuration.maxConnections == 1)
        #expect(configuration.logLevel == .warning)
    }

    @Test("Flags beat the environment, option by option")
    func flagsBeatEnvironment() throws {
        let environment = [
            "BIZCACHED_SOCKET": "/env.sock", "DATABASE_URL": "env-db", "REDIS_URL": "redis://env",
            "BIZCACHED_L1_CAPACITY": "11", "BIZCACHED_TTL": "12", "BIZCACHED_DEFAULT_COUNTRY_CODE": "33",
            "BIZCACHED_BACKEND_WORKERS": "13", "BIZCACHED_EVENT_LOOPS": "14", "BIZCACHED_MAX_CONNECTIONS": "15",
            "BIZCACHED_LOG_LEVEL": "error",
        ]
        let fromEnvironment = try configuration(environment: environment)
        #expect(fromEnvironment.socketPath == "/env.sock")
        #expect(fromEnvironment.databaseURL == "env-db")
        #expect(fromEnvironment.redis == RedisEndpoint(address: .tcp(host: "env", port: 6379)))
        #expect(fromEnvironment.l1Capacity == 11)
        #expect(fromEnvironment.ttlSeconds == 12)
        #expect(fromEnvironment.defaultCountryCode.value == 33)
        #expect(fromEnvironment.backendWorkers == 13)
        #expect(fromEnvironment.eventLoops == 14)
        #expect(fromEnvironment.maxConnections == 15)
        #expect(fromEnvironment.logLevel == .error)

        let fromFlags = try configuration(
            [
                "--socket", "/flag.sock", "--database-url", "flag-db", "--redis-url", "redis://flag",
                "--l1-capacity", "21", "--ttl", "22", "--default-country-code", "44", "--backend-workers", "23",
                "--event-loops", "24", "--max-connections", "25", "--log-level", "debug",
            ], environment: environment)
        #expect(fromFlags.socketPath == "/flag.sock")
        #expect(fromFlags.databaseURL == "flag-db")
        #expect(fromFlags.redis == RedisEndpoint(address: .tcp(host: "flag", port: 6379)))
        #expect(fromFlags.l1Capacity == 21)
        #expect(fromFlags.ttlSeconds == 22)
        #expect(fromFlags.defaultCountryCode.value == 44)
        #expect(fromFlags.backendWorkers == 23)
        #expect(fromFlags.eventLoops == 24)
        #expect(fromFlags.maxConnections == 25)
        #expect(fromFlags.logLevel == .debug)
    }

    @Test("A valid flag hides an invalid environment value")
    func flagHidesBadEnvironment() throws {
        let configuration = try configuration(["--ttl", "5"], environment: ["DATABASE_URL": "db", "BIZCACHED_TTL": "never"])
        #expect(configuration.ttlSeconds == 5)
    }

    @Test("Empty environment values count as unset")
    func emptyEnvironment() throws {
        let configuration = try configuration(
            environment: [
                "DATABASE_URL": "db", "BIZCACHED_SOCKET": "", "REDIS_URL": "", "BIZCACHED_L1_CAPACITY": "", "BIZCACHED_TTL": "",
                "BIZCACHED_DEFAULT_COUNTRY_CODE": "", "BIZCACHED_LOG_LEVEL": "", "BIZCACHED_EVENT_LOOPS": "",
            ])
        #expect(configuration.socketPath == DaemonConfiguration.defaultSocketPath)
        #expect(configuration.redis == nil)
        #expect(configuration.l1Capacity == 10_000)
        #expect(configuration.ttlSeconds == 300)
        #expect(configuration.defaultCountryCode == .northAmerica)
        #expect(configuration.logLevel == .info)
        #expect(configuration.eventLoops == 8)
    }

    @Test("Unrelated environment variables are ignored")
    func unrelatedEnvironment() throws {
        let configuration = try configuration(environment: ["DATABASE_URL": "db", "TTL": "1", "SOCKET": "x", "PGHOST": "h"])
        #expect(configuration.ttlSeconds == 300)
        #expect(configuration.socketPath == DaemonConfiguration.defaultSocketPath)
    }

    @Test("The last of a repeated flag wins")
    func repeatedFlag() throws {
        let configuration = try configuration(["--ttl", "5", "--ttl=6", "--log-level", "debug", "--log-level", "error"])
        #expect(configuration.ttlSeconds == 6)
        #expect(configuration.logLevel == .error)
    }

    @Test("Socket paths: absolute or starting with '.', shorter than 108 bytes")
    func socketPaths() throws {
        #expect(try configuration(["--socket", "/"]).socketPath == "/")
        #expect(try configuration(["--socket", "./s"]).socketPath == "./s")
        #expect(try configuration(["--socket", "../s"]).socketPath == "../s")
        let longest = "/" + String(repeating: "a", count: 106)
        #expect(try configuration(["--socket", longest]).socketPath == longest)
        #expect(error(["--socket", longest + "a"]) == .invalidValue(name: "--socket", reason: "expected a file path shorter than 108 bytes"))
        // Bytes, not characters: "/" and 54 two-byte characters are 109 bytes but only 55 characters.
        #expect(error(["--socket", "/" + String(repeating: "é", count: 54)]) != nil)
    }

    // MARK: Help, unknown options, missing values

    @Test("--help and -h ask for help, even without a database", arguments: [["--help"], ["-h"], ["--ttl", "5", "--help"], ["--help", "--ttl", "0"]])
    func help(_ arguments: [String]) throws {
        #expect(try isHelp(arguments))
    }

    @Test("The usage text documents every option and its variable")
    func usage() {
        let usage = DaemonConfiguration.usage
        #expect(usage.hasPrefix("usage: bizcached [options]\n"))
        for (flag, variable) in [
            ("--socket", "$BIZCACHED_SOCKET"), ("--database-url", "$DATABASE_URL"), ("--redis-url", "$REDIS_URL"),
            ("--l1-capacity", "$BIZCACHED_L1_CAPACITY"), ("--ttl", "$BIZCACHED_TTL"),
            ("--default-country-code", "$BIZCACHED_DEFAULT_COUNTRY_CODE"), ("--backend-workers", "$BIZCACHED_BACKEND_WORKERS"),
            ("--event-loops", "$BIZCACHED_EVENT_LOOPS"), ("--max-connections", "$BIZCACHED_MAX_CONNECTIONS"),
            ("--log-level", "$BIZCACHED_LOG_LEVEL"),
        ] {
            let lines = usage.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let index = lines.firstIndex(where: { $0.hasPrefix("  \(flag) ") }) else {
                Issue.record("usage has no line for \(flag)")
                continue
            }
            #expect(lines[index + 1].trimmingPrefix(while: { $0 == " " }) == variable)
            #expect(lines[index].dropFirst(26).first != " ", "help text of \(flag) is not aligned")
            #expect(lines[index].count > 27)
        }
        #expect(usage.contains("-h, --help"))
        #expect(usage.hasSuffix("\n"))
    }

    @Test("Unknown options are refused", arguments: [
        (["--verbose"], "--verbose"), (["--ttl=5", "--bogus=1"], "--bogus"), (["-v"], "-v"), (["-vh"], "-vh"),
        (["--TTL", "5"], "--TTL"), (["--ttl", "5", "--x"], "--x"),
    ])
    func unknownOption(_ arguments: [String], _ option: String) {
        let error = error(arguments)
        #expect(error == .unknownOption(option))
        #expect(error?.description == "unknown option '\(option)'")
    }

    @Test("Positional arguments are refused")
    func positional() {
        #expect(error(["serve"]) == .invalidValue(name: "arguments", reason: "unexpected 'serve'"))
        #expect(error(["--ttl", "5", "a", "b"]) == .invalidValue(name: "arguments", reason: "unexpected 'a'"))
        #expect(error(["--", "--ttl"]) == .invalidValue(name: "arguments", reason: "unexpected '--ttl'"))
        #expect(error(["-"]) == .invalidValue(name: "arguments", reason: "unexpected '-'"))
        #expect(error(["serve"])?.description == "invalid arguments: unexpected 'serve'")
    }

    @Test("A value option at the end without its value")
    func missingFlagValue() {
        let error = error(["--ttl"])
        #expect(error == .missing(name: "a value for --ttl"))
        #expect(error?.description == "a value for --ttl is required")
    }

    @Test("The database URL is required")
    func missingDatabase() {
        let error = error([], environment: [:])
        #expect(error == .missing(name: "--database-url, DATABASE_URL or database-url in the configuration file"))
        #expect(error?.description == "--database-url, DATABASE_URL or database-url in the configuration file is required")
        #expect(self.error([], environment: ["DATABASE_URL": ""]) == .missing(name: "--database-url, DATABASE_URL or database-url in the configuration file"))
        #expect(self.error(["--ttl", "5"], environment: ["REDIS_URL": "redis://h"]) == .missing(name: "--database-url, DATABASE_URL or database-url in the configuration file"))
    }

    // MARK: Invalid values

    @Test(
        "Invalid numbers name the flag and the accepted range",
        arguments: [
            ("--l1-capacity", "-1", "0", "100000000"), ("--l1-capacity", "100000001", "0", "100000000"),
            ("--l1-capacity", "ten", "0", "100000000"), ("--l1-capacity", "1e3", "0", "100000000"),
            ("--l1-capacity", " 5", "0", "100000000"), ("--l1-capacity", "5.0", "0", "100000000"),
            ("--l1-capacity", "99999999999999999999", "0", "100000000"),
            ("--ttl", "0", "1", "86400"), ("--ttl", "86401", "1", "86400"), ("--ttl", "", "1", "86400"),
            ("--ttl", "5s", "1", "86400"),
            ("--backend-workers", "0", "1", "64"), ("--backend-workers", "65", "1", "64"),
            ("--event-loops", "0", "1", "64"), ("--event-loops", "65", "1", "64"),
            ("--max-connections", "0", "1", "1000000"), ("--max-connections", "1000001", "1", "1000000"),
            ("--negative-ttl", "-1", "0", "86400"), ("--stale-if-error", "604801", "0", "604800"),
        ])
    func invalidNumbers(_ flag: String, _ value: String, _ low: String, _ high: String) {
        let expected = ConfigurationError.invalidValue(name: flag, reason: "expected a whole number from \(low) to \(high)")
        #expect(error([flag, value]) == expected)
        #expect(error(["\(flag)=\(value)"]) == expected)
        #expect(error([flag, value])?.description == "invalid \(flag): expected a whole number from \(low) to \(high)")
    }

    @Test(
        "Invalid environment values name the variable",
        arguments: [
            ("BIZCACHED_L1_CAPACITY", "-5"), ("BIZCACHED_TTL", "0"), ("BIZCACHED_BACKEND_WORKERS", "x"),
            ("BIZCACHED_EVENT_LOOPS", "100"), ("BIZCACHED_MAX_CONNECTIONS", "0"), ("BIZCACHED_DEFAULT_COUNTRY_CODE", "0"),
            ("BIZCACHED_LOG_LEVEL", "loud"), ("BIZCACHED_SOCKET", "relative.sock"),
        ])
    func invalidEnvironment(_ variable: String, _ value: String) {
        let error = error([], environment: ["DATABASE_URL": "db", variable: value])
        guard case .invalidValue(let name, let reason)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(name == variable)
        #expect(!reason.isEmpty)
        #expect(error?.description == "invalid \(variable): \(reason)")
    }

    @Test("Invalid country codes", arguments: ["0", "1234", "abc", "+", "-1", "01"])
    func invalidCountryCode(_ value: String) {
        #expect(
            error(["--default-country-code", value])
                == .invalidValue(name: "--default-country-code", reason: "expected a country calling code such as 1 or 44"))
    }

    @Test("Invalid log levels", arguments: ["verbose", "", "trace", "information"])
    func invalidLogLevel(_ value: String) {
        #expect(error(["--log-level", value]) == .invalidValue(name: "--log-level", reason: "expected debug, info, warning or error"))
    }

    @Test("Invalid socket paths", arguments: ["", "relative.sock", "~/biz.sock", "run/biz.sock"])
    func invalidSocket(_ value: String) {
        #expect(error(["--socket", value]) == .invalidValue(name: "--socket", reason: "expected a file path shorter than 108 bytes"))
    }

    @Test("Invalid Redis URLs give the URL parser's reason")
    func invalidRedisFromEnvironment() {
        #expect(
            error([], environment: ["DATABASE_URL": "db", "REDIS_URL": "http://cache"])
                == .invalidValue(name: "REDIS_URL", reason: "must start with redis:// or unix://"))
        #expect(
            error([], environment: ["DATABASE_URL": "db", "REDIS_URL": "redis://h:99999"])
                == .invalidValue(name: "REDIS_URL", reason: "port must be 1 to 65535"))
    }

    @Test("An invalid --redis-url names the flag, like every other option")
    func invalidRedisFromFlag() {
        let error = error(["--redis-url", "http://cache"])
        #expect(error == .invalidValue(name: "--redis-url", reason: "must start with redis:// or unix://"))
    }
}


@Suite("DaemonConfiguration access settings")
struct DaemonConfigurationAccessTests {
    private func configuration(_ arguments: [String], _ environment: [String: String] = [:]) throws -> DaemonConfiguration {
        guard case .run(let configuration) = try DaemonConfiguration.parse(
            arguments: ["--database-url", "dbname=x"] + arguments, environment: environment, processorCount: 2)
        else { throw ConfigurationError.missing(name: "run") }
        return configuration
    }

    @Test("Socket group and allow-lists come from flags or the environment")
    func accessSettings() throws {
        let fromFlags = try configuration(["--socket-group", "bizcached", "--allow-users", "1001, deploy", "--allow-groups", "web"])
        #expect(fromFlags.socketGroup == "bizcached")
        #expect(fromFlags.allowedUsers == ["1001", "deploy"])
        #expect(fromFlags.allowedGroups == ["web"])
        let fromEnvironment = try configuration([], ["BIZCACHED_ALLOW_USERS": "7", "BIZCACHED_SOCKET_GROUP": "g"])
        #expect(fromEnvironment.allowedUsers == ["7"])
        #expect(fromEnvironment.socketGroup == "g")
        #expect(try configuration([]).allowedUsers == nil)
    }

    @Test("An allow-list with an empty entry is rejected")
    func emptyEntry() {
        #expect(throws: ConfigurationError.self) { try configuration(["--allow-users", "1001,,1002"]) }
    }

    @Test("The socket belongs to one group, not a list")
    func oneSocketGroup() {
        #expect(throws: ConfigurationError.self) { try configuration(["--socket-group", "web,ops"]) }
    }

    @Test("Root, the daemon's own user, listed users and listed primary groups are allowed")
    func policy() {
        let policy = PeerPolicy(userIDs: [1001], groupIDs: [50])
        #expect(policy.allows(userID: 0, groupID: 0, ownUserID: 999))
        #expect(policy.allows(userID: 999, groupID: 999, ownUserID: 999))
        #expect(policy.allows(userID: 1001, groupID: 1, ownUserID: 999))
        #expect(policy.allows(userID: 1002, groupID: 50, ownUserID: 999))
        #expect(!policy.allows(userID: 1002, groupID: 51, ownUserID: 999))
    }
}
