/// What a `bizbench propagation` run measured, and its report in the two output forms.
public struct PropagationResult: Sendable {
    /// What was asked for.
    public var settings: PropagationSettings
    /// Per update that every instance answered in time: from `COMMIT` returning to the last
    /// instance answering the new value, in nanoseconds.
    public var propagation = LatencyHistogram()
    /// Per instance (in the order of ``PropagationSettings/socketPaths``): from `COMMIT`
    /// returning to that instance answering the new value, for the updates it answered in time.
    public var perInstance: [LatencyHistogram]
    /// Per instance: updates it did not answer within the timeout.
    public var perInstanceTimedOut: [Int]
    /// Updates committed. Fewer than asked when the run stopped after too many updates in a
    /// row timed out.
    public var updatesMade = 0
    /// Updates that some instance did not answer within the timeout.
    public var timedOut = 0
    /// How long each `COMMIT` took to return, in nanoseconds: PostgreSQL sends the
    /// notifications as it commits, so instances may hear of a change before it returns.
    public var commit = LatencyHistogram()
    /// `GET`s sent while waiting for new values.
    public var polls: UInt64 = 0
    /// What the first instance that did not answer a new value in time answered instead.
    public var firstTimeout: String?
    /// Replies without a business (`ERR ...`, `NOTFOUND`) to `GET`s of benchmark businesses,
    /// which exist throughout.
    public var unexpectedReplies = 0
    /// The first of them, for the report.
    public var firstUnexpectedReply: String?

    /// An empty result for `settings`.
    public init(settings: PropagationSettings) {
        self.settings = settings
        perInstance = settings.socketPaths.map { _ in LatencyHistogram() }
        perInstanceTimedOut = settings.socketPaths.map { _ in 0 }
    }

    /// Updates every instance answered within the timeout.
    public var propagated: Int { Int(propagation.count) }

    /// The process exit status: 1 when an update did not propagate in time, an unexpected
    /// reply came, or nothing propagated; else 0.
    public var exitStatus: Int32 {
        timedOut > 0 || unexpectedReplies > 0 || propagated == 0 ? 1 : 0
    }

    private static func milliseconds(_ nanoseconds: Double) -> String {
        DecimalText.fixed(nanoseconds / 1e6, fractionDigits: 3)
    }

    private static func milliseconds(_ histogram: LatencyHistogram, atPercentile percentile: Double) -> String {
        milliseconds(Double(histogram.value(atPercentile: percentile)))
    }

    /// "p50 … ms   p90 …   p99 …   max …   mean …" for one histogram.
    private static func summary(_ histogram: LatencyHistogram) -> String {
        "p50 \(milliseconds(histogram, atPercentile: 50))   p90 \(milliseconds(histogram, atPercentile: 90))"
            + "   p99 \(milliseconds(histogram, atPercentile: 99))   max \(milliseconds(Double(histogram.max)))"
            + "   mean \(milliseconds(histogram.mean))  (ms)"
    }

    /// The report as one line of JSON with the keys instances, updates, phones, timeout_s,
    /// propagated, timed_out, p50_ms, p90_ms, p99_ms, max_ms, mean_ms, commit_p50_ms,
    /// polls, unexpected_replies.
    public var jsonLine: String {
        let fields: [(String, String)] = [
            ("instances", String(settings.socketPaths.count)),
            ("updates", String(updatesMade)),
            ("phones", String(settings.phones)),
            ("timeout_s", DecimalText.fixed(settings.timeout, fractionDigits: 3)),
            ("propagated", String(propagated)),
            ("timed_out", String(timedOut)),
            ("p50_ms", Self.milliseconds(propagation, atPercentile: 50)),
            ("p90_ms", Self.milliseconds(propagation, atPercentile: 90)),
            ("p99_ms", Self.milliseconds(propagation, atPercentile: 99)),
            ("max_ms", Self.milliseconds(Double(propagation.max))),
            ("mean_ms", Self.milliseconds(propagation.mean)),
            ("commit_p50_ms", Self.milliseconds(commit, atPercentile: 50)),
            ("polls", String(polls)),
            ("unexpected_replies", String(unexpectedReplies)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The report as a human-readable block of lines.
    public var humanReadable: String {
        var text = """
            bizbench propagation: \(updatesMade) updates over \(settings.phones) businesses, \(settings.socketPaths.count) bizcached instance\(settings.socketPaths.count == 1 ? "" : "s")
              propagated  \(propagated) of \(updatesMade) within \(DecimalText.fixed(settings.timeout, fractionDigits: 1)) s   timed out \(timedOut)
              all         \(Self.summary(propagation))

            """
        for (index, path) in settings.socketPaths.enumerated() {
            text += "  instance \(index + 1)  \(Self.summary(perInstance[index]))   timed out \(perInstanceTimedOut[index])   \(path)\n"
        }
        text += "  commit      \(Self.summary(commit))\n"
        text += "  polls       \(polls) GETs while waiting   unexpected replies \(unexpectedReplies)\n"
        if updatesMade < settings.updates {
            text += "  stopped: \(PropagationBenchmark.consecutiveTimeoutLimit) updates in a row did not propagate; "
                + "\(updatesMade) of \(settings.updates) made\n"
        }
        if let firstTimeout {
            text += "  first timeout: \(firstTimeout)\n"
        }
        if let firstUnexpectedReply {
            text += "  first unexpected reply: \(firstUnexpectedReply)\n"
        }
        return text
    }
}
