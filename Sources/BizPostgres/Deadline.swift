#if canImport(Glibc)
import Glibc
#endif

/// A moment on the monotonic clock by which a wait for the server must end.
struct Deadline {
    private let end: UInt64

    init(after duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
        end = Self.now() &+ nanoseconds
    }

    /// Waits until `descriptor` has one of `events` (or an error), or the deadline passes.
    /// Returns false when the deadline passed first.
    func wait(for events: Int16, on descriptor: Int32) -> Bool {
        while true {
            let now = Self.now()
            guard now < end else { return false }
            // Round up, so that a wait never spins with a zero timeout.
            let milliseconds = Int32(clamping: (end - now + 999_999) / 1_000_000)
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }  // let libpq report the error
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
