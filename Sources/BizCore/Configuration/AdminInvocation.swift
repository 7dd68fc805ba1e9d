/// What `bizadmin` is asked to do, from its arguments and environment. Pure parsing: the
/// executable serves the pages.
public struct AdminInvocation: Sendable, Equatable {
    /// Where the pages are served: a loopback address or a Unix socket.
    public var listen: HTTPListenAddress
    /// Host names besides the loopback ones that requests may name in `Host`: the names a
    /// proxy in front serves the pages under.
    public var allowedHosts: [String]
    /// The database to connect to: host, port and database name. The role and password are
    /// not here: each person signs in with their own.
    public var databaseURL: String
    /// Seconds a session may stay idle before it ends.
    public var sessionIdleTimeout: Double
    /// Whether the pages reach browsers over TLS (through a proxy): cookies are then `Secure`.
    public var behindTLS: Bool
    /// Threads answering requests at once.
    public var threads: Int
    /// `--help`: print `usage` and exit.
    public var showsHelp: Bool

    /// The address served when `--listen` is not given.
    public static let defaultListen = "127.0.0.1:8080"
    /// The idle time after which a session ends when `--session-idle-timeout` is not given.
    public static let defaultSessionIdleTimeout: Double = 1800
    /// Threads when `--threads` is not given.
    public static let defaultThreads = 4

    public static let usage = """
        usage: bizadmin [--listen HOST:PORT|PATH] [--allow-host NAME]... [--database-url URL]
                        [--session-idle-timeout DURATION] [--behind-tls] [--threads N]

        Serves the businesses admin pages on a loopback address (default 127.0.0.1:8080) or
        a Unix socket. People sign in with a PostgreSQL role and its password (a member of
        biz_admin or biz_viewer); the database's grants decide what they may do.

          --listen HOST:PORT|PATH       loopback address and port, or an absolute Unix socket
                                        path (created with mode 0660), to serve on
          --allow-host NAME             also answer requests for this host name, as a proxy
                                        in front serves them (repeatable); requests naming any
                                        other host than localhost, 127.0.0.1 or ::1 get 421
          --database-url URL            the database (host, port, dbname; default DATABASE_URL);
                                        any user or password in it is overridden at sign-in
          --session-idle-timeout D      end sessions idle this long (default 30m; 90, 30s, 5m, 2h)
          --behind-tls                  mark cookies Secure: browsers reach bizadmin over TLS
          --threads N                   requests answered at once, 1 to 64 (default 4)
        'bizadmin --version' prints the version.
        Exit status: 0 stopped by SIGTERM or SIGINT, 64 usage error, 69 cannot listen.

        """

    private static let valueOptions: Set<String> = [
        "listen", "allow-host", "database-url", "session-idle-timeout", "threads",
    ]

    /// Parses arguments (without the program name); `DATABASE_URL` stands in for
    /// `--database-url`.
    public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> AdminInvocation {
        let scanner = try ArgumentScanner(arguments, valueOptions: valueOptions)
        try scanner.rejectUnknown(valueOptions.union(["help", "behind-tls"]))
        if let extra = scanner.positionals.first {
            throw .invalidValue(name: "arguments", reason: "unexpected argument '\(extra)'")
        }
        let listen = try HTTPListenAddress(scanner.value("listen") ?? defaultListen, settingName: "--listen")
        var allowedHosts: [String] = []
        for name in scanner.values("allow-host") {
            guard let host = HostAllowList.hostName(name) else {
                throw .invalidValue(name: "--allow-host", reason: "'\(name)' is not a host name such as admin.example.com")
            }
            allowedHosts.append(host)
        }
        if scanner.flag("help") {
            return AdminInvocation(
                listen: listen, allowedHosts: allowedHosts, databaseURL: "", sessionIdleTimeout: defaultSessionIdleTimeout, behindTLS: false,
                threads: defaultThreads, showsHelp: true)
        }
        guard let database = scanner.value("database-url") ?? environment["DATABASE_URL"], !database.isEmpty else {
            throw .missing(name: "--database-url or DATABASE_URL")
        }
        var idle = defaultSessionIdleTimeout
        if let text = scanner.value("session-idle-timeout") {
            do {
                idle = try DurationText.parse(text).seconds
            } catch {
                throw .invalidValue(name: "--session-idle-timeout", reason: error.description)
            }
            guard idle >= 1, idle <= 7 * 86_400 else {
                throw .invalidValue(name: "--session-idle-timeout", reason: "expected 1 second to 7 days")
            }
        }
        var threads = defaultThreads
        if let text = scanner.value("threads") {
            guard let count = Int(text), (1...64).contains(count) else {
                throw .invalidValue(name: "--threads", reason: "expected a whole number from 1 to 64")
            }
            threads = count
        }
        return AdminInvocation(
            listen: listen, allowedHosts: allowedHosts, databaseURL: database, sessionIdleTimeout: idle, behindTLS: scanner.flag("behind-tls"),
            threads: threads, showsHelp: false)
    }
}
