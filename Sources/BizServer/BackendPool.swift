import BizCore
import BizSystem
import Dispatch
import Synchronization

/// A fixed set of backend worker threads fed from one queue. A worker takes every job
/// waiting (up to `maximumBatch`) at once, so that the misses of many clients share one
/// pipelined Redis round trip.
final class BackendPool: Sendable {
    /// The most jobs one worker takes at a time.
    static let maximumBatch = 256

    private let queue = Mutex(FIFOQueue<BackendJob>())
    private let available = DispatchSemaphore(value: 0)
    private let workerCount: Int

    init(settings: LookupSettings, workers: Int) {
        workerCount = workers
        for number in 0..<workers {
            let name = "backend-\(number)"
            Threads.start(name: name) { [self] in
                let worker = BackendWorker(settings: settings, name: name)
                while true {
                    worker.run(self.nextBatch())
                }
            }
        }
    }

    /// Queues jobs; workers run them and post the replies to each job's mailbox.
    func submit(_ jobs: [BackendJob]) {
        guard !jobs.isEmpty else { return }
        queue.withLock { queue in
            for job in jobs { queue.append(job) }
        }
        for _ in 0..<min(jobs.count, workerCount) { available.signal() }
    }

    /// Waits for work, then takes up to `maximumBatch` jobs. A wake-up that finds the queue
    /// already emptied by another worker just waits again.
    private func nextBatch() -> [BackendJob] {
        while true {
            available.wait()
            let (batch, more) = queue.withLock { queue in
                var batch: [BackendJob] = []
                batch.reserveCapacity(min(queue.count, Self.maximumBatch))
                while batch.count < Self.maximumBatch, let job = queue.popFirst() { batch.append(job) }
                return (batch, !queue.isEmpty)
            }
            if more { available.signal() }
            if !batch.isEmpty { return batch }
        }
    }
}
