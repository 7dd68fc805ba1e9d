import BizQueue
import BizTestSupport
import Foundation
import Testing

/// Jobs per second through 1, 2 and 4 `bizqueue work` processes against the fake Twilio,
/// with no reply delay and with 50 ms. A benchmark, not a test: it only runs when
/// `BIZQUEUE_BENCH` is set (see `scripts/bench-queue`), and prints figures.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BIZQUEUE_BENCH"] != nil))
struct QueueThroughputBenchmark {
    @Test(arguments: [(1, 0.0), (2, 0.0), (4, 0.0), (1, 0.05), (2, 0.05), (4, 0.05)])
    func jobsPerSecond(workers: Int, delay: Double) throws {
        let jobs = Int(ProcessInfo.processInfo.environment["BIZQUEUE_BENCH_JOBS"] ?? "") ?? 2_000
        let concurrency = ProcessInfo.processInfo.environment["BIZQUEUE_BENCH_CONCURRENCY"] ?? "2"
        let fixture = try QueueFixture()
        fixture.twilio.setDelay(delay)
        try fixture.insertJobs(jobs, senders: 1_000)
        let started = Date()
        for _ in 0..<workers { try fixture.startWorker(["--concurrency", concurrency, "--rate", "0"]) }
        let done = try fixture.waitUntil(seconds: 600) { try fixture.counts()[.sent] == jobs }
        let elapsed = Date().timeIntervalSince(started)
        #expect(done)
        #expect(Set(fixture.twilio.messages.map(\.body)).count == jobs)
        print(String(
            format: "bizqueue throughput: %d worker(s) x %@ threads, Twilio delay %3.0f ms: %d jobs in %.2f s = %.0f jobs/s",
            workers, concurrency, delay * 1000, jobs, elapsed, Double(jobs) / elapsed))
    }
}
