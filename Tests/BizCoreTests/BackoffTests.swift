import BizCore
import Testing

@Suite struct BackoffTests {
    /// The first time at which an attempt is due, found by bisection on `isDue`.
    private func dueAt(_ backoff: Backoff) -> UInt64 {
        if backoff.isDue(now: 0) { return 0 }
        var low: UInt64 = 0  // not due
        var high = UInt64.max
        if !backoff.isDue(now: high) { return high }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if backoff.isDue(now: middle) { high = middle } else { low = middle }
        }
        return high
    }

    @Test("Defaults: 100 ms doubling up to 5 s")
    func defaults() {
        let backoff = Backoff()
        #expect(backoff.initial == 100_000_000)
        #expect(backoff.maximum == 5_000_000_000)
    }

    @Test("A fresh backoff is due at once")
    func freshIsDue() {
        let backoff = Backoff()
        #expect(backoff.isDue(now: 0))
        #expect(backoff.isDue(now: 12_345))
    }

    @Test("Each failure waits the current delay, which doubles up to the maximum")
    func doubling() {
        var backoff = Backoff()
        var now: UInt64 = 1_000_000_000
        var waits: [UInt64] = []
        for _ in 0..<9 {
            backoff.failed(now: now)
            let due = dueAt(backoff)
            waits.append(due - now)
            #expect(!backoff.isDue(now: due - 1))
            #expect(backoff.isDue(now: due))
            now = due
        }
        let ms: UInt64 = 1_000_000
        #expect(waits == [100 * ms, 200 * ms, 400 * ms, 800 * ms, 1_600 * ms, 3_200 * ms, 5_000 * ms, 5_000 * ms, 5_000 * ms])
    }

    @Test("A cap that is not a power of two of the initial delay")
    func unevenCap() {
        var backoff = Backoff(initial: 3, maximum: 10)
        var waits: [UInt64] = []
        for _ in 0..<5 {
            backoff.failed(now: 100)
            waits.append(dueAt(backoff) - 100)
        }
        #expect(waits == [3, 6, 10, 10, 10])
    }

    @Test("Success starts again from the initial delay and is due at once")
    func success() {
        var backoff = Backoff(initial: 10, maximum: 1_000)
        backoff.failed(now: 0)
        backoff.failed(now: 10)
        backoff.failed(now: 30)
        #expect(!backoff.isDue(now: 69))
        backoff.succeeded()
        #expect(backoff.isDue(now: 0))
        #expect(backoff.isDue(now: 31))
        backoff.failed(now: 500)
        #expect(!backoff.isDue(now: 509))
        #expect(backoff.isDue(now: 510))
    }

    @Test("The maximum is never below the initial delay")
    func maximumBelowInitial() {
        var backoff = Backoff(initial: 50, maximum: 10)
        #expect(backoff.maximum == 50)
        #expect(backoff.initial == 50)
        for round in 0..<4 as Range<UInt64> {
            backoff.failed(now: round * 1_000)
            #expect(dueAt(backoff) == round * 1_000 + 50)
        }
    }

    @Test("A zero initial delay never waits")
    func zeroDelay() {
        var backoff = Backoff(initial: 0, maximum: 0)
        backoff.failed(now: 7)
        #expect(backoff.isDue(now: 7))
        backoff.failed(now: 8)
        #expect(backoff.isDue(now: 8))
    }

    @Test("Failing again before the attempt was due restarts the wait from then")
    func failedEarly() {
        var backoff = Backoff(initial: 100, maximum: 10_000)
        backoff.failed(now: 0)  // due at 100, next delay 200
        backoff.failed(now: 50)  // due at 250, next delay 400
        #expect(!backoff.isDue(now: 249))
        #expect(backoff.isDue(now: 250))
    }

    @Test("With an effectively unlimited maximum, delays never shrink while failing")
    func noOverflow() {
        // failed() doubles with `delay &* 2`, which wraps once the delay passes 2^63.
        var backoff = Backoff(initial: 100_000_000, maximum: .max)
        var previous: UInt64 = 0
        var shrankAt: Int?
        for failure in 0..<70 {
            backoff.failed(now: 0)
            let wait = dueAt(backoff)
            if wait < previous, shrankAt == nil { shrankAt = failure }
            previous = wait
        }
        #expect(shrankAt == nil, "the wait shrank after failure \(shrankAt ?? -1)")
    }
}
