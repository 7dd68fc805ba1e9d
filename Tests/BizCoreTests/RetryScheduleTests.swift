import BizCore
import Testing

@Suite struct RetryScheduleTests {
    @Test("Defaults: 2 s doubling up to 10 minutes")
    func defaults() {
        let schedule = RetrySchedule()
        #expect(schedule.base == .seconds(2))
        #expect(schedule.factor == 2)
        #expect(schedule.cap == .seconds(600))
    }

    @Test("Ceilings grow by the factor from the base and stop at the cap")
    func ceilings() {
        let schedule = RetrySchedule()
        let ceilings = (1...12).map { schedule.ceiling(afterAttempt: $0) }
        #expect(ceilings == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600].map { Duration.seconds($0) })
        #expect(schedule.ceiling(afterAttempt: 0) == .seconds(2))
        #expect(schedule.ceiling(afterAttempt: -3) == .seconds(2))
    }

    @Test("Huge attempt numbers stay at the cap", arguments: [64, 1_000, 1_000_000, Int.max])
    func hugeAttempts(_ attempt: Int) {
        let schedule = RetrySchedule()
        #expect(schedule.ceiling(afterAttempt: attempt) == .seconds(600))
        var generator = SeededGenerator(seed: 1)
        let delay = schedule.delay(afterAttempt: attempt, retryAfter: nil, using: &generator)
        #expect(delay >= .seconds(300) && delay <= .seconds(600))
    }

    @Test("Fractional factors and sub-second bases")
    func otherShapes() {
        let schedule = RetrySchedule(base: .milliseconds(100), factor: 1.5, cap: .seconds(1))
        let ceilings = (1...8).map { schedule.ceiling(afterAttempt: $0) }
        let expected = [100_000, 150_000, 225_000, 337_500, 506_250, 759_375, 1_000_000, 1_000_000]
        #expect(ceilings == expected.map { Duration.microseconds($0) })
        #expect(zip(ceilings, ceilings.dropFirst()).allSatisfy { $0 <= $1 })
        let flat = RetrySchedule(base: .seconds(5), factor: 1, cap: .seconds(60))
        #expect((1...20).allSatisfy { flat.ceiling(afterAttempt: $0) == .seconds(5) })
    }

    @Test("A cap below the base is raised to the base")
    func capBelowBase() {
        let schedule = RetrySchedule(base: .seconds(30), cap: .seconds(10))
        #expect(schedule.cap == .seconds(30))
        #expect(schedule.ceiling(afterAttempt: 5) == .seconds(30))
    }

    @Test("Over many seeds, every delay lies in ceiling/2 … ceiling", arguments: 1...10)
    func jitterBounds(_ attempt: Int) {
        let schedule = RetrySchedule()
        let ceiling = schedule.ceiling(afterAttempt: attempt)
        var lowest = ceiling
        var highest = Duration.zero
        for seed in 0..<2_000 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed)
            let delay = schedule.delay(afterAttempt: attempt, retryAfter: nil, using: &generator)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt), seed \(seed): \(delay)")
            lowest = min(lowest, delay)
            highest = max(highest, delay)
        }
        // The draws really are spread over the range, not stuck at one end.
        #expect(lowest < ceiling / 2 + ceiling / 20)
        #expect(highest > ceiling - ceiling / 20)
    }

    @Test("Jitter spreads texts that failed together")
    func jitterSpreads() {
        let schedule = RetrySchedule()
        var generator = SeededGenerator(seed: 42)
        let delays = Set((0..<100).map { _ in schedule.delay(afterAttempt: 3, retryAfter: nil, using: &generator) })
        #expect(delays.count > 90)
    }

    @Test("The same seed gives the same delays")
    func deterministic() {
        let schedule = RetrySchedule()
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        for attempt in 1...10 {
            #expect(
                schedule.delay(afterAttempt: attempt, retryAfter: nil, using: &first)
                    == schedule.delay(afterAttempt: attempt, retryAfter: nil, using: &second))
        }
    }

    @Test("Retry-After is a floor, even beyond the cap, and no ceiling")
    func retryAfter() {
        let schedule = RetrySchedule()
        for seed in 0..<500 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed)
            #expect(schedule.delay(afterAttempt: 1, retryAfter: .seconds(30), using: &generator) == .seconds(30))
            #expect(schedule.delay(afterAttempt: 20, retryAfter: .seconds(3_600), using: &generator) == .seconds(3_600))
            let short = schedule.delay(afterAttempt: 8, retryAfter: .seconds(1), using: &generator)
            #expect(short >= .seconds(128) && short <= .seconds(256))
            let zero = schedule.delay(afterAttempt: 1, retryAfter: .zero, using: &generator)
            #expect(zero >= .seconds(1) && zero <= .seconds(2))
        }
    }

    @Test("The system generator gives delays in range too")
    func systemGenerator() {
        let schedule = RetrySchedule()
        for _ in 0..<100 {
            let delay = schedule.delay(afterAttempt: 2, retryAfter: nil)
            #expect(delay >= .seconds(2) && delay <= .seconds(4))
        }
    }

    @Test("A zero base never waits")
    func zeroBase() {
        let schedule = RetrySchedule(base: .zero, cap: .zero)
        var generator = SeededGenerator(seed: 3)
        #expect(schedule.delay(afterAttempt: 5, retryAfter: nil, using: &generator) == .zero)
    }

    @Test("shouldRetry allows attempts below the maximum only")
    func shouldRetry() {
        let schedule = RetrySchedule()
        #expect(schedule.shouldRetry(attempts: 0, maxAttempts: 5))
        #expect(schedule.shouldRetry(attempts: 4, maxAttempts: 5))
        #expect(!schedule.shouldRetry(attempts: 5, maxAttempts: 5))
        #expect(!schedule.shouldRetry(attempts: 6, maxAttempts: 5))
        #expect(schedule.shouldRetry(attempts: 0, maxAttempts: 1))
        #expect(!schedule.shouldRetry(attempts: 1, maxAttempts: 1))
        #expect(!schedule.shouldRetry(attempts: 0, maxAttempts: 0))
        #expect(!schedule.shouldRetry(attempts: 0, maxAttempts: -1))
    }
}

@Suite struct RetryAfterLimitTests {
    @Test func anAbsurdRetryAfterIsCutToAnHour() {
        var generator = SeededGenerator(seed: 7)
        let schedule = RetrySchedule()
        let wait = schedule.delay(afterAttempt: 1, retryAfter: .seconds(86_400 * 365), using: &generator)
        #expect(wait == RetrySchedule.retryAfterLimit)
        #expect(schedule.delay(afterAttempt: 1, retryAfter: .seconds(90), using: &generator) == .seconds(90))
    }
}
