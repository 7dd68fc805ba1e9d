import BizPostgres
import BizQueue
import BizTestSupport
import Foundation
import Glibc
import Testing

/// `bizqueue work` against PostgreSQL and the fake Twilio: every job sent once, failures
/// classified, rates kept, dead workers' jobs recovered.
@Suite struct WorkerTests {
    @Test func tenThousandJobsThroughFourWorkerProcessesAreEachSentExactlyOnce() throws {
        let fixture = try QueueFixture()
        try fixture.insertJobs(10_000, senders: 200)
        let started = Date()
        for _ in 0..<4 { try fixture.startWorker(["--concurrency", "2", "--rate", "0"]) }
        let done = try fixture.waitUntil(seconds: 240) { try fixture.counts()[.sent] == 10_000 }
        let elapsed = Date().timeIntervalSince(started)
        #expect(done, "\(fixture.countsDescription)\n\(fixture.logs.suffix(2000))")
        let messages = fixture.twilio.messages
        #expect(messages.count == 10_000)
        #expect(Set(messages.map(\.body)).count == 10_000, "a text was sent twice")
        let unsent = try fixture.database.connect().query(
            "SELECT count(*)::text AS n FROM sms_queue WHERE twilio_sid IS NULL OR locked_by IS NOT NULL")
        #expect(unsent[0, "n"] == "0")
        print("10,000 jobs through 4 worker processes in \(String(format: "%.1f", elapsed)) s")
        for worker in fixture.workers {
            worker.signal(SIGTERM)
            #expect(worker.wait(seconds: 20) == 0)
        }
    }

    @Test func aPerSenderRateSpreadsABurst() throws {
        let fixture = try QueueFixture()
        try fixture.insertJobs(20, senders: 1)
        try fixture.startWorker(["--concurrency", "4", "--rate", "5"])
        try fixture.startWorker(["--concurrency", "4", "--rate", "5"])
        #expect(try fixture.waitUntil(seconds: 30) { try fixture.counts()[.sent] == 20 })
        let times = fixture.twilio.requests.filter { $0.method == "POST" }.map(\.arrivedAt).sorted()
        #expect(times.count == 20)
        // No faster than 5/s. Slots are taken 200 ms apart when jobs are claimed; a request
        // then reaches the fake after a connection of its own, which on a loaded host adds
        // up to ~150 ms of jitter. So any 6 consecutive requests span at least 1 s less that
        // jitter, and the 20 span at least 3.8 s less it.
        for index in 0..<max(0, times.count - 5) {
            let span = times[index + 5].timeIntervalSince(times[index])
            #expect(span >= 0.8, "requests \(index) to \(index + 5) came within \(span) s")
        }
        if times.count == 20 { #expect(times[19].timeIntervalSince(times[0]) >= 3.6) }
    }

    @Test func aRecipientCooldownSpacesTextsToOneNumber() throws {
        let fixture = try QueueFixture()
        // Three texts to one recipient from three senders, and one to someone else.
        try fixture.database.connect().execute("""
            INSERT INTO sms_queue (to_number, from_number, body) VALUES
                ('+15550209999', '+15550300001', 'first'), ('+15550209999', '+15550300002', 'second'),
                ('+15550209999', '+15550300003', 'third'), ('+15550208888', '+15550300004', 'other');
            """)
        try fixture.startWorker(["--concurrency", "4", "--rate", "0", "--recipient-cooldown", "2s"])
        #expect(try fixture.waitUntil(seconds: 30) { try fixture.counts()[.sent] == 4 }, "\(fixture.countsDescription)")
        let times = fixture.twilio.requests.filter { $0.method == "POST" && $0.form["To"] == "+15550209999" }.map(\.arrivedAt).sorted()
        #expect(times.count == 3)
        for index in 1..<times.count {
            let gap = times[index].timeIntervalSince(times[index - 1])
            #expect(gap >= 1.9, "texts to one recipient \(gap) s apart")
        }
        let other = fixture.twilio.requests.first { $0.form["To"] == "+15550208888" }?.arrivedAt
        #expect(other.map { $0 < times[1] } == true, "the other recipient waited for the cooldown")
    }

    @Test(arguments: [
        (FakeTwilio.Fault.twilioError(code: 21211, message: "The 'To' number is not a valid phone number."), 21211),
        (FakeTwilio.Fault.twilioError(code: 21610, message: "Attempt to send to unsubscribed recipient"), 21610),
        (FakeTwilio.Fault.twilioError(code: 21614, message: "'To' number is not a valid mobile number"), 21614),
        (FakeTwilio.Fault.twilioError(code: 21408, message: "Permission to send an SMS has not been enabled for the region"), 21408),
        (FakeTwilio.Fault.twilioError(code: 21606, message: "The 'From' phone number provided is not a valid message-capable phone number"), 21606),
        (FakeTwilio.Fault.twilioError(code: 21617, message: "The concatenated message body exceeds the 1600 character limit"), 21617),
    ])
    func aPermanentErrorFailsTheJobAtOnce(_ fault: FakeTwilio.Fault, _ code: Int) throws {
        let fixture = try QueueFixture()
        fixture.twilio.inject(fault)
        try fixture.insertJobs(1)
        try fixture.startWorker()
        #expect(try fixture.waitUntil(seconds: 20) { try fixture.counts()[.failed] == 1 })
        let job = try #require(try fixture.store().list(status: .failed, limit: 1).first)
        #expect(job.attempts == 1)
        #expect(job.lastErrorCode == code)
        #expect(fixture.twilio.messages.isEmpty)
    }

    @Test(arguments: [
        FakeTwilio.Fault.serverError(status: 500), .serverError(status: 503), .tooManyRequests(retryAfter: nil),
        .twilioError(code: 21611, message: "This 'From' number has exceeded the maximum number of queued messages"),
        .dropBeforeCreating,
    ])
    func aTransientErrorIsRetriedAndSentOnce(_ fault: FakeTwilio.Fault) throws {
        let fixture = try QueueFixture()
        fixture.twilio.inject(fault)
        try fixture.insertJobs(1)
        try fixture.startWorker()
        #expect(try fixture.waitUntil(seconds: 20) { try fixture.counts()[.sent] == 1 }, "\(fixture.logs.suffix(1500))")
        let job = try #require(try fixture.store().list(status: .sent, limit: 1).first)
        #expect(job.attempts == 2)
        #expect(fixture.twilio.messages.count == 1)
        let posts = fixture.twilio.requests.filter { $0.method == "POST" }.map(\.arrivedAt)
        #expect(posts.count == 2)
        // The first retry waits 1 to 2 s (2 s base, equal jitter).
        if posts.count == 2 { #expect(posts[1].timeIntervalSince(posts[0]) >= 0.9) }
    }

    @Test func retryAfterIsHonouredAndDelaysGrowUntilTheAttemptsRunOut() throws {
        let fixture = try QueueFixture()
        fixture.twilio.inject(.tooManyRequests(retryAfter: 3), .serverError(status: 503), .serverError(status: 503))
        try fixture.insertJobs(1, maxAttempts: 3)
        try fixture.startWorker()
        #expect(try fixture.waitUntil(seconds: 30) { try fixture.counts()[.failed] == 1 }, "\(fixture.logs.suffix(1500))")
        let job = try #require(try fixture.store().list(status: .failed, limit: 1).first)
        #expect(job.attempts == 3)
        #expect(job.lastErrorCode == 20500)
        let posts = fixture.twilio.requests.filter { $0.method == "POST" }.map(\.arrivedAt)
        #expect(posts.count == 3)
        guard posts.count == 3 else { return }
        let first = posts[1].timeIntervalSince(posts[0]), second = posts[2].timeIntervalSince(posts[1])
        #expect(first >= 2.9, "Retry-After: 3 was not honoured: \(first) s")
        #expect(second >= 1.9, "the second retry waits 2 to 4 s: \(second) s")
        #expect(fixture.twilio.messages.isEmpty)
    }

    @Test(arguments: [FakeTwilio.Fault.slowReply(seconds: 3), .dropAfterCreating])
    func anAmbiguousFailureIsLookedUpInsteadOfSentTwice(_ fault: FakeTwilio.Fault) throws {
        let fixture = try QueueFixture()
        fixture.twilio.inject(fault)
        try fixture.insertJobs(1)
        try fixture.startWorker(["--request-timeout", "1s"])
        #expect(try fixture.waitUntil(seconds: 20) { try fixture.counts()[.sent] == 1 }, "\(fixture.logs.suffix(1500))")
        #expect(fixture.twilio.messages.count == 1, "sent twice")
        let job = try #require(try fixture.store().list(status: .sent, limit: 1).first)
        #expect(job.twilioSID == fixture.twilio.messages.first?.sid)
        #expect(fixture.twilio.requests.contains { $0.method == "GET" }, "Twilio was not asked")
    }

    @Test func refusedCredentialsPauseSendingAndFailNoJob() throws {
        let fixture = try QueueFixture()
        let realToken = fixture.twilio.authToken
        let tokenFile = fixture.directory + "/token"
        try "wrong-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try fixture.insertJobs(3)
        var environment = fixture.environment
        environment.removeValue(forKey: "TWILIO_AUTH_TOKEN")
        environment["TWILIO_AUTH_TOKEN_FILE"] = tokenFile
        let worker = try ChildProcess(
            try BuildProducts.path(of: "bizqueue"), ["work"], environment: environment,
            outputPath: fixture.directory + "/auth.log")
        defer {
            worker.signal(SIGKILL)
            worker.wait()
        }
        #expect(fixture.waitUntil(seconds: 10) { worker.output.contains("refused the credentials") })
        usleep(1_000_000)
        #expect(try fixture.counts()[.failed] == 0)
        #expect(try fixture.counts()[.sent] == 0)
        // The operator fixes the token file: sending resumes without a restart.
        try (realToken + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        #expect(try fixture.waitUntil(seconds: 30) { try fixture.counts()[.sent] == 3 }, "\(worker.output.suffix(1500))")
        #expect(try fixture.store().list(status: .sent, limit: 3).allSatisfy { $0.attempts == 1 }, "the refusals counted as attempts")
        #expect(!worker.output.contains(realToken) && !worker.output.contains("wrong-token"), "a token was logged")
    }

    @Test func jobsOfAKilledWorkerAreRecoveredAndSentOnce() throws {
        let fixture = try QueueFixture()
        fixture.twilio.setDelay(0.3)
        try fixture.insertJobs(40, senders: 40)
        let victim = try fixture.startWorker(["--concurrency", "4", "--rate", "0", "--visibility-timeout", "2s"])
        #expect(fixture.waitUntil(seconds: 20) { fixture.twilio.createRequestCount >= 6 })
        victim.signal(SIGKILL)
        victim.wait()
        let stranded = try fixture.counts()[.sending] ?? 0
        try fixture.startWorker(["--concurrency", "4", "--rate", "0", "--visibility-timeout", "2s"])
        #expect(try fixture.waitUntil(seconds: 60) { try fixture.counts()[.sent] == 40 }, "\(fixture.countsDescription)\n\(fixture.logs.suffix(1500))")
        #expect(try fixture.counts()[.sending] == 0)
        let bodies = fixture.twilio.messages.map(\.body)
        #expect(bodies.count == 40, "\(bodies.count) messages for 40 jobs")
        #expect(Set(bodies).count == 40, "a text was sent twice")
        print("killed a worker with \(stranded) jobs in flight; all 40 sent once")
    }

    @Test func sigtermFinishesTheTextInHandAndExitsZero() throws {
        let fixture = try QueueFixture()
        fixture.twilio.setDelay(1)
        try fixture.insertJobs(5, senders: 5)
        let worker = try fixture.startWorker(["--concurrency", "1", "--rate", "0"])
        #expect(fixture.waitUntil(seconds: 10) { fixture.twilio.requests.contains { $0.method == "POST" } || fixture.twilio.createRequestCount > 0 })
        worker.signal(SIGTERM)
        #expect(worker.wait(seconds: 20) == 0)
        let counts = try fixture.counts()
        #expect(counts[.sending] == 0, "a job was left in flight")
        #expect((counts[.sent] ?? 0) >= 1 && (counts[.sent] ?? 0) + (counts[.pending] ?? 0) == 5)
    }
}
