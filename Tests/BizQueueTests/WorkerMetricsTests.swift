import BizCore
import BizPostgres
import BizQueue
import BizTestSupport
import Foundation
import Testing

/// `bizqueue work --metrics-listen`: attempts counted by outcome, sends timed, the queue's
/// depth read from PostgreSQL at each scrape, all read back with Prometheus's Python parser.
@Suite
struct WorkerMetricsTests {
    /// Starts a worker serving metrics on a free port and waits until the port answers.
    private func startWorker(_ fixture: QueueFixture, _ arguments: [String] = []) throws -> UInt16 {
        let port = try LoopbackHTTPClient.freePort()
        try fixture.startWorker(["--metrics-listen", "127.0.0.1:\(port)"] + arguments)
        let listening = fixture.waitUntil(seconds: 10) {
            (try? LoopbackHTTPClient.request("GET", "/metrics", port: port).status) == 200
        }
        if !listening { throw ChildProcess.Failure("no metrics on port \(port):\n\(fixture.logs)") }
        return port
    }

    private func scrape(_ port: UInt16) throws -> ParsedMetrics {
        let response = try LoopbackHTTPClient.request("GET", "/metrics", port: port)
        guard response.status == 200 else { throw ChildProcess.Failure("GET /metrics answered \(response.status)") }
        #expect(response.headers["content-type"] == PrometheusText.contentType)
        return try PrometheusTextParser.parse(response.body)
    }

    @Test func attemptsAreCountedByOutcomeAndEachSendIsTimed() throws {
        let fixture = try QueueFixture()
        // A 500 (retried), then a reply lost after Twilio took the text (maybe sent), then
        // the earlier attempt found at Twilio instead of sending again.
        fixture.twilio.inject(.serverError(status: 500), .dropAfterCreating)
        try fixture.insertJobs(1)
        let port = try startWorker(fixture, ["--request-timeout", "2s"])
        #expect(try fixture.waitUntil(seconds: 30) { try fixture.counts()[.sent] == 1 }, "\(fixture.logs.suffix(1500))")

        let metrics = try scrape(port)
        let expected = ["retried": 1.0, "maybe_sent": 1, "already_sent": 1, "sent": 0, "failed": 0, "paused": 0]
        for (outcome, count) in expected {
            #expect(metrics.value("bizqueue_jobs_total", ["outcome": outcome]) == count, "\(outcome)")
        }
        #expect(metrics.value("bizqueue_send_duration_seconds_count") == 2)
        #expect(metrics.value("bizqueue_send_duration_seconds_bucket", ["le": "+Inf"]) == 2)
        #expect(metrics.value("bizqueue_send_duration_seconds_bucket", ["le": "60"]) == 2)
        #expect((metrics.value("bizqueue_send_duration_seconds_sum") ?? 0) > 0)
        #expect(metrics.value("bizqueue_queue_stats_up") == 1)
        #expect(metrics.value("bizqueue_queue_depth", ["status": "pending"]) == 0)
        #expect(metrics.value("bizqueue_queue_depth", ["status": "sending"]) == 0)
        #expect(metrics.value("bizqueue_oldest_pending_age_seconds") == 0)
        #expect(metrics.value("bizqueue_sending_paused") == 0)
        #expect(metrics.value("bizqueue_build_info", ["version": BizcachedVersion.current]) == 1)
        #expect(metrics.types["bizqueue_jobs"] == "counter")
        #expect(metrics.types["bizqueue_send_duration_seconds"] == "histogram")
        #expect(metrics.types["bizqueue_queue_depth"] == "gauge")
        #expect(try LoopbackHTTPClient.request("GET", "/", port: port).status == 404)
    }

    @Test func theQueueGaugesShowWaitingJobsAndHowLongTheOldestDueOneHasWaited() throws {
        let fixture = try QueueFixture()
        try fixture.database.connect().execute("""
            INSERT INTO sms_queue (to_number, from_number, body, run_at) VALUES
                ('+15550209991', '+15550300001', 'waiting', now() - interval '30 seconds'),
                ('+15550209992', '+15550300001', 'later 1', now() + interval '1 hour'),
                ('+15550209993', '+15550300001', 'later 2', now() + interval '1 hour');
            """)
        // The due job is held locked here, so no worker can claim it (SKIP LOCKED) yet.
        let holder = try fixture.database.connect()
        try holder.execute("BEGIN")
        try holder.query("SELECT id FROM sms_queue WHERE body = 'waiting' FOR UPDATE")
        let port = try startWorker(fixture)

        let waiting = try scrape(port)
        #expect(waiting.value("bizqueue_queue_stats_up") == 1)
        #expect(waiting.value("bizqueue_queue_depth", ["status": "pending"]) == 3)
        #expect(waiting.value("bizqueue_queue_depth", ["status": "sending"]) == 0)
        let age = try #require(waiting.value("bizqueue_oldest_pending_age_seconds"))
        #expect(age >= 30 && age < 3600, "oldest pending age \(age)")
        #expect(waiting.value("bizqueue_jobs_total", ["outcome": "sent"]) == 0)

        try holder.execute("ROLLBACK")
        #expect(try fixture.waitUntil(seconds: 20) { try fixture.counts()[.sent] == 1 }, "\(fixture.logs.suffix(1500))")
        let sent = try scrape(port)
        #expect(sent.value("bizqueue_jobs_total", ["outcome": "sent"]) == 1)
        #expect(sent.value("bizqueue_send_duration_seconds_count") == 1)
        #expect(sent.value("bizqueue_queue_depth", ["status": "pending"]) == 2)
        #expect(sent.value("bizqueue_oldest_pending_age_seconds") == 0)
    }

    @Test func anUnreachableDatabaseLeavesTheQueueGaugesOutButTheScrapeStands() throws {
        let fixture = try QueueFixture()
        let port = try startWorker(fixture)
        #expect(try scrape(port).value("bizqueue_queue_stats_up") == 1)

        // The worker's sessions are cut and no new one is allowed.
        let admin = try fixture.database.connectAdministrator()
        let name = fixture.database.name
        try admin.query("ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
        defer { _ = try? admin.query("ALTER DATABASE \(name) ALLOW_CONNECTIONS true") }
        try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name])

        let down = try scrape(port)
        #expect(down.value("bizqueue_queue_stats_up") == 0)
        #expect(down.samples("bizqueue_queue_depth").isEmpty)
        #expect(down.samples("bizqueue_oldest_pending_age_seconds").isEmpty)
        #expect(down.value("bizqueue_jobs_total", ["outcome": "sent"]) == 0)
        #expect(fixture.logs.contains("cannot read the queue's depth for metrics"))

        try admin.query("ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
        #expect(fixture.waitUntil(seconds: 10) { (try? scrape(port).value("bizqueue_queue_stats_up")) == 1 })
    }
}
