/// Everything `bizcached` needs to run, from flags, then the environment, then defaults.
public struct DaemonConfiguration: Sendable {
    /// The default socket path, the one the systemd socket unit uses.
    public static let defaultSocketPath = "/run/bizcached/bizcached.sock"

    /// Where to listen, unless systemd passes a socket.
    public var socketPath: String = Self.defaultSocketPath
    /// A libpq connection string or `postgres://` URI. May hold a password: never log it.
    public var databaseURL: String
    /// Redis, or nil to run with the LRU and PostgreSQL alone.
    public var redis: RedisEndpoint?
    /// Entries in the in-process LRU; 0 turns it off.
    public var l1Capacity: Int = 10_000
    /// Seconds a cached business stays valid, in Redis and in the LRU.
    public var ttlSeconds: Int = 300
    /// Seconds a `NOTFOUND` answer stays cached, in Redis and in the LRU; 0: not cached.
    public var negativeTTLSeconds: Int = 30
    /// Seconds past its TTL that a cached business may still be served while PostgreSQL
    /// fails (stale-if-error); 0: never served stale.
    public var staleIfErrorSeconds: Int = 3600
    /// Nanoseconds a PostgreSQL connect or query may take before the lookup gets
    /// `ERR UNAVAILABLE`.
    public var queryTimeout: UInt64 = 1_000_000_000
    /// The country calling code for numbers written without one.
    public var defaultCountryCode: CountryCallingCode = .northAmerica
    /// Threads that talk to Redis and PostgreSQL (each holds one connection to each).
    public var backendWorkers: Int = 4
    /// Threads that serve client connections.
    public var eventLoops: Int
    /// Client connections served at once; more are refused.
    public var maxConnections: Int = 4096
    public var logLevel: LogLevel = .info
    /// Seconds a client may leave a request line unfinished before it is disconnected
    /// (0: never). Clients idle between requests are kept.
    public var idleTimeoutSeconds: Int = 30
    /// The group to give the socket file (a name or numeric id), so its members may connect.
    public var socketGroup: String?
    /// Users (names or ids) allowed to connect; nil with `allowedGroups` nil: everyone who
    /// can open the socket.
    public var allowedUsers: [String]?
    /// Groups (names or ids) whose members, by primary group, may connect.
    public var allowedGroups: [String]?
    /// Where to serve Prometheus metrics over HTTP (loopback only); nil: only through the
    /// `METRICS` request on the socket.
    public var metricsListen: LoopbackEndpoint?

    public init(databaseURL: String, eventLoops: Int = 2) {
        self.databaseURL = databaseURL
        self.eventLoops = eventLoops
    }

    /// The configuration file this configuration was read with, if any.
    public var configurationFile: String?

    /// Where the configuration file is looked for when neither `--config` nor
    /// `BIZCACHED_CONFIG` names one (read only if it exists).
    public static let defaultConfigurationFile = "/etc/bizcached/bizcached.conf"

    /// What the command line asks for.
    public enum Invocation: Sendable {
        case run(DaemonConfiguration)
        /// `--check-config`: the configuration is valid; say so and exit.
        case checkConfig(DaemonConfiguration)
        case help
    }

    private static let options: [(flag: String, variable: String?, help: String)] = [
        ("config", "BIZCACHED_CONFIG", "configuration file of 'name = value' lines, names as below (default \(defaultConfigurationFile), if it exists)"),
        ("socket", "BIZCACHED_SOCKET", "Unix socket path (default \(defaultSocketPath))"),
        ("database-url", "DATABASE_URL", "PostgreSQL connection string or postgres:// URI (required)"),
        ("redis-url", "REDIS_URL", "redis://host:port/db or unix:///path/redis.sock; unset: no Redis"),
        ("l1-capacity", "BIZCACHED_L1_CAPACITY", "entries in the in-process cache, 0 disables it (default 10000)"),
        ("ttl", "BIZCACHED_TTL", "seconds a cached business stays valid (default 300)"),
        ("negative-ttl", "BIZCACHED_NEGATIVE_TTL", "seconds a NOTFOUND answer stays cached, 0 disables (default 30)"),
        ("stale-if-error", "BIZCACHED_STALE_IF_ERROR", "seconds past the TTL a business may be served while PostgreSQL fails (default 3600)"),
        ("query-timeout", "BIZCACHED_QUERY_TIMEOUT", "seconds a PostgreSQL connect or query may take, e.g. 0.5 (default 1)"),
        ("default-country-code", "BIZCACHED_DEFAULT_COUNTRY_CODE", "for numbers written without one (default 1)"),
        ("backend-workers", "BIZCACHED_BACKEND_WORKERS", "threads talking to Redis and PostgreSQL (default 4)"),
        ("event-loops", "BIZCACHED_EVENT_LOOPS", "threads serving clients (default: one per core)"),
        ("max-connections", "BIZCACHED_MAX_CONNECTIONS", "client connections at once (default 4096)"),
        ("log-level", "BIZCACHED_LOG_LEVEL", "debug, info, warning or error (default info)"),
        ("idle-timeout", "BIZCACHED_IDLE_TIMEOUT", "seconds a request line may stay unfinished, 0: forever (default 30)"),
        ("socket-group", "BIZCACHED_SOCKET_GROUP", "group owning the socket file (mode 0660)"),
        ("allow-users", "BIZCACHED_ALLOW_USERS", "comma-separated users allowed to connect (SO_PEERCRED)"),
        ("allow-groups", "BIZCACHED_ALLOW_GROUPS", "comma-separated primary groups allowed to connect"),
        ("metrics-listen", "BIZCACHED_METRICS_LISTEN", "serve Prometheus /metrics over HTTP here, e.g. 127.0.0.1:9464 (loopback only)"),
    ]

    /// Settings that a reload (SIGHUP) applies to the running daemon; changes to any other
    /// take a restart.
    public static let reloadableSettings: [String] = [
        "log-level", "l1-capacity", "ttl", "negative-ttl", "stale-if-error", "query-timeout",
    ]

    /// The `--help` text.
    public static var usage: String {
        var text = """
            usage: bizcached [options]

            Answers business-by-phone lookups on a Unix socket (see protocol/PROTOCOL.md),
            from an in-process LRU, then Redis, then PostgreSQL. Under systemd socket
            activation (LISTEN_FDS) it serves the socket it is given.

            Each setting comes from its flag, else its environment variable, else the
            configuration file, else the default. SIGHUP re-reads the file and applies
            \(reloadableSettings.joined(separator: ", ")); other changes take a restart.
            The database password may come from the systemd credential database-password
            ($CREDENTIALS_DIRECTORY) or a file named by DATABASE_PASSWORD_FILE.

            options:

            """
        for option in options {
            let name = "  --\(option.flag)".padding(toLength: 26)
            text += "\(name)\(option.help)\n"
            if let variable = option.variable { text += String(repeating: " ", count: 26) + "$\(variable)\n" }
        }
        text += "  --check-config            check the configuration (file included), print it, exit 0 if valid\n"
        text += "  --version                 print the version\n"
        text += "  -h, --help                this text\n"
        return text
    }

    /// The configuration file to read: `--config`, else `BIZCACHED_CONFIG`, else the default
    /// path; `required` is false only for the default, which may be absent.
    public static func configurationFilePath(
        arguments: [String], environment: [String: String]
    ) throws(ConfigurationError) -> (path: String, required: Bool) {
        let scanner = try ArgumentScanner(arguments, valueOptions: Set(options.map(\.flag)))
        if let path = scanner.value("config") ?? environment["BIZCACHED_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return (path, true)
        }
        return (defaultConfigurationFile, false)
    }

    /// Parses a configuration file's text; every problem is reported with its line number.
    public static func parseFile(path: String, text: String) throws(ConfigurationError) -> ConfigurationFile {
        try ConfigurationFile(path: path, text: text, knownNames: Set(options.map(\.flag)).subtracting(["config"]))
    }

    /// Reads the configuration from arguments (without the program name), the environment
    /// and the configuration file (already parsed, or nil when there is none).
    public static func parse(
        arguments: [String], environment: [String: String], file: ConfigurationFile? = nil, processorCount: Int
    ) throws(ConfigurationError) -> Invocation {
        let scanner = try ArgumentScanner(arguments, valueOptions: Set(options.map(\.flag)))
        if scanner.flag("help") { return .help }
        try scanner.rejectUnknown(Set(options.map(\.flag)).union(["check-config"]))
        if let extra = scanner.positionals.first {
            throw .invalidValue(name: "arguments", reason: "unexpected '\(extra)'")
        }

        /// Converts the value of one setting from wherever it is given. A value from the
        /// file that does not convert is reported with the file's path and line.
        func setting<T>(
            _ flag: String, _ convert: (_ name: String, _ text: String) throws(ConfigurationError) -> T
        ) throws(ConfigurationError) -> T? {
            if let text = scanner.value(flag) { return try convert("--" + flag, text) }
            if let variable = options.first(where: { $0.flag == flag })?.variable,
                let text = environment[variable], !text.isEmpty
            {
                return try convert(variable, text)
            }
            guard let file, let entry = file[flag] else { return nil }
            do {
                return try convert(flag, entry.value)
            } catch {
                throw .inFile(path: file.path, line: entry.line, reason: error.description)
            }
        }
        func integer(_ flag: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            try setting(flag) { name, text throws(ConfigurationError) in
                guard let number = Int(text), range.contains(number) else {
                    throw .invalidValue(name: name, reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
        }

        guard let databaseURL = try setting("database-url", { name, text throws(ConfigurationError) in text }) else {
            throw .missing(name: "--database-url, DATABASE_URL or database-url in the configuration file")
        }
        var configuration = DaemonConfiguration(databaseURL: databaseURL, eventLoops: max(1, min(processorCount, 64)))
        configuration.configurationFile = file?.path
        if let path = try setting("socket", { name, path throws(ConfigurationError) in
            guard path.hasPrefix("/") || path.hasPrefix("."), path.utf8.count < 108 else {
                throw .invalidValue(name: name, reason: "expected a file path shorter than 108 bytes")
            }
            return path
        }) {
            configuration.socketPath = path
        }
        configuration.redis = try setting("redis-url") { name, url throws(ConfigurationError) in
            try RedisEndpoint(url: url, settingName: name)
        }
        if let number = try integer("l1-capacity", in: 0...100_000_000) { configuration.l1Capacity = number }
        if let number = try integer("ttl", in: 1...86_400) { configuration.ttlSeconds = number }
        if let number = try integer("negative-ttl", in: 0...86_400) { configuration.negativeTTLSeconds = number }
        if let number = try integer("stale-if-error", in: 0...604_800) { configuration.staleIfErrorSeconds = number }
        if let timeout = try setting("query-timeout", { name, text throws(ConfigurationError) in
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0.01, seconds <= 60 else {
                throw .invalidValue(name: name, reason: "expected seconds from 0.01 to 60, such as 1 or 0.25")
            }
            return UInt64((seconds * 1_000_000_000).rounded())
        }) {
            configuration.queryTimeout = timeout
        }
        if let code = try setting("default-country-code", { name, text throws(ConfigurationError) in
            guard let code = CountryCallingCode(text) else {
                throw .invalidValue(name: name, reason: "expected a country calling code such as 1 or 44")
            }
            return code
        }) {
            configuration.defaultCountryCode = code
        }
        if let number = try integer("backend-workers", in: 1...64) { configuration.backendWorkers = number }
        if let number = try integer("event-loops", in: 1...64) { configuration.eventLoops = number }
        if let number = try integer("max-connections", in: 1...1_000_000) { configuration.maxConnections = number }
        if let number = try integer("idle-timeout", in: 0...86_400) { configuration.idleTimeoutSeconds = number }
        if let level = try setting("log-level", { name, text throws(ConfigurationError) in
            guard let level = LogLevel(name: text) else {
                throw .invalidValue(name: name, reason: "expected debug, info, warning or error")
            }
            return level
        }) {
            configuration.logLevel = level
        }
        configuration.socketGroup = try setting("socket-group") { name, text throws(ConfigurationError) in
            let groups = try PeerPolicy.entries(text, name: name)
            guard groups.count == 1 else { throw .invalidValue(name: name, reason: "expected one group") }
            return groups[0]
        }
        configuration.allowedUsers = try setting("allow-users") { name, text throws(ConfigurationError) in
            try PeerPolicy.entries(text, name: name)
        }
        configuration.allowedGroups = try setting("allow-groups") { name, text throws(ConfigurationError) in
            try PeerPolicy.entries(text, name: name)
        }
        configuration.metricsListen = try setting("metrics-listen") { name, text throws(ConfigurationError) in
            try LoopbackEndpoint(text, settingName: name)
        }
        return scanner.flag("check-config") ? .checkConfig(configuration) : .run(configuration)
    }

    /// The settings that differ between this configuration and `other`, by option name.
    public func changedSettings(comparedWith other: DaemonConfiguration) -> [String] {
        var changed: [String] = []
        func compare<T: Equatable>(_ name: String, _ value: (DaemonConfiguration) -> T) {
            if value(self) != value(other) { changed.append(name) }
        }
        compare("socket") { $0.socketPath }
        compare("database-url") { $0.databaseURL }
        compare("redis-url") { $0.redis }
        compare("l1-capacity") { $0.l1Capacity }
        compare("ttl") { $0.ttlSeconds }
        compare("negative-ttl") { $0.negativeTTLSeconds }
        compare("stale-if-error") { $0.staleIfErrorSeconds }
        compare("query-timeout") { $0.queryTimeout }
        compare("default-country-code") { $0.defaultCountryCode }
        compare("backend-workers") { $0.backendWorkers }
        compare("event-loops") { $0.eventLoops }
        compare("max-connections") { $0.maxConnections }
        compare("log-level") { $0.logLevel }
        compare("idle-timeout") { $0.idleTimeoutSeconds }
        compare("socket-group") { $0.socketGroup }
        compare("allow-users") { $0.allowedUsers }
        compare("allow-groups") { $0.allowedGroups }
        compare("metrics-listen") { $0.metricsListen }
        return changed
    }

    /// The configuration as `name = value` lines (the database URL's password replaced by
    /// `***`), for `--check-config`.
    public var summary: String {
        var lines: [String] = []
        func add(_ name: String, _ value: String?) {
            if let value { lines.append("\(name) = \(value)") }
        }
        add("config", configurationFile ?? "(none)")
        add("socket", socketPath)
        add("database-url", Self.redactingPassword(in: databaseURL))
        add("redis-url", redis?.description ?? "(none)")
        add("l1-capacity", String(l1Capacity))
        add("ttl", String(ttlSeconds))
        add("negative-ttl", String(negativeTTLSeconds))
        add("stale-if-error", String(staleIfErrorSeconds))
        add("query-timeout", String(Double(queryTimeout) / 1e9))
        add("default-country-code", defaultCountryCode.description)
        add("backend-workers", String(backendWorkers))
        add("event-loops", String(eventLoops))
        add("max-connections", String(maxConnections))
        add("log-level", "\(logLevel)")
        add("idle-timeout", String(idleTimeoutSeconds))
        add("socket-group", socketGroup)
        add("allow-users", allowedUsers?.joined(separator: ","))
        add("allow-groups", allowedGroups?.joined(separator: ","))
        add("metrics-listen", metricsListen?.description)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A connection string or URI with any password replaced by `***`.
    static func redactingPassword(in connectionString: String) -> String {
        var text = connectionString
        // postgres://user:secret@host/db
        if let schemeEnd = text.firstRange(of: "://")?.upperBound,
            let at = text[schemeEnd...].firstIndex(of: "@"),
            let colon = text[schemeEnd..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        // password=secret as a key=value word or a URI query parameter.
        var searchFrom = text.startIndex
        while let match = text[searchFrom...].firstRange(of: "password=") {
            let isWordStart = match.lowerBound == text.startIndex
                || [" ", "?", "&"].contains(text[text.index(before: match.lowerBound)])
            let end = text[match.upperBound...].firstIndex { $0 == " " || $0 == "&" } ?? text.endIndex
            if isWordStart { text.replaceSubrange(match.upperBound..<end, with: "***") }
            searchFrom = text.index(match.upperBound, offsetBy: isWordStart ? 3 : 0, limitedBy: text.endIndex) ?? text.endIndex
        }
        return text
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
