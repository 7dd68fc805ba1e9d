import BizCore
import BizPostgres
import BizSystem
import BizTwilio
import Foundation
import Synchronization

/// `bizqueue work`: sender threads that claim jobs from `sms_queue` and send them through
/// Twilio, and a listener thread that wakes them when jobs are inserted and takes jobs
/// back from workers that died.
///
/// Each claim is committed before Twilio is asked; each outcome is written afterwards,
/// and only while this worker still holds the job.
public final class QueueWorker: Sendable {
    private let settings: WorkerSettings
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let credentials: CredentialGate
    private let finished = DispatchGroup()
    /// Attempts by outcome and send latency, for `metricsText()`.
    public let metrics = WorkerMetrics(startTime: Date().timeIntervalSince1970)
    private let depthProbe: QueueDepthProbe

    public init(settings: WorkerSettings) {
        self.settings = settings
        self.credentials = CredentialGate(readToken: settings.authToken)
        self.depthProbe = QueueDepthProbe(databaseURL: settings.databaseURL)
    }

    /// The worker's metrics in Prometheus's text format, the queue's depth read from
    /// PostgreSQL now (left out, with `bizqueue_queue_stats_up` 0, when it does not answer
    /// within a couple of seconds).
    public func metricsText() -> String {
        PrometheusText.encode(metrics.families(depth: depthProbe.read(), sendingPaused: credentials.secondsPaused > 0))
    }

    /// Starts the threads; returns at once.
    public func start() {
        for number in 0..<settings.concurrency {
            finished.enter()
            Threads.start(name: "sender-\(number)") { [self] in
                var sender = SenderLoop(worker: self, name: "\(settings.workerName)/\(number)")
                sender.run()
                finished.leave()
            }
        }
        finished.enter()
        Threads.start(name: "queue-listener") { [self] in
            listen()
            finished.leave()
        }
        Log.info("worker started", [
            "worker": settings.workerName, "concurrency": String(settings.concurrency),
            "poll_interval": String(settings.pollInterval), "visibility_timeout": String(settings.visibilityTimeout),
        ])
    }

    /// Stops claiming; jobs being sent are finished. Returns at once; see `waitUntilStopped`.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.wakeAll()
    }

    /// Blocks until every thread has finished its job in hand.
    public func waitUntilStopped() { finished.wait() }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    // MARK: Listening

    /// Wakes the senders on `NOTIFY sms_queue` (and every poll interval), and every few
    /// seconds puts abandoned jobs back.
    private func listen() {
        var connection: PostgresConnection?
        var lastRecovery = Date.distantPast
        while !isStopping {
            if connection == nil {
                do {
                    let opened = try PostgresConnection(connectionString: settings.databaseURL)
                    try opened.listen("sms_queue")
                    connection = opened
                    wake.wakeAll()  // something may have been inserted while not listening
                } catch {
                    Log.warning("queue listener cannot reach postgres", ["error": error.description])
                    sleepUnlessStopping(seconds: 1)
                    continue
                }
            }
            guard let listening = connection else { continue }
            if Date().timeIntervalSince(lastRecovery) >= min(5, settings.visibilityTimeout / 2) {
                lastRecovery = Date()
                do {
                    let recovered = try QueueStore(connection: listening).recoverAbandoned(visibilityTimeout: settings.visibilityTimeout)
                    if !recovered.isEmpty {
                        Log.warning("took back jobs from a worker that stopped answering", ["jobs": String(recovered.count)])
                        wake.wakeAll()
                    }
                } catch {
                    connection = nil
                    continue
                }
            }
            var descriptor = pollfd(fd: listening.socketDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 1000)
            do {
                if !(try listening.notifications()).isEmpty { wake.wakeAll() }
            } catch {
                Log.warning("queue listener lost postgres", ["error": error.description])
                connection = nil
            }
        }
        wake.wakeAll()
    }

    private func sleepUnlessStopping(seconds: Double) {
        if !isStopping { wake.wait(seconds: seconds) }
    }

    // MARK: One sender thread

    /// One thread's connection, client and loop.
    private struct SenderLoop {
        let worker: QueueWorker
        let name: String
        var store: QueueStore?
        var client: (TwilioClient, generation: Int)?
        var random = SystemRandomNumberGenerator()

        init(worker: QueueWorker, name: String) {
            self.worker = worker
            self.name = name
        }

        var settings: WorkerSettings { worker.settings }

        mutating func run() {
            while !worker.isStopping {
                let paused = worker.credentials.secondsPaused
                if paused > 0 {
                    worker.sleepUnlessStopping(seconds: min(paused, 1))
                    continue
                }
                guard let store = connectedStore() else {
                    worker.sleepUnlessStopping(seconds: 1)
                    continue
                }
                do {
                    switch try store.claimNext(workerID: name, pacing: { job in
                        settings.pacing.rules(sender: job.senderKey, recipient: job.toNumber)
                    }) {
                    case .claimed(let job):
                        process(job, in: store)
                    case .deferred:
                        continue
                    case .none:
                        // Due now but nothing claimable: the due jobs are being claimed by
                        // other workers, so look again shortly rather than spinning.
                        let due = try store.secondsUntilNextDue() ?? settings.pollInterval
                        worker.sleepUnlessStopping(seconds: min(max(due, 0.05), settings.pollInterval))
                    }
                } catch {
                    Log.warning("queue unavailable", ["worker": name, "error": error.description])
                    if error.isConnectionProblem { self.store = nil }
                    worker.sleepUnlessStopping(seconds: 1)
                }
            }
        }

        mutating func connectedStore() -> QueueStore? {
            if let store { return store }
            do {
                store = QueueStore(connection: try PostgresConnection(connectionString: settings.databaseURL))
            } catch {
                Log.warning("queue unavailable", ["worker": name, "error": error.description])
            }
            return store
        }

        mutating func twilio() -> (TwilioClient, generation: Int)? {
            guard let (token, generation) = worker.credentials.credentials() else { return nil }
            if let client, client.generation == generation { return client }
            let made = TwilioClient(
                credentials: TwilioCredentials(accountSID: settings.accountSID, authToken: token),
                apiBase: settings.apiBase, timeout: .milliseconds(Int64(settings.requestTimeout * 1000)))
            client = (made, generation)
            return client
        }

        /// Sends one claimed job and records the outcome.
        mutating func process(_ job: QueuedJob, in store: QueueStore) {
            let name = self.name
            let message: OutboundSMS
            do {
                message = try OutboundSMS(
                    to: job.toNumber, from: job.fromNumber, messagingServiceSID: job.messagingServiceSID, body: job.body)
            } catch {
                worker.metrics.record(.failed)
                record { () throws(PostgresError) in
                    try store.markFailed(job.id, workerID: name, error: "invalid job: \(error)", code: nil)
                }
                return
            }
            guard let (client, generation) = twilio() else {
                worker.metrics.record(.paused)
                record { () throws(PostgresError) in
                    try store.reschedule(job.id, workerID: name, delay: 0, error: "no credentials", code: nil, maybeSent: false, countAttempt: false)
                }
                return
            }
            do {
                if job.maybeSent, let earlier = try client.sentMessage(matching: message, since: job.createdAt) {
                    Log.info("found an earlier attempt at twilio; not sending again", ["job": String(job.id), "sid": earlier.sid])
                    worker.metrics.record(.alreadySent)
                    record { () throws(PostgresError) in try store.markSent(job.id, workerID: name, twilioSID: earlier.sid) }
                    return
                }
                let sent = try worker.metrics.timingSend { () throws(TwilioError) in try client.send(message) }
                worker.credentials.accepted()
                worker.metrics.record(.sent)
                record { () throws(PostgresError) in try store.markSent(job.id, workerID: name, twilioSID: sent.sid) }
                Log.debug("sent", ["job": String(job.id), "to": message.to.masked, "sid": sent.sid])
            } catch {
                failed(job, error, generation: generation, in: store)
            }
        }

        mutating func failed(_ job: QueuedJob, _ error: TwilioError, generation: Int, in store: QueueStore) {
            let name = self.name
            let code = error.twilioCode
            switch error.failureKind {
            case .authentication:
                worker.metrics.record(.paused)
                worker.credentials.refused(generation: generation, detail: error.description)
                record { () throws(PostgresError) in
                    try store.reschedule(job.id, workerID: name, delay: 0, error: error.description, code: code, maybeSent: false, countAttempt: false)
                }
            case .permanent:
                Log.warning("twilio refused a text; failed", ["job": String(job.id), "error": error.description])
                worker.metrics.record(.failed)
                record { () throws(PostgresError) in try store.markFailed(job.id, workerID: name, error: error.description, code: code) }
            case .transient, .ambiguous:
                let maybeSent = error.failureKind == .ambiguous
                let retryAfter: Duration? = if case .transient(let wait) = error.failureKind { wait } else { nil }
                if settings.retry.shouldRetry(attempts: job.attempts, maxAttempts: job.maxAttempts) {
                    let delay = settings.retry.delay(afterAttempt: job.attempts, retryAfter: retryAfter, using: &random)
                    worker.metrics.record(maybeSent ? .maybeSent : .retried)
                    Log.info("send failed; will retry", [
                        "job": String(job.id), "attempt": String(job.attempts), "in_seconds": String(delay.seconds),
                        "error": error.description,
                    ])
                    record { () throws(PostgresError) in
                        try store.reschedule(job.id, workerID: name, delay: delay.seconds, error: error.description, code: code, maybeSent: maybeSent)
                    }
                } else {
                    Log.warning("send failed; no attempts left", [
                        "job": String(job.id), "attempt": String(job.attempts), "error": error.description,
                    ])
                    worker.metrics.record(.failed)
                    record { () throws(PostgresError) in try store.markFailed(job.id, workerID: name, error: error.description, code: code) }
                }
            }
        }

        /// Writes an outcome; when PostgreSQL fails here the job stays `sending` and comes
        /// back after the visibility timeout (marked maybe sent), so nothing is lost.
        mutating func record(_ write: () throws(PostgresError) -> Bool) {
            do {
                if try !write() {
                    Log.warning("a job was taken back before its outcome was recorded", ["worker": name])
                }
            } catch {
                Log.error("cannot record a job's outcome; it will be looked up after the visibility timeout", [
                    "worker": name, "error": error.description,
                ])
                if error.isConnectionProblem { store = nil }
            }
        }
    }
}
