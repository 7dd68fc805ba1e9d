/// What `bizqueue` is asked to do, from its arguments and environment. Pure parsing: the
/// executable does the work.
public struct QueueInvocation: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// One job from flags (`message` validated), or many from JSON lines on stdin.
        case enqueue(EnqueueRequest)
        case enqueueLines
        case work(WorkOptions)
        case status
        case list(status: String, limit: Int)
        case retry(id: Int64)
        case cancel(id: Int64)
        case prune(olderThanSeconds: Double)
        case help
    }

    /// A job as given on the command line or in a JSON line, validated.
    public struct EnqueueRequest: Sendable, Equatable {
        public var message: OutboundSMS
        public var idempotencyKey: String?
        /// When to send at the earliest (any form PostgreSQL reads as a timestamp).
        public var at: String?
        public var businessID: String?
        public var maxAttempts: Int?

        public init(message: OutboundSMS, idempotencyKey: String? = nil, at: String? = nil, businessID: String? = nil, maxAttempts: Int? = nil) {
            self.message = message
            self.idempotencyKey = idempotencyKey
            self.at = at
            self.businessID = businessID
            self.maxAttempts = maxAttempts
        }

        /// Validates the fields of one job, as flags or JSON give them.
        public static func make(
            to: String?, from: String?, messagingService: String?, body: String?, idempotencyKey: String?, at: String?,
            businessID: String?, maxAttempts: Int?, defaultCountryCode: CountryCallingCode
        ) throws(ConfigurationError) -> EnqueueRequest {
            guard let to else { throw .missing(name: "--to") }
            guard let body else { throw .missing(name: "--body") }
            let message: OutboundSMS
            do {
                message = try OutboundSMS(
                    to: to, from: from, messagingServiceSID: messagingService, body: body,
                    defaultCountryCode: defaultCountryCode)
            } catch {
                throw .invalidValue(name: "message", reason: error.description)
            }
            if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.count > 200 {
                throw .invalidValue(name: "--idempotency-key", reason: "expected 1 to 200 characters")
            }
            if let maxAttempts, !(1...100).contains(maxAttempts) {
                throw .invalidValue(name: "--max-attempts", reason: "expected a whole number from 1 to 100")
            }
            if let at, at.isEmpty { throw .invalidValue(name: "--at", reason: "expected a time such as 2026-12-24T09:00:00Z") }
            return EnqueueRequest(message: message, idempotencyKey: idempotencyKey, at: at, businessID: businessID, maxAttempts: maxAttempts)
        }
    }

    /// `bizqueue work` settings from flags.
    public struct WorkOptions: Sendable, Equatable {
        public var concurrency = 2
        public var pollInterval: Double = 10
        public var visibilityTimeout: Double = 300
        public var requestTimeout: Double = 15
        public var pacing = PaceRules()
        public var workerName: String?
        /// Where to serve Prometheus metrics over HTTP (loopback only); nil: not served.
        public var metricsListen: LoopbackEndpoint?
        public init() {}
    }

    public var action: Action
    /// `--database-url`, else `DATABASE_URL`.
    public var databaseURL: String

    public static let usage = """
        usage: bizqueue COMMAND [OPTIONS]

          enqueue --to PHONE (--from PHONE | --messaging-service MG…) --body TEXT
                  [--idempotency-key KEY] [--at TIME] [--business-id UUID] [--max-attempts N]
                                  queue one text and print its id
          enqueue --jsonl         queue one JSON job per line of standard input
                                  ({"to":…,"from"|"messaging_service":…,"body":…, "idempotency_key":…,"at":…})
          work [--concurrency N] [--poll-interval DURATION] [--visibility-timeout DURATION]
               [--request-timeout DURATION] [--rate PER_SECOND] [--sender-rate SENDER=RATE,…]
               [--global-rate PER_SECOND] [--recipient-cooldown DURATION] [--worker-name NAME]
               [--metrics-listen 127.0.0.1:9465]
                                  send queued texts through Twilio until SIGTERM
          status                  jobs per status and the oldest pending job's age
          list --status STATUS [--limit N]
          retry ID                put a failed job back to pending
          cancel ID               cancel a pending job
          prune --older-than DURATION
                                  delete finished jobs (sent, failed, cancelled) older than that

        Every command reads --database-url or DATABASE_URL, and the database password (when
        the URL has none) from the systemd credential database-password ($CREDENTIALS_DIRECTORY),
        DATABASE_PASSWORD_FILE or PGPASSWORD. `work` reads TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN or TWILIO_AUTH_TOKEN_FILE, and TWILIO_API_BASE (default
        https://api.twilio.com). Durations: 90, 30s, 5m, 2h, 7d. Numbers may be written as
        people write them; they are stored as E.164.
        'bizqueue --version' prints the version.
        Exit status: 0 success, 1 a job not found or not in the right state, 64 usage error,
        65 a bad job, 69 the database unreachable.

        """

    private static let valueOptions: Set<String> = [
        "database-url", "to", "from", "messaging-service", "body", "idempotency-key", "at", "business-id",
        "max-attempts", "concurrency", "poll-interval", "visibility-timeout", "request-timeout", "rate",
        "sender-rate", "global-rate", "recipient-cooldown", "worker-name", "status", "limit", "older-than",
        "default-country-code", "metrics-listen",
    ]

    /// Parses arguments (without the program name).
    public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> QueueInvocation {
        let scanner = try ArgumentScanner(arguments, valueOptions: valueOptions)
        try scanner.rejectUnknown(valueOptions.union(["help", "jsonl"]))
        var words = scanner.positionals[...]
        let verb = words.popFirst()
        if scanner.flag("help") || verb == nil || verb == "help" {
            if verb == nil && !scanner.flag("help") { throw .missing(name: "a command") }
            return QueueInvocation(action: .help, databaseURL: "")
        }
        guard let database = scanner.value("database-url") ?? environment["DATABASE_URL"], !database.isEmpty else {
            throw .missing(name: "--database-url or DATABASE_URL")
        }
        func noArguments() throws(ConfigurationError) {
            if let extra = words.first { throw .invalidValue(name: verb!, reason: "unexpected argument '\(extra)'") }
        }
        func id() throws(ConfigurationError) -> Int64 {
            guard words.count == 1, let id = Int64(words.first!), id > 0 else {
                throw .invalidValue(name: verb!, reason: "expected one job ID")
            }
            return id
        }
        func seconds(_ flag: String, default value: Double) throws(ConfigurationError) -> Double {
            guard let text = scanner.value(flag) else { return value }
            do {
                return try DurationText.parse(text).seconds
            } catch {
                throw .invalidValue(name: "--" + flag, reason: error.description)
            }
        }
        func number(_ flag: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
            guard let text = scanner.value(flag) else { return nil }
            guard let value = Double(text), range.contains(value) else {
                throw .invalidValue(name: "--" + flag, reason: "expected a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        var countryCode = CountryCallingCode.northAmerica
        if let text = scanner.value("default-country-code") {
            guard let code = CountryCallingCode(text) else {
                throw .invalidValue(name: "--default-country-code", reason: "expected a country calling code such as 1 or 44")
            }
            countryCode = code
        }

        let action: Action
        switch verb! {
        case "enqueue":
            try noArguments()
            if scanner.flag("jsonl") {
                action = .enqueueLines
            } else {
                let maxAttempts = try number("max-attempts", in: 1...100).map { Int($0) }
                action = .enqueue(try EnqueueRequest.make(
                    to: scanner.value("to"), from: scanner.value("from"), messagingService: scanner.value("messaging-service"),
                    body: scanner.value("body"), idempotencyKey: scanner.value("idempotency-key"), at: scanner.value("at"),
                    businessID: scanner.value("business-id"), maxAttempts: maxAttempts, defaultCountryCode: countryCode))
            }
        case "work":
            try noArguments()
            var options = WorkOptions()
            options.concurrency = Int(try number("concurrency", in: 1...256) ?? 2)
            options.pollInterval = try seconds("poll-interval", default: 10)
            options.visibilityTimeout = try seconds("visibility-timeout", default: 300)
            options.requestTimeout = try seconds("request-timeout", default: 15)
            guard options.pollInterval > 0, options.visibilityTimeout > 0, options.requestTimeout > 0 else {
                throw .invalidValue(name: "work", reason: "intervals and timeouts must be longer than 0")
            }
            if let rate = try number("rate", in: 0...10_000) { options.pacing.perSenderRate = rate }
            if let text = scanner.value("sender-rate") { options.pacing.senderRates = try PaceRules.senderRates(text, name: "--sender-rate") }
            if let rate = try number("global-rate", in: 0...100_000) { options.pacing.globalRate = rate }
            options.pacing.recipientCooldown = try seconds("recipient-cooldown", default: 0)
            options.workerName = scanner.value("worker-name")
            if let text = scanner.value("metrics-listen") {
                options.metricsListen = try LoopbackEndpoint(text, settingName: "--metrics-listen")
            }
            action = .work(options)
        case "status":
            try noArguments()
            action = .status
        case "list":
            try noArguments()
            guard let status = scanner.value("status") else { throw .missing(name: "--status") }
            let limit = Int(try number("limit", in: 1...100_000) ?? 50)
            action = .list(status: status, limit: limit)
        case "retry": action = .retry(id: try id())
        case "cancel": action = .cancel(id: try id())
        case "prune":
            try noArguments()
            guard scanner.value("older-than") != nil else { throw .missing(name: "--older-than") }
            action = .prune(olderThanSeconds: try seconds("older-than", default: 0))
        default:
            throw .invalidValue(name: "command", reason: "unknown command '\(verb!)'")
        }
        return QueueInvocation(action: action, databaseURL: database)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
