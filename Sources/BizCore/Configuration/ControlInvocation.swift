/// What `bizctl` was asked to do, parsed from its arguments and environment.
public struct ControlInvocation: Sendable, Equatable {
    /// A bizctl subcommand.
    public enum Action: Sendable, Equatable {
        case lookup(phone: String)
        case ping
        case stats
        case metrics
        case invalidate(phone: String)
        case migrate
        /// `--help`, for one subcommand or (nil) for bizctl as a whole.
        case help(Subcommand?)
    }

    /// The subcommands, for help texts.
    public enum Subcommand: String, CaseIterable, Sendable {
        case lookup, ping, stats, metrics, invalidate, migrate

        var synopsis: String {
            switch self {
            case .lookup: "bizctl [--socket PATH] lookup PHONE"
            case .ping: "bizctl [--socket PATH] ping"
            case .stats: "bizctl [--socket PATH] stats"
            case .metrics: "bizctl [--socket PATH] metrics"
            case .invalidate: "bizctl [--socket PATH] invalidate PHONE"
            case .migrate: "bizctl migrate [--database-url URL]"
            }
        }

        var summary: String {
            switch self {
            case .lookup: "Print the business that owns PHONE as JSON. Exit 1 if none does."
            case .ping: "Check that bizcached answers."
            case .stats: "Print bizcached's counters as JSON."
            case .metrics: "Print bizcached's metrics in Prometheus's text format."
            case .invalidate: "Drop PHONE's cached business from bizcached's memory and from Redis."
            case .migrate: "Apply the schema migrations that the database does not have yet."
            }
        }
    }

    public var action: Action
    /// The daemon's socket: `--socket`, else `BIZCACHED_SOCKET`, else the default path.
    public var socketPath: String
    /// For `migrate`: `--database-url`, else `DATABASE_URL`.
    public var databaseURL: String?
    /// Seconds to wait for the daemon.
    public var timeout: Double

    /// Parses arguments (without the program name).
    public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> ControlInvocation {
        let scanner = try ArgumentScanner(arguments, valueOptions: ["socket", "database-url", "timeout"])
        try scanner.rejectUnknown(["socket", "database-url", "timeout", "help"])
        let socketPath = scanner.value("socket") ?? environment["BIZCACHED_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
            ?? DaemonConfiguration.defaultSocketPath
        var timeout = 5.0
        if let text = scanner.value("timeout") {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw .invalidValue(name: "--timeout", reason: "expected seconds between 0 and 3600")
            }
            timeout = seconds
        }
        var words = scanner.positionals[...]
        guard let verb = words.popFirst() else {
            if scanner.flag("help") {
                return ControlInvocation(action: .help(nil), socketPath: socketPath, databaseURL: nil, timeout: timeout)
            }
            throw .missing(name: "a command")
        }
        guard let subcommand = Subcommand(rawValue: verb) else {
            throw .invalidValue(name: "command", reason: "unknown command '\(verb)'")
        }
        if scanner.flag("help") {
            return ControlInvocation(action: .help(subcommand), socketPath: socketPath, databaseURL: nil, timeout: timeout)
        }

        func phoneArgument() throws(ConfigurationError) -> String {
            guard words.count == 1, let phone = words.first else {
                throw .invalidValue(name: verb, reason: "expected exactly one PHONE argument")
            }
            guard !phone.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
                throw .invalidValue(name: "PHONE", reason: "a phone number cannot contain a line break")
            }
            return phone
        }
        func noArguments() throws(ConfigurationError) {
            if let extra = words.first { throw .invalidValue(name: verb, reason: "unexpected argument '\(extra)'") }
        }

        let action: Action
        switch subcommand {
        case .lookup: action = .lookup(phone: try phoneArgument())
        case .invalidate: action = .invalidate(phone: try phoneArgument())
        case .ping: try noArguments(); action = .ping
        case .stats: try noArguments(); action = .stats
        case .metrics: try noArguments(); action = .metrics
        case .migrate: try noArguments(); action = .migrate
        }
        var databaseURL = scanner.value("database-url") ?? environment["DATABASE_URL"]
        if databaseURL?.isEmpty == true { databaseURL = nil }
        if action == .migrate && databaseURL == nil { throw .missing(name: "--database-url or DATABASE_URL") }
        return ControlInvocation(action: action, socketPath: socketPath, databaseURL: databaseURL, timeout: timeout)
    }

    /// The help text for one subcommand, or for bizctl as a whole.
    public static func usage(_ subcommand: Subcommand?) -> String {
        guard let subcommand else {
            var text = "usage: bizctl [--socket PATH] [--timeout SECONDS] COMMAND [ARGS]\n\ncommands:\n"
            for command in Subcommand.allCases {
                text += "  \(command.rawValue.padding(12))\(command.summary)\n"
            }
            text += """

                The socket is --socket, else $BIZCACHED_SOCKET, else \(DaemonConfiguration.defaultSocketPath).
                'bizctl COMMAND --help' describes one command; 'bizctl --version' prints the version.
                migrate takes the database password from the systemd credential database-password,
                DATABASE_PASSWORD_FILE or PGPASSWORD when the URL has none.
                Exit status: 0 success, 1 not found, 64 usage error, 65 migration failed,
                69 bizcached or the database unreachable or answering an error.

                """
            return text
        }
        var text = "usage: \(subcommand.synopsis)\n\n\(subcommand.summary)\n"
        switch subcommand {
        case .lookup:
            text += "PHONE may be written in any common form: +1 (555) 010-0001, 15550100001, 555.010.0001.\n"
        case .migrate:
            text += "DATABASE_URL is a libpq connection string or a postgres:// URI. Safe to run again.\n"
        default: break
        }
        return text
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
