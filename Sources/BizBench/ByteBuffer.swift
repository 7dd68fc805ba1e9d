/// A growable byte buffer with a read and a write index, owned by one connection: bytes
/// received and not yet parsed, or bytes queued and not yet sent.
///
/// It owns raw memory (no copy-on-write, no bounds checks in the hot path), so it cannot be
/// copied.
struct ByteBuffer: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var readIndex = 0
    private(set) var writeIndex = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Bytes written and not yet consumed.
    @inline(__always) var readableCount: Int { writeIndex &- readIndex }
    /// The bytes written and not yet consumed.
    @inline(__always) var readable: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + readIndex, count: writeIndex &- readIndex)
    }
    /// Room after the written bytes.
    @inline(__always) var writableCount: Int { capacity &- writeIndex }
    /// Where the next bytes go.
    @inline(__always) var writePointer: UnsafeMutableRawPointer { base + writeIndex }

    /// Makes room for at least `count` more bytes: first by moving the unread bytes to the
    /// front, then by growing.
    mutating func reserve(_ count: Int) {
        if writableCount >= count { return }
        if readIndex > 0 {
            let unread = readableCount
            if unread > 0 { base.copyMemory(from: base + readIndex, byteCount: unread) }
            readIndex = 0
            writeIndex = unread
            if writableCount >= count { return }
        }
        var newCapacity = capacity * 2
        while newCapacity - writeIndex < count { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: writeIndex)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Records that `count` bytes were written at `writePointer`.
    @inline(__always) mutating func didWrite(_ count: Int) {
        writeIndex &+= count
    }

    /// Appends `count` bytes from `source`.
    @inline(__always) mutating func append(_ source: UnsafeRawPointer, count: Int) {
        if writableCount < count { reserve(count) }
        (base + writeIndex).copyMemory(from: source, byteCount: count)
        writeIndex &+= count
    }

    /// Appends bytes.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0.baseAddress!, count: $0.count) }
    }

    /// Drops `count` bytes from the front; when nothing is left both indices go back to 0.
    @inline(__always) mutating func consume(_ count: Int) {
        readIndex &+= count
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    /// Drops everything.
    mutating func clear() {
        readIndex = 0
        writeIndex = 0
    }
}
