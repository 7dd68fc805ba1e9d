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

    /// What the command line asks for.
    public enum Invocation: Sendable {
        case run(DaemonConfiguration)
        case help
    }

    private static let options: [(flag: String, variable: String?, help: String)] = [
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

    /// The `--help` text.
    public static var usage: String {
        var text = """
            usage: bizcached [options]

            Answers business-by-phone lookups on a Unix socket (see protocol/PROTOCOL.md),
            from an in-process LRU, then Redis, then PostgreSQL. Under systemd socket
            activation (LISTEN_FDS) it serves the socket it is given.

            options (each also read from the environment variable shown):

            """
        for option in options {
            let name = "  --\(option.flag)".padding(toLength: 26)
            text += "\(name)\(option.help)\n"
            if let variable = option.variable { text += String(repeating: " ", count: 26) + "$\(variable)\n" }
        }
        text += "  -h, --help                this text\n"
        return text
    }

    /// Reads the configuration from arguments (without the program name) and the environment.
    public static func parse(
        arguments: [String], environment: [String: String], processorCount: Int
    ) throws(ConfigurationError) -> Invocation {
        let scanner = try ArgumentScanner(arguments, valueOptions: Set(options.map(\.flag)))
        if scanner.flag("help") { return .help }
        try scanner.rejectUnknown(Set(options.map(\.flag)))
        if let extra = scanner.positionals.first {
            throw .invalidValue(name: "arguments", reason: "unexpected '\(extra)'")
        }
        func value(_ flag: String) -> (name: String, text: String)? {
            if let text = scanner.value(flag) { return ("--" + flag, text) }
            guard let variable = options.first(where: { $0.flag == flag })?.variable,
                let text = environment[variable], !text.isEmpty
            else { return nil }
            return (variable, text)
        }
        func integer(_ flag: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let (name, text) = value(flag) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw .invalidValue(name: name, reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        guard let database = value("database-url"), !database.text.isEmpty else {
            throw .missing(name: "--database-url or DATABASE_URL")
        }
        var configuration = DaemonConfiguration(
            databaseURL: database.text, eventLoops: max(1, min(processorCount, 64)))
        if let (name, path) = value("socket") {
            guard path.hasPrefix("/") || path.hasPrefix("."), path.utf8.count < 108 else {
                throw .invalidValue(name: name, reason: "expected a file path shorter than 108 bytes")
            }
            configuration.socketPath = path
        }
        if let (name, url) = value("redis-url") { configuration.redis = try RedisEndpoint(url: url, settingName: name) }
        if let number = try integer("l1-capacity", in: 0...100_000_000) { configuration.l1Capacity = number }
        if let number = try integer("ttl", in: 1...86_400) { configuration.ttlSeconds = number }
        if let number = try integer("negative-ttl", in: 0...86_400) { configuration.negativeTTLSeconds = number }
        if let number = try integer("stale-if-error", in: 0...604_800) { configuration.staleIfErrorSeconds = number }
        if let (name, text) = value("query-timeout") {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0.01, seconds <= 60 else {
                throw .invalidValue(name: name, reason: "expected seconds from 0.01 to 60, such as 1 or 0.25")
            }
            configuration.queryTimeout = UInt64((seconds * 1_000_000_000).rounded())
        }
        if let (name, text) = value("default-country-code") {
            guard let code = CountryCallingCode(text) else {
                throw .invalidValue(name: name, reason: "expected a country calling code such as 1 or 44")
            }
            configuration.defaultCountryCode = code
        }
        if let number = try integer("backend-workers", in: 1...64) { configuration.backendWorkers = number }
        if let number = try integer("event-loops", in: 1...64) { configuration.eventLoops = number }
        if let number = try integer("max-connections", in: 1...1_000_000) { configuration.maxConnections = number }
        if let number = try integer("idle-timeout", in: 0...86_400) { configuration.idleTimeoutSeconds = number }
        if let (name, text) = value("log-level") {
            guard let level = LogLevel(name: text) else {
                throw .invalidValue(name: name, reason: "expected debug, info, warning or error")
            }
            configuration.logLevel = level
        }
        if let (name, text) = value("socket-group") {
            let groups = try PeerPolicy.entries(text, name: name)
            guard groups.count == 1 else { throw .invalidValue(name: name, reason: "expected one group") }
            configuration.socketGroup = groups[0]
        }
        if let (name, text) = value("allow-users") { configuration.allowedUsers = try PeerPolicy.entries(text, name: name) }
        if let (name, text) = value("allow-groups") { configuration.allowedGroups = try PeerPolicy.entries(text, name: name) }
        if let (name, text) = value("metrics-listen") {
            configuration.metricsListen = try LoopbackEndpoint(text, settingName: name)
        }
        return .run(configuration)
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
