import BizCore
import Dispatch
import Synchronization
import Testing

@Suite struct SingleFlightTests {
    @Test func theFirstJoinLeadsAndFinishReturnsEveryWaiterInOrder() {
        let flights = SingleFlight<String, Int>()
        #expect(flights.join("a", 1))
        #expect(!flights.join("a", 2))
        #expect(!flights.join("a", 3))
        #expect(flights.join("b", 4))
        #expect(flights.count == 2)
        #expect(flights.finish("a") == [1, 2, 3])
        #expect(flights.finish("a") == [])
        #expect(flights.join("a", 5), "a finished flight does not swallow the next request")
        #expect(flights.finish("b") == [4])
        #expect(flights.finish("a") == [5])
        #expect(flights.count == 0)
    }

    @Test func concurrentJoinsElectExactlyOneLeaderAndLoseNoWaiter() {
        let flights = SingleFlight<Int, Int>(shardCount: 4)
        let leaders = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 1000) { index in
            if flights.join(index % 10, index) { leaders.add(1, ordering: .relaxed) }
        }
        #expect(leaders.load(ordering: .relaxed) == 10)
        var waiters: [Int] = []
        for key in 0..<10 { waiters += flights.finish(key) }
        #expect(waiters.sorted() == Array(0..<1000))
    }
}
