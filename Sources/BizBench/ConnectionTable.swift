import BizSystem

/// One connection of a load run: its socket, the bytes received and not yet parsed, the
/// bytes queued and not yet sent, and the requests awaiting replies.
struct ConnectionState: ~Copyable {
    let descriptor: Int32
    /// Its position in the run, for messages.
    let number: Int
    var input: ByteBuffer
    var output: ByteBuffer
    var pending: PendingRequests
    var isOpen = true
    /// Whether epoll also reports writability (only while bytes wait to be sent).
    var watchesWritable = false

    init(descriptor: Int32, number: Int, pipeline: Int, requestLength: Int) {
        self.descriptor = descriptor
        self.number = number
        input = ByteBuffer(capacity: LoadLoop.readChunk * 2)
        output = ByteBuffer(capacity: Swift.max(4096, pipeline * requestLength * 2))
        pending = PendingRequests(capacity: pipeline)
    }
}

/// The connections of a run in one block of memory, reached by slot through a pointer, so
/// the hot path pays no reference counting and no dynamic exclusivity checks. Closes the
/// sockets still open when it goes away.
final class ConnectionTable {
    private let base: UnsafeMutablePointer<ConnectionState>
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: Swift.max(capacity, 1))
    }

    deinit {
        for slot in 0..<count where base[slot].isOpen {
            FileDescriptor.close(base[slot].descriptor)
        }
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Adds a connection in the next slot.
    func append(_ state: consuming ConnectionState) {
        precondition(count < capacity, "connection table full")
        (base + count).initialize(to: state)
        count += 1
    }

    /// The state of the connection in `slot`.
    @inline(__always)
    func state(_ slot: Int) -> UnsafeMutablePointer<ConnectionState> {
        base + slot
    }
}
