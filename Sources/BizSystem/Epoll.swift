import CLinux
import Glibc

/// An epoll instance: the readiness multiplexer each event loop waits on.
///
/// Not thread-safe for `wait`; `add`, `modify` and `remove` may be called from the loop's
/// own thread only, which is how the server uses it.
public final class Epoll {
    /// Readiness of one registered descriptor.
    public struct Event {
        public let descriptor: Int32
        public let isReadable: Bool
        public let isWritable: Bool
        /// The peer hung up or the descriptor is in error.
        public let isClosed: Bool
    }

    /// Which readiness to wait for.
    public struct Interest: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Interest(rawValue: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
        /// Readable, waking only one of the loops that share the descriptor (the listener).
        public static let exclusivelyReadable = Interest(rawValue: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
    }

    private let descriptor: Int32
    private var buffer: [epoll_event]

    public init(maximumEvents: Int = 256) throws(SystemCallError) {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard descriptor >= 0 else { throw SystemCallError("epoll_create1") }
        buffer = Array(repeating: epoll_event(), count: maximumEvents)
    }

    deinit { Glibc.close(descriptor) }

    public func add(_ fd: Int32, interest: Interest) throws(SystemCallError) {
        try control(EPOLL_CTL_ADD, fd, interest, "epoll_ctl(ADD)")
    }

    public func modify(_ fd: Int32, interest: Interest) throws(SystemCallError) {
        try control(EPOLL_CTL_MOD, fd, interest, "epoll_ctl(MOD)")
    }

    /// Stops watching `fd` (closing it does the same).
    public func remove(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` for each ready descriptor.
    public func wait(timeoutMilliseconds: Int32, _ body: (Event) -> Void) {
        let count = buffer.withUnsafeMutableBufferPointer {
            epoll_wait(descriptor, $0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        guard count > 0 else { return }
        for slot in 0..<Int(count) {
            let raw = buffer[slot]
            let flags = raw.events
            body(
                Event(
                    descriptor: raw.data.fd,
                    isReadable: flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0,
                    isWritable: flags & EPOLLOUT.rawValue != 0,
                    isClosed: flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0))
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, _ interest: Interest, _ name: String) throws(SystemCallError) {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = fd
        guard epoll_ctl(descriptor, operation, fd, &event) == 0 else { throw SystemCallError(name) }
    }
}
