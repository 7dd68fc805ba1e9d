import BizCore

/// What `bizqueue work` counts: each attempt's outcome and how long Twilio took to answer
/// a send, and (from `QueueDepthProbe`) the queue as PostgreSQL holds it; reported in
/// Prometheus's text format, named `bizqueue_…`.
public final class WorkerMetrics: Sendable {
    /// What became of one claimed job's attempt.
    public enum Outcome: Sendable, CaseIterable {
        /// Twilio accepted the text.
        case sent
        /// A job whose earlier attempt may have gone out was found at Twilio, not sent again.
        case alreadySent
        /// A transient failure: tried again after a backoff.
        case retried
        /// The request may have reached Twilio (timeout, reset): looked up before the next try.
        case maybeSent
        /// Failed for good: a permanent error, no attempts left, or an invalid job.
        case failed
        /// Put back untried because Twilio refused the credentials (sending paused).
        case paused

        /// The `outcome` label.
        var name: String {
            switch self {
            case .sent: "sent"
            case .alreadySent: "already_sent"
            case .retried: "retried"
            case .maybeSent: "maybe_sent"
            case .failed: "failed"
            case .paused: "paused"
            }
        }
    }

    /// Seconds since the Unix epoch when the worker started.
    public let startTime: Double
    private let outcomes: [MetricCounter]
    private let sendDuration = DurationHistogram(buckets: .sendLatency)

    public init(startTime: Double) {
        self.startTime = startTime
        outcomes = Outcome.allCases.map { _ in MetricCounter() }
    }

    /// Counts an attempt's outcome.
    public func record(_ outcome: Outcome) {
        outcomes[Outcome.allCases.firstIndex(of: outcome)!].add()
    }

    /// Attempts with an outcome so far.
    public func count(_ outcome: Outcome) -> Int {
        outcomes[Outcome.allCases.firstIndex(of: outcome)!].value
    }

    /// Runs a request to Twilio's send endpoint and records how long it took, answered or not.
    public func timingSend<T, E: Error>(_ send: () throws(E) -> T) throws(E) -> T {
        let clock = ContinuousClock()
        let started = clock.now
        defer { sendDuration.record(clock.now - started) }
        return try send()
    }

    /// The families to report. `depth` is nil when PostgreSQL could not be asked: the queue
    /// gauges are then left out and `bizqueue_queue_stats_up` is 0.
    public func families(depth: QueueDepth?, sendingPaused: Bool) -> [MetricFamily] {
        var families: [MetricFamily] = [
            .gauge("bizqueue_build_info", help: "Always 1; the version label says which bizqueue runs.", [
                MetricSample(["version": BizcachedVersion.current], 1)
            ]),
            .gauge("bizqueue_start_time_seconds", help: "When the worker started, in seconds since the Unix epoch.", value: startTime),
            .counter(
                "bizqueue_jobs_total", help: "Attempts at claimed jobs, by outcome.",
                Outcome.allCases.map { MetricSample(["outcome": $0.name], count($0)) }),
            .histogram(
                "bizqueue_send_duration_seconds", help: "Time Twilio took to answer a request to send a text, answered or not.",
                [HistogramSample(.none, sendDuration.snapshot())]),
            .gauge(
                "bizqueue_sending_paused", help: "1 while Twilio refuses the credentials and no text is sent.",
                value: sendingPaused ? 1 : 0),
            .gauge(
                "bizqueue_queue_stats_up", help: "1 when PostgreSQL answered this scrape's queue query; 0 leaves the queue gauges out.",
                value: depth == nil ? 0 : 1),
        ]
        if let depth {
            families.append(.gauge("bizqueue_queue_depth", help: "Jobs in the queue by status, for every worker.", [
                MetricSample(["status": "pending"], depth.pending), MetricSample(["status": "sending"], depth.sending),
            ]))
            families.append(.gauge(
                "bizqueue_oldest_pending_age_seconds", help: "How long the oldest due pending job has waited; 0 when none is due.",
                value: depth.oldestPendingAge))
        }
        return families
    }
}
