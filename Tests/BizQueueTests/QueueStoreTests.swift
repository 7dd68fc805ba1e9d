import BizPostgres
import BizQueue
import BizTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing

/// `sms_queue` against a real PostgreSQL: submitting, claiming, pacing, finishing, recovering.
@Suite struct QueueStoreTests {
    private let database: PostgresTestDatabase

    init() throws {
        database = try PostgresTestDatabase()
        try database.applyMigrations()
    }

    private func store() throws -> QueueStore { QueueStore(connection: try database.connect()) }

    private static func job(_ to: String = "+15550001111", from: String? = "+15550002222", body: String = "hello", key: String? = nil) -> NewJob {
        NewJob(toNumber: to, fromNumber: from, messagingServiceSID: from == nil ? "MG" + String(repeating: "a", count: 32) : nil,
               body: body, idempotencyKey: key)
    }

    private static func noPacing(_ job: QueuedJob) -> [(key: String, interval: Double)] { [] }

    @Test func enqueueReturnsNewIdsAndAnIdempotencyKeyReturnsTheFirstJob() throws {
        let queue = try store()
        let first = try queue.enqueue(Self.job(key: "order-1"))
        let second = try queue.enqueue(Self.job(body: "different", key: "order-1"))
        let other = try queue.enqueue(Self.job(key: "order-2"))
        #expect(first.inserted && !second.inserted && other.inserted)
        #expect(second.id == first.id)
        #expect(other.id != first.id)
        #expect(try queue.status().counts[.pending] == 2)
    }

    @Test func concurrentSubmissionsOfOneKeyMakeOneRow() throws {
        let ids = Mutex<[Int64]>([])
        let errors = Mutex<[String]>([])
        let connectionString = database.connectionString
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            do {
                let queue = QueueStore(connection: try PostgresConnection(connectionString: connectionString))
                let (id, _) = try queue.enqueue(Self.job(key: "same-key"))
                ids.withLock { $0.append(id) }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        #expect(Set(ids.withLock { $0 }).count == 1)
        #expect(try store().status().counts[.pending] == 1)
    }

    @Test func theTableRefusesWhatTheCLIWouldRefuse() throws {
        let queue = try store()
        let bad: [NewJob] = [
            Self.job("5550001111"),
            Self.job(body: ""),
            Self.job(body: String(repeating: "x", count: 1601)),
            NewJob(toNumber: "+15550001111", fromNumber: "+15550002222", messagingServiceSID: "MG" + String(repeating: "b", count: 32), body: "two senders"),
            NewJob(toNumber: "+15550001111", fromNumber: nil, messagingServiceSID: nil, body: "no sender"),
        ]
        for job in bad {
            #expect(throws: PostgresError.self) { try queue.enqueue(job) }
        }
        #expect(try queue.status().counts[.pending] == 0)
    }

    @Test func claimsTakeTheOldestDueJobAndTwoWorkersNeverTakeTheSameOne() throws {
        let queue = try store()
        for number in 0..<50 { _ = try queue.enqueue(Self.job(body: "job \(number)")) }
        _ = try queue.enqueue(NewJob(toNumber: "+15550001111", fromNumber: "+15550002222", messagingServiceSID: nil, body: "later", runAt: "2999-01-01T00:00:00Z"))
        let claimed = Mutex<[Int64]>([])
        let connectionString = database.connectionString
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            guard let connection = try? PostgresConnection(connectionString: connectionString) else { return }
            let queue = QueueStore(connection: connection)
            while case .claimed(let job)? = try? queue.claimNext(workerID: "w\(worker)", pacing: Self.noPacing) {
                claimed.withLock { $0.append(job.id) }
                #expect(job.status == .sending && job.attempts == 1)
            }
        }
        let ids = claimed.withLock { $0 }
        #expect(ids.count == 50)
        #expect(Set(ids).count == 50)
        #expect(try queue.status().counts[.sending] == 50)
        #expect(try queue.claimNext(workerID: "w", pacing: Self.noPacing) == QueueStore.Claim.none)
    }

    @Test func pacingDefersASecondJobOfTheSameSenderToItsSlot() throws {
        let queue = try store()
        _ = try queue.enqueue(Self.job(body: "one"))
        _ = try queue.enqueue(Self.job(body: "two"))
        _ = try queue.enqueue(Self.job(from: "+15550003333", body: "other sender"))
        let pacing: (QueuedJob) -> [(key: String, interval: Double)] = { [("sender:" + $0.senderKey, 2.0)] }
        guard case .claimed(let first) = try queue.claimNext(workerID: "w", pacing: pacing) else {
            Issue.record("nothing claimed")
            return
        }
        #expect(first.body == "one")
        #expect(try queue.claimNext(workerID: "w", pacing: pacing) == .deferred)
        guard case .claimed(let other) = try queue.claimNext(workerID: "w", pacing: pacing) else {
            Issue.record("the other sender was held up")
            return
        }
        #expect(other.body == "other sender")
        #expect(try queue.claimNext(workerID: "w", pacing: pacing) == QueueStore.Claim.none)
        let wait = try #require(try queue.secondsUntilNextDue())
        #expect(wait > 1.5 && wait <= 2.0, "the deferred job waits for its sender's slot: \(wait)")
    }

    @Test func finishingNeedsTheLockAndAbandonedJobsComeBackMarkedMaybeSent() throws {
        let queue = try store()
        let (id, _) = try queue.enqueue(Self.job())
        guard case .claimed = try queue.claimNext(workerID: "dead", pacing: Self.noPacing) else {
            Issue.record("nothing claimed")
            return
        }
        #expect(try queue.recoverAbandoned(visibilityTimeout: 60) == [])
        try queue.connection.query("UPDATE sms_queue SET locked_at = now() - interval '2 minutes' WHERE id = $1", [String(id)])
        #expect(try queue.recoverAbandoned(visibilityTimeout: 60) == [id])
        // The dead worker can no longer finish it.
        #expect(try !queue.markSent(id, workerID: "dead", twilioSID: "SM1"))
        guard case .claimed(let again) = try queue.claimNext(workerID: "alive", pacing: Self.noPacing) else {
            Issue.record("the recovered job was not claimable")
            return
        }
        #expect(again.maybeSent && again.attempts == 2)
        #expect(try queue.markSent(id, workerID: "alive", twilioSID: "SM2"))
        #expect(try queue.job(id)?.status == .sent)
        #expect(try queue.job(id)?.twilioSID == "SM2")
    }

    @Test func rescheduleFailRetryCancelAndPrune() throws {
        let queue = try store()
        let (a, _) = try queue.enqueue(Self.job(body: "a"))
        let (b, _) = try queue.enqueue(Self.job(body: "b"))
        let (c, _) = try queue.enqueue(Self.job(body: "c"))
        guard case .claimed(let first) = try queue.claimNext(workerID: "w", pacing: Self.noPacing) else { return }
        #expect(first.id == a)
        #expect(try queue.reschedule(a, workerID: "w", delay: 30, error: "busy", code: 20429, maybeSent: false))
        #expect(try queue.job(a)?.status == .pending)
        #expect(try queue.job(a)?.lastErrorCode == 20429)
        guard case .claimed(let second) = try queue.claimNext(workerID: "w", pacing: Self.noPacing) else { return }
        #expect(second.id == b)
        #expect(try queue.markFailed(b, workerID: "w", error: "invalid To", code: 21211))
        #expect(try queue.list(status: .failed, limit: 10).map(\.id) == [b])
        #expect(try queue.retry(b))
        #expect(try !queue.retry(b), "only a failed job can be retried")
        #expect(try queue.job(b)?.attempts == 0)
        #expect(try queue.cancel(c))
        #expect(try !queue.cancel(c))
        #expect(try queue.prune(olderThan: 3600) == 0)
        // Back-date the row (the updated_at trigger would undo a plain UPDATE).
        try queue.connection.execute("""
            SET session_replication_role = replica;
            UPDATE sms_queue SET updated_at = now() - interval '2 hours' WHERE status = 'cancelled';
            RESET session_replication_role;
            """)
        #expect(try queue.prune(olderThan: 3600, batch: 1) == 1)
        #expect(try queue.job(c) == nil)
        let status = try queue.status()
        #expect(status.counts[.pending] == 2)
        #expect(status.counts[.cancelled] == 0)
    }

    @Test func depthCountsUnfinishedJobsAndAgesTheOldestDueOne() throws {
        let queue = try store()
        #expect(try queue.depth() == QueueDepth(pending: 0, sending: 0, oldestPendingAge: 0))
        try database.connect().execute("""
            INSERT INTO sms_queue (to_number, from_number, body, run_at, status, locked_by, locked_at) VALUES
                ('+15550001111', '+15550002222', 'due', now() - interval '90 seconds', 'pending', NULL, NULL),
                ('+15550001111', '+15550002222', 'later', now() + interval '1 hour', 'pending', NULL, NULL),
                ('+15550001111', '+15550002222', 'in hand', now(), 'sending', 'w', now()),
                ('+15550001111', '+15550002222', 'done', now() - interval '1 day', 'sent', NULL, NULL);
            """)
        // With a time limit, as the metrics probe uses it.
        let connection = try database.connect()
        connection.timeLimit = .seconds(2)
        let depth = try QueueStore(connection: connection).depth()
        #expect(depth.pending == 2)
        #expect(depth.sending == 1)
        #expect(depth.oldestPendingAge >= 90 && depth.oldestPendingAge < 3600, "\(depth)")
        #expect(try QueueStore(connection: connection).depth().pending == 2)  // prepared once, run again
    }

    @Test func anInsertNotifiesWaitingWorkers() throws {
        let listener = try database.connect()
        try listener.listen("sms_queue")
        _ = try store().enqueue(Self.job())
        var received: [PostgresNotification] = []
        for _ in 0..<100 where received.isEmpty {
            received = try listener.notifications()
            if received.isEmpty { usleep(20_000) }
        }
        #expect(received.map(\.channel) == ["sms_queue"])
    }
}
