import BizCore

/// A bizbench subcommand.
public enum BenchSubcommand: String, CaseIterable, Sendable {
    case run, fill, synth, propagation
}

/// What bizbench was asked to do, parsed from its arguments.
public enum BenchCommand: Equatable, Sendable {
    /// `--help`, for one subcommand or (nil) for bizbench as a whole.
    case help(BenchSubcommand?)
    case run(RunSettings)
    case fill(FillSettings)
    case synth(SynthSettings)
    case propagation(PropagationSettings)
}

/// Parses bizbench's arguments and holds its help texts.
public enum BenchInvocation {
    static let valueOptions: Set<String> = [
        "socket", "protocol", "connections", "pipeline", "duration", "warmup", "keys", "distribution",
        "from", "redis", "memcached", "value-size", "redis-format", "database-url", "updates", "phones", "timeout",
    ]

    /// Parses arguments (without the program name); `environment` supplies `DATABASE_URL`
    /// when `propagation` is not given `--database-url`.
    public static func parse(
        _ arguments: [String], environment: [String: String] = [:]
    ) throws(ConfigurationError) -> BenchCommand {
        let scanner = try ArgumentScanner(arguments, valueOptions: valueOptions)
        var words = scanner.positionals[...]
        guard let verb = words.popFirst() else {
            if scanner.flag("help") { return .help(nil) }
            throw .missing(name: "a command (run, fill, synth or propagation)")
        }
        guard let subcommand = BenchSubcommand(rawValue: verb) else {
            throw .invalidValue(name: "command", reason: "unknown command '\(verb)'")
        }
        if scanner.flag("help") { return .help(subcommand) }
        if let extra = words.first { throw .invalidValue(name: verb, reason: "unexpected argument '\(extra)'") }
        switch subcommand {
        case .run: return .run(try parseRun(scanner))
        case .fill: return .fill(try parseFill(scanner))
        case .synth: return .synth(try parseSynth(scanner))
        case .propagation: return .propagation(try parsePropagation(scanner, environment: environment))
        }
    }

    private static func parseRun(_ scanner: ArgumentScanner) throws(ConfigurationError) -> RunSettings {
        try scanner.rejectUnknown([
            "socket", "protocol", "connections", "pipeline", "duration", "warmup", "keys", "distribution", "json",
            "busy-poll", "redis-format", "help",
        ])
        guard let socket = scanner.value("socket"), !socket.isEmpty else { throw .missing(name: "--socket") }
        guard let protocolName = scanner.value("protocol") else { throw .missing(name: "--protocol") }
        guard let benchProtocol = BenchProtocol(rawValue: protocolName) else {
            throw .invalidValue(name: "--protocol", reason: "expected bizcached, redis or memcached")
        }
        var settings = RunSettings(socketPath: socket, benchProtocol: benchProtocol)
        settings.connections = try integer(scanner, "connections", default: 50, in: 1...100_000)
        settings.pipeline = try integer(scanner, "pipeline", default: 1, in: 1...65_536)
        settings.duration = try seconds(scanner, "duration", default: 5, allowZero: false)
        settings.warmup = try seconds(scanner, "warmup", default: 1, allowZero: true)
        settings.keys = try integer(scanner, "keys", default: 100_000, in: 1...KeySpace.maximumKeys)
        if let name = scanner.value("distribution") {
            guard let distribution = KeyDistribution(rawValue: name) else {
                throw .invalidValue(name: "--distribution", reason: "expected uniform or zipf")
            }
            settings.distribution = distribution
        }
        if let name = scanner.value("redis-format") {
            guard let format = RedisRequestFormat(rawValue: name) else {
                throw .invalidValue(name: "--redis-format", reason: "expected inline or multibulk")
            }
            guard benchProtocol == .redis else {
                throw .invalidValue(name: "--redis-format", reason: "applies to --protocol redis only")
            }
            settings.redisFormat = format
        }
        settings.json = scanner.flag("json")
        settings.busyPoll = scanner.flag("busy-poll")
        return settings
    }

    private static func parseFill(_ scanner: ArgumentScanner) throws(ConfigurationError) -> FillSettings {
        try scanner.rejectUnknown(["from", "redis", "memcached", "keys", "help"])
        guard let from = scanner.value("from"), !from.isEmpty else { throw .missing(name: "--from") }
        let redis = try socketPath(scanner, "redis")
        let memcached = try socketPath(scanner, "memcached")
        var settings = FillSettings(bizcachedSocket: from, redisSocket: redis, memcachedSocket: memcached)
        settings.keys = try integer(scanner, "keys", default: 100_000, in: 1...KeySpace.maximumKeys)
        return settings
    }

    private static func parseSynth(_ scanner: ArgumentScanner) throws(ConfigurationError) -> SynthSettings {
        try scanner.rejectUnknown(["redis", "memcached", "keys", "value-size", "help"])
        let redis = try socketPath(scanner, "redis")
        let memcached = try socketPath(scanner, "memcached")
        guard redis != nil || memcached != nil else { throw .missing(name: "--redis or --memcached") }
        guard scanner.value("keys") != nil else { throw .missing(name: "--keys") }
        guard scanner.value("value-size") != nil else { throw .missing(name: "--value-size") }
        return SynthSettings(
            redisSocket: redis, memcachedSocket: memcached,
            keys: try integer(scanner, "keys", default: 0, in: 1...KeySpace.maximumKeys),
            valueSize: try integer(scanner, "value-size", default: 0, in: 1...1_000_000))
    }

    private static func parsePropagation(
        _ scanner: ArgumentScanner, environment: [String: String]
    ) throws(ConfigurationError) -> PropagationSettings {
        try scanner.rejectUnknown(["socket", "database-url", "updates", "phones", "timeout", "json", "help"])
        // --socket may be given once per instance.
        let sockets = scanner.options.filter { $0.name == "socket" }.compactMap { $0.value }
        guard !sockets.isEmpty else { throw .missing(name: "--socket") }
        guard !sockets.contains("") else { throw .invalidValue(name: "--socket", reason: "expected a socket path") }
        guard let databaseURL = scanner.value("database-url") ?? environment["DATABASE_URL"] else {
            throw .missing(name: "--database-url or DATABASE_URL")
        }
        guard !databaseURL.isEmpty else {
            throw .invalidValue(name: "--database-url", reason: "expected a libpq connection string or a postgres:// URI")
        }
        var settings = PropagationSettings(socketPaths: sockets, databaseURL: databaseURL)
        settings.updates = try integer(scanner, "updates", default: 1000, in: 1...1_000_000)
        settings.phones = try integer(scanner, "phones", default: 20, in: 1...PropagationSettings.maximumPhones)
        settings.timeout = try seconds(scanner, "timeout", default: 5, allowZero: false)
        settings.json = scanner.flag("json")
        return settings
    }

    private static func socketPath(_ scanner: ArgumentScanner, _ name: String) throws(ConfigurationError) -> String? {
        guard let value = scanner.value(name) else { return nil }
        guard !value.isEmpty else { throw .invalidValue(name: "--\(name)", reason: "expected a socket path") }
        return value
    }

    private static func integer(
        _ scanner: ArgumentScanner, _ name: String, default defaultValue: Int, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        guard let text = scanner.value(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(
                name: "--\(name)", reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private static func seconds(
        _ scanner: ArgumentScanner, _ name: String, default defaultValue: Double, allowZero: Bool
    ) throws(ConfigurationError) -> Double {
        guard let text = scanner.value(name) else { return defaultValue }
        guard let value = Double(text), value.isFinite, allowZero ? value >= 0 : value > 0, value <= 86_400 else {
            throw .invalidValue(
                name: "--\(name)", reason: allowZero ? "expected seconds from 0 to 86400" : "expected seconds above 0, at most 86400")
        }
        return value
    }

    /// The help text for one subcommand, or for bizbench as a whole.
    public static func usage(_ subcommand: BenchSubcommand?) -> String {
        switch subcommand {
        case nil:
            return """
                usage: bizbench COMMAND [OPTIONS]

                commands:
                  run     Load a server with pipelined GETs and report throughput and latency.
                  fill    GET phones 0..<N from bizcached and copy their businesses into Redis/memcached.
                  synth   Write N synthetic business values into Redis and/or memcached.
                  propagation
                          Time how long a committed change to a business takes to reach every bizcached.

                Phone i is +1555 followed by i as seven digits (+15550000000, +15550000001, ...);
                Redis and memcached hold it under the key business:<phone>.
                'bizbench COMMAND --help' describes one command; 'bizbench --version' prints the version.
                Exit status: 0 success, 1 errors or wrong answers, 64 usage error, 69 cannot connect.

                """
        case .run:
            return """
                usage: bizbench run --socket PATH --protocol bizcached|redis|memcached
                                    [--connections C] [--pipeline P] [--duration SECONDS]
                                    [--warmup SECONDS] [--keys N] [--distribution uniform|zipf] [--json]
                                    [--busy-poll] [--redis-format inline|multibulk]

                Opens C connections (default 50) to the Unix socket PATH, each keeping P requests
                outstanding (default 1): every reply sends the next GET on its connection. Runs
                --warmup seconds unmeasured (default 1), then measures --duration seconds (default 5).
                Keys are phones 0..<N (default 100000), drawn uniformly (default) or by Zipf (s = 1).

                Reports requests/s, p50, p99, p99.9 and maximum latency in microseconds (from handing
                a request to send() to its reply being parsed), hits, misses, errors (error replies,
                protocol violations, connections closed by the server) and wrong answers (values
                without the requested phone in quotes). --json prints one JSON object with the keys
                protocol, connections, pipeline, duration_s, requests, requests_per_s, p50_us, p99_us,
                p999_us, max_us, hits, misses, errors, wrong.

                Requests: bizcached 'GET +15550000042', memcached 'get business:+15550000042', Redis
                'GET business:+15550000042' as a RESP array like real Redis clients send (default,
                --redis-format multibulk) or as an inline command (--redis-format inline), which
                costs Redis about a third more CPU per GET to parse.

                --busy-poll polls for replies without ever sleeping: it keeps one core busy, so use it
                only when the server has its own cores; it spares the client the wake-up latency of
                an idle CPU, which dominates at low concurrency in virtual machines.

                Exit status: 0 done; 1 errors or wrong answers or no request completed; 64 usage
                error; 69 cannot connect.

                """
        case .fill:
            return """
                usage: bizbench fill --from BIZCACHED_SOCKET [--redis REDIS_SOCKET]
                                     [--memcached MEMCACHED_SOCKET] [--keys N]

                GETs phones 0..<N (default 100000) from bizcached in pipelined batches and stores each
                business's JSON, without expiry, in Redis (SET business:<phone>) and/or memcached
                (set business:<phone> 0 0 <len>). Prints how many were filled and the mean value size.
                Without --redis and --memcached it only GETs every phone: that warms bizcached's cache.

                Exit status: 0 all filled; 1 a phone not found or a store failed; 64 usage error;
                69 cannot connect.

                """
        case .synth:
            return """
                usage: bizbench synth [--redis REDIS_SOCKET] [--memcached MEMCACHED_SOCKET]
                                      --keys N --value-size BYTES

                Writes N synthetic business values of about BYTES bytes each, without expiry, to
                Redis and/or memcached under business:<phone> for phones 0..<N. Each is business JSON
                that holds its phone in quotes ("public_phone":"+1555..."), padded in the name.

                Exit status: 0 all stored; 1 a store failed; 64 usage error; 69 cannot connect.

                """
        case .propagation:
            return """
                usage: bizbench propagation --socket PATH [--socket PATH ...] [--database-url URL]
                                            [--updates N] [--phones P] [--timeout SECONDS] [--json]

                Measures invalidation propagation: the time from the COMMIT of a change to a business
                in PostgreSQL until every bizcached instance (one --socket each, usually two sharing
                one Redis and one PostgreSQL) answers the new value.

                Creates P businesses (default 20) named 'propagation-bench ...' with the reserved
                numbers +15550990000 to +15550999999 (up to 10000), drops them from every instance's
                caches and GETs each from every instance until it is cached. Then makes N updates
                (default 1000), going round the businesses: each renames one business in its own
                transaction (BEGIN, UPDATE, COMMIT); right after COMMIT returns, it GETs the number
                from every instance on one connection each, again as soon as each reply comes, until
                each answers the new name. An update's propagation time is the last instance's first
                new answer minus the commit time; an update some instance does not answer within
                --timeout seconds (default 5) is counted as not propagated. After 20 such updates in
                a row the run stops. The businesses are deleted at the end, also after a failure.

                Reports p50, p90, p99, maximum and mean propagation in milliseconds, overall and per
                instance, the updates that did not propagate, and how long COMMIT took. --json prints
                one JSON object with the keys instances, updates, phones, timeout_s, propagated,
                timed_out, p50_ms, p90_ms, p99_ms, max_ms, mean_ms, commit_p50_ms, polls,
                unexpected_replies.

                --database-url (default: the environment's DATABASE_URL) is a libpq connection string
                or a postgres:// URI of the database the instances read.

                Exit status: 0 every update propagated; 1 an update did not propagate in time, or an
                instance answered NOTFOUND or an error; 64 usage error; 69 cannot connect.

                """
        }
    }
}
