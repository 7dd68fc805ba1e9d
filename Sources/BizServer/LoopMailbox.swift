import BizSystem
import Synchronization

/// A backend's answer to one request of one connection.
struct BackendCompletion: Sendable {
    /// Which connection asked (its loop-unique id, not its descriptor, which may be reused).
    let connectionID: UInt64
    /// The request's position in that connection's reply order.
    let sequence: UInt64
    /// The encoded reply line.
    let reply: [UInt8]
}

/// The thread-safe way into an event loop: other threads post completions and requests
/// here, and the loop's eventfd wakes it to collect them.
final class LoopMailbox: Sendable {
    /// Messages a loop accepts from other threads.
    enum Message: Sendable {
        case completed(BackendCompletion)
        /// Stop accepting, answer what is in flight, close connections, then exit the loop.
        case drain
    }

    let notifier: EventNotifier
    private let messages = Mutex<[Message]>([])

    init() throws(SystemCallError) {
        notifier = try EventNotifier()
    }

    func post(_ message: Message) {
        post([message])
    }

    /// Posts several messages with one lock and at most one wake-up.
    func post(_ batch: [Message]) {
        guard !batch.isEmpty else { return }
        let wasEmpty = messages.withLock { queue in
            let wasEmpty = queue.isEmpty
            queue.append(contentsOf: batch)
            return wasEmpty
        }
        if wasEmpty { notifier.signal() }
    }

    /// Takes every waiting message.
    func collect() -> [Message] {
        notifier.drain()
        return messages.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
}
