import CLinux
import Glibc

/// An eventfd that one thread signals to wake another thread's epoll wait.
public final class EventNotifier: Sendable {
    /// The descriptor to register for readability.
    public let descriptor: Int32

    public init() throws(SystemCallError) {
        descriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard descriptor >= 0 else { throw SystemCallError("eventfd") }
    }

    deinit { Glibc.close(descriptor) }

    /// Wakes the waiting thread; cheap to call many times.
    public func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(descriptor, &one, 8)
    }

    /// Resets the notifier after a wake-up.
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(descriptor, &value, 8)
    }
}
