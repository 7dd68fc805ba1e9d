import BizCore
import Testing

@Suite("LoginThrottle")
struct LoginThrottleTests {
    private let second: UInt64 = 1_000_000_000

    @Test("Four failures within a minute cost nothing; the fifth makes the next try wait")
    func fiveFailures() {
        let throttle = LoginThrottle()
        for attempt in 0..<4 {
            throttle.recordFailure(for: "alice", now: UInt64(attempt) * 10 * second)
            #expect(throttle.delay(for: "alice", now: UInt64(attempt) * 10 * second) == 0)
        }
        throttle.recordFailure(for: "alice", now: 40 * second)
        #expect(throttle.delay(for: "alice", now: 40 * second) == second)
        #expect(throttle.delay(for: "alice", now: 40 * second + second / 2) == second / 2)
        #expect(throttle.delay(for: "alice", now: 41 * second) == 0)
        #expect(throttle.delay(for: "bob", now: 40 * second) == 0, "other names are not slowed")
    }

    @Test("Failures spread over more than a minute never slow")
    func slowFailures() {
        let throttle = LoginThrottle()
        for attempt in 0..<20 {
            throttle.recordFailure(for: "alice", now: UInt64(attempt) * 16 * second)
            #expect(throttle.delay(for: "alice", now: UInt64(attempt) * 16 * second) == 0)
        }
    }

    @Test("The wait doubles with each further failure, up to the cap")
    func growing() {
        let throttle = LoginThrottle(maximumDelay: 8 * second)
        var now: UInt64 = 0
        var delays: [UInt64] = []
        for _ in 0..<9 {
            throttle.recordFailure(for: "alice", now: now)
            delays.append(throttle.delay(for: "alice", now: now))
            now += delays.last!
        }
        #expect(delays == [0, 0, 0, 0, 1, 2, 4, 8, 8].map { $0 * second })
    }

    @Test("A minute without failures frees the name")
    func resetAfterMinute() {
        let throttle = LoginThrottle()
        for _ in 0..<5 { throttle.recordFailure(for: "alice", now: 0) }
        #expect(throttle.delay(for: "alice", now: 0) > 0)
        #expect(throttle.delay(for: "alice", now: 60 * second + 1) == 0)
        throttle.recordFailure(for: "alice", now: 61 * second)
        #expect(throttle.delay(for: "alice", now: 61 * second) == 0, "old failures no longer count")
    }

    @Test("A successful sign-in forgets the failures")
    func success() {
        let throttle = LoginThrottle()
        for _ in 0..<5 { throttle.recordFailure(for: "alice", now: 0) }
        throttle.recordSuccess(for: "alice")
        #expect(throttle.delay(for: "alice", now: 0) == 0 && throttle.count == 0)
    }

    @Test("Memory is bounded: old names are forgotten first")
    func bounded() {
        let throttle = LoginThrottle(capacity: 3)
        throttle.recordFailure(for: "a", now: 0)
        throttle.recordFailure(for: "b", now: 50 * second)
        throttle.recordFailure(for: "c", now: 55 * second)
        throttle.recordFailure(for: "d", now: 70 * second)
        #expect(throttle.count == 3)
        throttle.recordFailure(for: "e", now: 71 * second)
        #expect(throttle.count == 3)
        for _ in 0..<5 { throttle.recordFailure(for: "e", now: 72 * second) }
        #expect(throttle.delay(for: "e", now: 72 * second) > 0)
        throttle.recordFailure(for: String(repeating: "x", count: 10_000), now: 73 * second)
        #expect(throttle.count == 3)
    }
}
