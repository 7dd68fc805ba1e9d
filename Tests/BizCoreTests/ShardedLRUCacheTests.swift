import BizCore
import Dispatch
import Synchronization
import Testing

@Suite struct ShardedLRUCacheTests {
    @Test("Values come back; misses are nil")
    func basics() {
        let cache = ShardedLRUCache<String, Int>(capacity: 100, timeToLive: 1_000)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        #expect(cache.value(forKey: "a", now: 1) == 1)
        #expect(cache.value(forKey: "b", now: 1) == 2)
        #expect(cache.value(forKey: "c", now: 1) == nil)
        #expect(cache.count == 2)
        cache.insert(3, forKey: "a", now: 2)
        #expect(cache.value(forKey: "a", now: 2) == 3)
        #expect(cache.count == 2)
    }

    @Test("Phone numbers as keys")
    func phoneKeys() throws {
        let cache = ShardedLRUCache<PhoneNumber, String>(capacity: 10, timeToLive: 1_000)
        let parser = PhoneNumberParser()
        cache.insert("acme", forKey: try parser.parse("+1 555 010 0001"), now: 0)
        #expect(cache.value(forKey: try parser.parse("555.010.0001"), now: 0) == "acme")
        #expect(cache.value(forKey: try parser.parse("555.010.0002"), now: 0) == nil)
    }

    @Test("Entries expire at insertedAt + ttl")
    func expiry() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 10_000, timeToLive: 10)
        for key in 0..<50 { cache.insert(key, forKey: key, now: 100) }
        #expect((0..<50).allSatisfy { cache.value(forKey: $0, now: 109) == $0 })
        #expect((0..<50).allSatisfy { cache.value(forKey: $0, now: 110) == nil })
        #expect(cache.count == 0)
    }

    @Test("removeValue and removeAll")
    func removal() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 1_000, timeToLive: 1_000)
        for key in 0..<100 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.count == 100)
        #expect(cache.removeValue(forKey: 42))
        #expect(!cache.removeValue(forKey: 42))
        #expect(!cache.removeValue(forKey: 1_000))
        #expect(cache.value(forKey: 42, now: 0) == nil)
        #expect(cache.count == 99)
        cache.removeAll()
        #expect(cache.count == 0)
        #expect((0..<100).allSatisfy { cache.value(forKey: $0, now: 0) == nil })
        cache.insert(7, forKey: 7, now: 0)
        #expect(cache.value(forKey: 7, now: 0) == 7)
    }

    @Test("Capacity 0 stores nothing")
    func capacityZero() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 0, timeToLive: 1_000)
        for key in 0..<100 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.count == 0)
        #expect(cache.value(forKey: 1, now: 0) == nil)
    }

    @Test(
        "The total held stays below capacity plus the shard count",
        arguments: [(100, 16), (1, 16), (3, 16), (10, 4), (1_000, 16), (17, 16), (5, 0), (5, -3), (64, 64)])
    func totalBound(_ capacity: Int, _ shardCount: Int) {
        let cache = ShardedLRUCache<Int, Int>(capacity: capacity, timeToLive: 1_000, shardCount: shardCount)
        var maximum = 0
        for key in 0..<(capacity * 20 + 100) {
            cache.insert(key, forKey: key, now: 0)
            maximum = max(maximum, cache.count)
        }
        #expect(maximum >= 1)
        #expect(maximum < capacity + max(1, shardCount))
        if shardCount <= 1 { #expect(maximum == capacity) }
    }

    @Test("A capacity smaller than the shard count is not rounded up per shard")
    func fewShardsForSmallCapacity() {
        // Rounding each of 16 shards up to 1 would hold 16; it must hold at most 3.
        let cache = ShardedLRUCache<Int, Int>(capacity: 3, timeToLive: 1_000, shardCount: 16)
        for key in 0..<1_000 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.count <= 3)
    }

    @Test("One shard behaves as a plain LRU")
    func singleShard() {
        let cache = ShardedLRUCache<String, Int>(capacity: 2, timeToLive: 1_000, shardCount: 1)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        #expect(cache.value(forKey: "a", now: 0) == 1)
        cache.insert(3, forKey: "c", now: 0)
        #expect(cache.value(forKey: "b", now: 0) == nil)
        #expect(cache.value(forKey: "a", now: 0) == 1)
        #expect(cache.value(forKey: "c", now: 0) == 3)
    }

    @Test("With ample capacity, a value a thread just inserted is always there, across threads")
    func concurrentNoLoss() {
        let threads = 8
        let perThread = 5_000
        let cache = ShardedLRUCache<Int, Int>(capacity: threads * perThread * 2, timeToLive: .max / 2)
        let lost = Atomic<Int>(0)
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread {
                let key = thread * 1_000_000 + index
                cache.insert(key &* 3, forKey: key, now: 1)
                switch cache.value(forKey: key, now: 2) {
                case nil: lost.add(1, ordering: .relaxed)
                case let value? where value != key &* 3: wrong.add(1, ordering: .relaxed)
                default: break
                }
                // Read another thread's key too: it is either absent or has that thread's value.
                let other = ((thread + 1) % threads) * 1_000_000 + index
                if let value = cache.value(forKey: other, now: 2), value != other &* 3 {
                    wrong.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(lost.load(ordering: .relaxed) == 0)
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(cache.count == threads * perThread)
        for thread in 0..<threads {
            #expect((0..<perThread).allSatisfy { cache.value(forKey: thread * 1_000_000 + $0, now: 3) == (thread * 1_000_000 + $0) &* 3 })
        }
    }

    @Test("Under concurrent inserts, reads and removals, the total stays bounded")
    func concurrentBounded() {
        let capacity = 256
        let shards = 16
        let cache = ShardedLRUCache<Int, Int>(capacity: capacity, timeToLive: 1_000_000, shardCount: shards)
        let overBound = Atomic<Int>(0)
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var generator = SeededGenerator(seed: UInt64(thread))
            for step in 0..<10_000 {
                let key = Int.random(in: 0..<5_000, using: &generator)
                switch step % 10 {
                case 0..<5: cache.insert(key + 1, forKey: key, now: UInt64(step))
                case 5..<9:
                    if let value = cache.value(forKey: key, now: UInt64(step)), value != key + 1 { wrong.add(1, ordering: .relaxed) }
                default: cache.removeValue(forKey: key)
                }
                if step % 500 == 0, cache.count > capacity + shards { overBound.add(1, ordering: .relaxed) }
            }
        }
        #expect(overBound.load(ordering: .relaxed) == 0)
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(cache.count <= capacity + shards)
        #expect(cache.count > 0)
    }

    @Test("Resizing keeps the most recently used entries within the new capacity, exactly")
    func resize() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 1_000, timeToLive: 1_000)
        for key in 0..<800 { cache.insert(key, forKey: key, now: 0) }
        let held = cache.count
        #expect(held > 700 && held <= 800, "keys spread unevenly over shards of 62 or 63")
        #expect(cache.capacity == 1_000)
        let evicted = cache.resize(to: 100)
        #expect(cache.count <= 100)
        #expect(evicted == held - cache.count)
        #expect(cache.capacity == 100)
        // Each shard kept its most recently inserted keys: the oldest are gone.
        #expect(cache.value(forKey: 0, now: 0) == nil)
        #expect(cache.value(forKey: 799, now: 0) == 799)
        for key in 1_000..<5_000 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.count == 100, "every shard full: exactly the capacity")
        #expect(cache.resize(to: 0) == 100)
        cache.insert(1, forKey: 1, now: 0)
        #expect(cache.count == 0, "capacity 0: off")
        cache.resize(to: 50)
        for key in 0..<5_000 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.count == 50, "back on, with the new capacity")
    }

    @Test("The stale retention can change while entries are held")
    func staleRetentionChanges() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 1, timeToLive: 10, staleRetention: 0)
        cache.insert(1, forKey: 1, now: 0)
        #expect(cache.staleValue(forKey: 1, now: 15) == nil)
        cache.insert(1, forKey: 1, now: 0)
        cache.setStaleRetention(100)
        #expect(cache.staleValue(forKey: 1, now: 15)?.isStale == true)
    }
}
