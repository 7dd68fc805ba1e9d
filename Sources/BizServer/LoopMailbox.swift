import BizCore
import BizSystem
import Synchronization

/// A value a backend worker found in PostgreSQL, for the loop that led the lookup to
/// write to Redis on its own link (where the write does not invalidate its own tracking).
struct RedisFill: Sendable {
    let phone: PhoneNumber
    /// The number's generation when the lookup began; a later one means the value may be
    /// old, and the key is deleted again after the write.
    let generation: UInt64
    /// The business JSON, or `LookupSettings.notFoundMarker`.
    let value: [UInt8]
    let isNegative: Bool
}

/// The thread-safe way into an event loop: other threads post completions and requests
/// here, and the loop's eventfd wakes it to collect them.
final class LoopMailbox: Sendable {
    /// Messages a loop accepts from other threads.
    enum Message: Sendable {
        /// The reply to one request.
        case completed(ReplyAddress, [UInt8])
        /// Write a value read from PostgreSQL to Redis.
        case fill(RedisFill)
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
