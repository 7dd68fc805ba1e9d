/// The requests a connection has sent and not yet had answered, oldest first: for each, the
/// phone index (to check the answer) and the time it was handed to `send` (for its latency).
///
/// A fixed ring of a power-of-two capacity; push and pop are a store and an index step. Each
/// entry keeps its key and time side by side, one cache line fetch for both.
struct PendingRequests: ~Copyable {
    /// Entry `i`: the send time at `2i`, the key at `2i + 1`.
    private let entries: UnsafeMutablePointer<UInt64>
    private let mask: Int
    private var head = 0
    private(set) var count = 0

    /// A ring for at least `capacity` requests.
    init(capacity: Int) {
        var size = 1
        while size < capacity { size <<= 1 }
        mask = size - 1
        entries = .allocate(capacity: 2 * size)
    }

    deinit { entries.deallocate() }

    var capacity: Int { mask + 1 }

    /// Records a request sent at `time` (the caller keeps `count` below `capacity`).
    @inline(__always) mutating func push(key: Int, time: UInt64) {
        precondition(count <= mask, "more requests outstanding than the pipeline allows")
        let slot = (head &+ count) & mask
        entries[2 &* slot] = time
        entries[2 &* slot &+ 1] = UInt64(truncatingIfNeeded: key)
        count &+= 1
    }

    /// Takes the oldest request, or nil when none is outstanding.
    @inline(__always) mutating func popFirst() -> (key: Int, time: UInt64)? {
        guard count > 0 else { return nil }
        let slot = head
        head = (head &+ 1) & mask
        count &-= 1
        return (Int(truncatingIfNeeded: entries[2 &* slot &+ 1]), entries[2 &* slot])
    }

    /// Forgets every outstanding request.
    mutating func removeAll() {
        head = 0
        count = 0
    }
}
