import BizCore

/// One client of an event loop: its unread bytes, its unsent replies, and the replies it
/// still waits for from the backend, kept in request order.
///
/// Confined to its event loop's thread. Replies are numbered in the order the requests
/// arrived; a reply that is ready while an earlier one is still with the backend waits
/// in `held` until everything before it has been written.
final class ClientConnection {
    /// A reply in request order: nil while the backend is still working on it.
    private struct Held {
        let sequence: UInt64
        var reply: [UInt8]?
    }

    let descriptor: Int32
    /// Unique within the loop, unlike the descriptor, which the kernel reuses.
    let id: UInt64
    var input: LineBuffer
    private(set) var output: [UInt8] = []
    private var outputOffset = 0
    private var held = FIFOQueue<Held>()
    private var nextSequence: UInt64 = 0

    /// No more requests are read (the peer closed its side, sent QUIT or an over-long line,
    /// or the server is shutting down).
    var isReadingStopped = false
    /// Close once every reply has been written.
    var closesWhenDone = false
    /// Reading paused because the client is not reading its replies fast enough.
    var isReadPaused = false
    /// The epoll interest currently registered.
    var registeredInterest: UInt32 = 0
    /// When the unfinished request line now in `input` began (loop clock), so that a
    /// client cannot hold a line open by sending it a byte at a time.
    var partialLineSince: UInt64 = 0

    init(descriptor: Int32, id: UInt64, maximumLineLength: Int) {
        self.descriptor = descriptor
        self.id = id
        self.input = LineBuffer(maximumLineLength: maximumLineLength)
    }

    /// Bytes written to `output` and not yet sent.
    var unsentByteCount: Int { output.count - outputOffset }

    /// Replies still with the backend, or held behind one that is.
    var heldCount: Int { held.count }

    /// Whether every reply has been sent and none is outstanding.
    var isIdle: Bool { held.isEmpty && unsentByteCount == 0 }

    /// Queues a reply that is ready now.
    func send(_ reply: [UInt8]) {
        if held.isEmpty {
            output += reply
        } else {
            held.append(Held(sequence: nextSequence, reply: reply))
            nextSequence &+= 1
        }
    }

    /// Reserves the next place in reply order for an answer the backend will give.
    func reserveReply() -> UInt64 {
        defer { nextSequence &+= 1 }
        held.append(Held(sequence: nextSequence, reply: nil))
        return nextSequence
    }

    /// Fills a reserved place, then moves every reply that is now in order to `output`.
    func complete(sequence: UInt64, reply: [UInt8]) {
        guard let first = held.first, sequence >= first.sequence, sequence - first.sequence < UInt64(held.count)
        else { return }
        held[Int(sequence - first.sequence)].reply = reply
        while let next = held.first, let ready = next.reply {
            output += ready
            _ = held.popFirst()
        }
    }

    /// Calls `write` with the unsent bytes; it returns how many it sent (0 when the socket is full).
    func drainOutput(_ write: (UnsafeRawBufferPointer) -> Int) {
        while outputOffset < output.count {
            let sent = output.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[outputOffset...])) }
            guard sent > 0 else { return }
            outputOffset += sent
        }
        // All sent: reuse the buffer, but do not keep a huge one around for an idle client.
        if output.capacity > 1 << 20 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
    }
}
