/// What a `bizbench run` measured, and its report in the two output forms.
public struct RunResult: Sendable {
    /// What was asked for.
    public var settings: RunSettings
    /// The length of the measured window in nanoseconds (shorter than asked when every
    /// connection was lost).
    public var measuredNanoseconds: UInt64 = 0
    /// Replies received in the measured window: hits + misses + error replies.
    public var requests: UInt64 = 0
    /// Replies with a value.
    public var hits: UInt64 = 0
    /// Replies saying the server has nothing for the phone.
    public var misses: UInt64 = 0
    /// Error replies in the window, plus protocol violations and connections closed by the
    /// server at any time.
    public var errors: UInt64 = 0
    /// Hits whose value did not hold the requested phone in quotes.
    public var wrong: UInt64 = 0
    /// Connections the server closed or that broke.
    public var connectionsLost = 0
    /// Why the first few were lost.
    public var lossReasons: [String] = []
    /// Latency of each reply in the window, in nanoseconds.
    public var latency = LatencyHistogram()

    /// An empty result for `settings`.
    public init(settings: RunSettings) {
        self.settings = settings
    }

    /// The measured window in seconds.
    public var durationSeconds: Double { Double(measuredNanoseconds) / 1e9 }

    /// Replies per second over the measured window.
    public var requestsPerSecond: Double {
        measuredNanoseconds == 0 ? 0 : Double(requests) / durationSeconds
    }

    /// The process exit status: 1 when anything failed or nothing completed, else 0.
    public var exitStatus: Int32 {
        errors > 0 || wrong > 0 || requests == 0 ? 1 : 0
    }

    private func microseconds(_ nanoseconds: UInt64) -> String {
        DecimalText.fixed(Double(nanoseconds) / 1000, fractionDigits: 2)
    }

    private func microseconds(atPercentile percentile: Double) -> String {
        microseconds(latency.value(atPercentile: percentile))
    }

    /// The report as one line of JSON with the keys protocol, connections, pipeline,
    /// duration_s, requests, requests_per_s, p50_us, p99_us, p999_us, max_us, hits, misses,
    /// errors, wrong.
    public var jsonLine: String {
        let fields: [(String, String)] = [
            ("protocol", "\"\(settings.benchProtocol.rawValue)\""),
            ("connections", String(settings.connections)),
            ("pipeline", String(settings.pipeline)),
            ("duration_s", DecimalText.fixed(durationSeconds, fractionDigits: 3)),
            ("requests", String(requests)),
            ("requests_per_s", DecimalText.fixed(requestsPerSecond, fractionDigits: 1)),
            ("p50_us", microseconds(atPercentile: 50)),
            ("p99_us", microseconds(atPercentile: 99)),
            ("p999_us", microseconds(atPercentile: 99.9)),
            ("max_us", microseconds(latency.max)),
            ("hits", String(hits)),
            ("misses", String(misses)),
            ("errors", String(errors)),
            ("wrong", String(wrong)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private var protocolDescription: String {
        settings.benchProtocol == .redis ? "redis (\(settings.redisFormat.rawValue) requests)" : settings.benchProtocol.rawValue
    }

    /// The report as a human-readable block of lines.
    public var humanReadable: String {
        var text = """
            bizbench run: \(protocolDescription) at \(settings.socketPath)
              \(settings.connections) connections x pipeline \(settings.pipeline), \(settings.distribution.rawValue) over \(settings.keys) keys, \(DecimalText.fixed(settings.warmup, fractionDigits: 1)) s warmup
              measured   \(DecimalText.fixed(durationSeconds, fractionDigits: 3)) s
              requests   \(requests)  (\(DecimalText.fixed(requestsPerSecond, fractionDigits: 1)) requests/s)
              latency    p50 \(microseconds(atPercentile: 50)) us   p99 \(microseconds(atPercentile: 99)) us   p99.9 \(microseconds(atPercentile: 99.9)) us   max \(microseconds(latency.max)) us
              replies    hits \(hits)   misses \(misses)   errors \(errors)   wrong \(wrong)

            """
        if connectionsLost > 0 {
            text += "  lost       \(connectionsLost) of \(settings.connections) connections: \(lossReasons.joined(separator: "; "))\n"
        }
        return text
    }
}
