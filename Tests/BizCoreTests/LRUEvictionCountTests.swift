import BizCore
import Testing

/// The eviction count that `bizcached_lru_evictions_total` reports, for `LRUCache` and
/// `ShardedLRUCache`.
@Suite struct LRUEvictionCountTests {
    @Test("Only entries pushed out for room count; replacing, removing and expiring do not")
    func plainCache() {
        var cache = LRUCache<Int, Int>(capacity: 2, timeToLive: 10)
        cache.insert(1, forKey: 1, now: 0)
        cache.insert(2, forKey: 2, now: 0)
        cache.insert(20, forKey: 2, now: 0)
        #expect(cache.evictions == 0)
        cache.insert(3, forKey: 3, now: 0)
        #expect(cache.evictions == 1)
        #expect(cache.value(forKey: 1, now: 0) == nil)
        cache.removeValue(forKey: 3)
        _ = cache.value(forKey: 2, now: 100)  // expired and dropped
        cache.removeAll()
        #expect(cache.evictions == 1)
        for key in 10..<15 { cache.insert(key, forKey: key, now: 200) }
        #expect(cache.evictions == 4)
    }

    @Test("A disabled cache evicts nothing")
    func capacityZero() {
        var cache = LRUCache<Int, Int>(capacity: 0, timeToLive: 10)
        cache.insert(1, forKey: 1, now: 0)
        #expect(cache.evictions == 0)
    }

    @Test("The sharded cache adds its shards' evictions up")
    func shards() {
        let cache = ShardedLRUCache<Int, Int>(capacity: 16, timeToLive: 1_000, shardCount: 4)
        for key in 0..<100 { cache.insert(key, forKey: key, now: 0) }
        #expect(cache.evictions == 100 - cache.count)
        #expect(cache.count <= 16)
    }
}
