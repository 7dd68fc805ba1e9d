import BizCore
import BizSystem
import Dispatch
import Synchronization

/// A fixed set of backend worker threads fed from one queue.
final class BackendPool: Sendable {
    private let queue = Mutex(FIFOQueue<BackendJob>())
    private let available = DispatchSemaphore(value: 0)

    init(settings: LookupSettings, workers: Int) {
        for number in 0..<workers {
            let name = "backend-\(number)"
            Threads.start(name: name) { [self] in
                let worker = BackendWorker(settings: settings, name: name)
                while true {
                    worker.run(self.next())
                }
            }
        }
    }

    /// Queues a job; a worker runs it and posts the reply to the job's mailbox.
    func submit(_ job: BackendJob) {
        queue.withLock { $0.append(job) }
        available.signal()
    }

    /// Jobs queued and not yet taken by a worker.
    var backlog: Int { queue.withLock { $0.count } }

    private func next() -> BackendJob {
        while true {
            available.wait()
            if let job = queue.withLock({ $0.popFirst() }) { return job }
        }
    }
}
