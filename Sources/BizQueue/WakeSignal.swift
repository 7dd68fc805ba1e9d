import Foundation

/// Wakes idle sender threads when new jobs arrive, or lets them sleep until a deadline.
final class WakeSignal: @unchecked Sendable {
    // NSCondition is thread-safe; the counter is only touched under it.
    private let condition = NSCondition()
    private var wakeups: UInt64 = 0

    /// Wakes every waiting thread.
    func wakeAll() {
        condition.lock()
        wakeups &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps up to `seconds`, or until `wakeAll()`.
    func wait(seconds: Double) {
        condition.lock()
        let seen = wakeups
        let deadline = Date().addingTimeInterval(max(0, seconds))
        while wakeups == seen, condition.wait(until: deadline) {}
        condition.unlock()
    }
}
