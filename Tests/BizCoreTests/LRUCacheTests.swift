import BizCore
import Testing

@Suite struct LRUCacheTests {
    // MARK: Recency and capacity

    @Test("The least recently inserted entry is evicted first")
    func evictionOrder() {
        var cache = LRUCache<String, Int>(capacity: 3, timeToLive: 1_000)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        cache.insert(3, forKey: "c", now: 0)
        #expect(cache.keysByRecency == ["c", "b", "a"])
        cache.insert(4, forKey: "d", now: 0)
        #expect(cache.count == 3)
        #expect(cache.keysByRecency == ["d", "c", "b"])
        #expect(cache.value(forKey: "a", now: 0) == nil)
        cache.insert(5, forKey: "e", now: 0)
        #expect(cache.keysByRecency == ["e", "d", "c"])
        #expect(cache.value(forKey: "b", now: 0) == nil)
        #expect(cache.value(forKey: "c", now: 0) == 3)
        #expect(cache.value(forKey: "d", now: 0) == 4)
        #expect(cache.value(forKey: "e", now: 0) == 5)
    }

    @Test("A lookup makes an entry the most recently used")
    func getRefreshes() {
        var cache = LRUCache<String, Int>(capacity: 3, timeToLive: 1_000)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        cache.insert(3, forKey: "c", now: 0)
        #expect(cache.value(forKey: "a", now: 1) == 1)
        #expect(cache.keysByRecency == ["a", "c", "b"])
        cache.insert(4, forKey: "d", now: 2)
        #expect(cache.value(forKey: "b", now: 2) == nil)
        #expect(cache.value(forKey: "a", now: 2) == 1)
        #expect(cache.keysByRecency == ["a", "d", "c"])
    }

    @Test("Looking up the newest or the oldest entry keeps the list consistent")
    func refreshEnds() {
        var cache = LRUCache<Int, Int>(capacity: 4, timeToLive: 1_000)
        for key in 1...4 { cache.insert(key * 10, forKey: key, now: 0) }
        #expect(cache.value(forKey: 4, now: 0) == 40)  // already newest
        #expect(cache.keysByRecency == [4, 3, 2, 1])
        #expect(cache.value(forKey: 1, now: 0) == 10)  // oldest to front
        #expect(cache.keysByRecency == [1, 4, 3, 2])
        #expect(cache.value(forKey: 3, now: 0) == 30)  // middle to front
        #expect(cache.keysByRecency == [3, 1, 4, 2])
        cache.insert(50, forKey: 5, now: 0)
        #expect(cache.keysByRecency == [5, 3, 1, 4])
    }

    @Test("A miss changes nothing")
    func missChangesNothing() {
        var cache = LRUCache<String, Int>(capacity: 2, timeToLive: 1_000)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        #expect(cache.value(forKey: "zzz", now: 0) == nil)
        #expect(cache.keysByRecency == ["b", "a"])
        #expect(cache.count == 2)
    }

    @Test("Inserting an existing key replaces its value in place and refreshes it")
    func updateInPlace() {
        var cache = LRUCache<String, String>(capacity: 2, timeToLive: 1_000)
        cache.insert("one", forKey: "a", now: 0)
        cache.insert("two", forKey: "b", now: 0)
        cache.insert("uno", forKey: "a", now: 0)
        #expect(cache.count == 2)
        #expect(cache.keysByRecency == ["a", "b"])
        cache.insert("three", forKey: "c", now: 0)  // evicts b, not a
        #expect(cache.value(forKey: "a", now: 0) == "uno")
        #expect(cache.value(forKey: "b", now: 0) == nil)
        #expect(cache.value(forKey: "c", now: 0) == "three")
    }

    @Test("Re-inserting the newest key at capacity evicts nothing")
    func updateNewestAtCapacity() {
        var cache = LRUCache<Int, Int>(capacity: 2, timeToLive: 1_000)
        cache.insert(1, forKey: 1, now: 0)
        cache.insert(2, forKey: 2, now: 0)
        cache.insert(22, forKey: 2, now: 0)
        #expect(cache.count == 2)
        #expect(cache.value(forKey: 1, now: 0) == 1)
        #expect(cache.value(forKey: 2, now: 0) == 22)
    }

    @Test("Capacity 1 keeps only the latest key")
    func capacityOne() {
        var cache = LRUCache<Int, Int>(capacity: 1, timeToLive: 1_000)
        for key in 0..<100 {
            cache.insert(key, forKey: key, now: 0)
            #expect(cache.count == 1)
            #expect(cache.keysByRecency == [key])
        }
        #expect(cache.value(forKey: 99, now: 0) == 99)
        #expect(cache.value(forKey: 98, now: 0) == nil)
    }

    @Test("Capacity 0 stores nothing")
    func capacityZero() {
        var cache = LRUCache<String, Int>(capacity: 0, timeToLive: 1_000)
        #expect(cache.capacity == 0)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "a", now: 0)
        #expect(cache.count == 0)
        #expect(cache.value(forKey: "a", now: 0) == nil)
        #expect(cache.keysByRecency.isEmpty)
        #expect(cache.removeValue(forKey: "a") == false)
    }

    // MARK: Time to live

    @Test("An entry is valid until just before insertedAt + ttl, and gone at exactly that time")
    func ttlBoundary() {
        var cache = LRUCache<String, Int>(capacity: 10, timeToLive: 50)
        #expect(cache.timeToLive == 50)
        cache.insert(1, forKey: "a", now: 100)
        #expect(cache.value(forKey: "a", now: 100) == 1)
        #expect(cache.value(forKey: "a", now: 149) == 1)
        #expect(cache.value(forKey: "a", now: 150) == nil)
        #expect(cache.count == 0)
        #expect(cache.value(forKey: "a", now: 149) == nil)  // removed for good, not just hidden
    }

    @Test("A lookup does not extend the time to live")
    func getDoesNotExtend() {
        var cache = LRUCache<String, Int>(capacity: 10, timeToLive: 10)
        cache.insert(1, forKey: "a", now: 0)
        for now in 0..<10 as Range<UInt64> { #expect(cache.value(forKey: "a", now: now) == 1) }
        #expect(cache.value(forKey: "a", now: 10) == nil)
    }

    @Test("Re-inserting restarts the time to live")
    func insertExtends() {
        var cache = LRUCache<String, Int>(capacity: 10, timeToLive: 10)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "a", now: 5)
        #expect(cache.value(forKey: "a", now: 14) == 2)
        #expect(cache.value(forKey: "a", now: 15) == nil)
    }

    @Test("Re-inserting an expired key revives it")
    func reviveExpired() {
        var cache = LRUCache<String, Int>(capacity: 10, timeToLive: 10)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "a", now: 20)
        #expect(cache.value(forKey: "a", now: 21) == 2)
    }

    @Test("Expired entries count until touched or evicted")
    func expiredCounted() {
        var cache = LRUCache<Int, Int>(capacity: 3, timeToLive: 10)
        cache.insert(1, forKey: 1, now: 0)
        cache.insert(2, forKey: 2, now: 0)
        #expect(cache.count == 2)
        #expect(cache.value(forKey: 1, now: 100) == nil)
        #expect(cache.count == 1)
        cache.insert(3, forKey: 3, now: 100)
        cache.insert(4, forKey: 4, now: 100)
        cache.insert(5, forKey: 5, now: 100)  // evicts the expired 2
        #expect(cache.count == 3)
        #expect(cache.keysByRecency == [5, 4, 3])
    }

    @Test("A time to live of zero keeps nothing usable")
    func zeroTTL() {
        var cache = LRUCache<Int, Int>(capacity: 3, timeToLive: 0)
        cache.insert(1, forKey: 1, now: 7)
        #expect(cache.value(forKey: 1, now: 7) == nil)
    }

    @Test("Large clock values work")
    func largeClock() {
        let start: UInt64 = 1 << 62
        var cache = LRUCache<Int, Int>(capacity: 3, timeToLive: 300_000_000_000)
        cache.insert(1, forKey: 1, now: start)
        #expect(cache.value(forKey: 1, now: start + 299_999_999_999) == 1)
        #expect(cache.value(forKey: 1, now: start + 300_000_000_000) == nil)
    }

    @Test("A time to live longer than the clock can count does not expire the entry at once")
    func ttlDoesNotWrap() {
        // insert computes now &+ timeToLive, which wraps around to a time in the past.
        var cache = LRUCache<Int, Int>(capacity: 3, timeToLive: .max)
        cache.insert(1, forKey: 1, now: 1_000)
        #expect(cache.value(forKey: 1, now: 1_001) == 1)
    }

    // MARK: Removal

    @Test("removeValue removes one entry and reports whether it was there")
    func removeValue() {
        var cache = LRUCache<String, Int>(capacity: 5, timeToLive: 1_000)
        for (index, key) in ["a", "b", "c", "d", "e"].enumerated() { cache.insert(index, forKey: key, now: 0) }
        #expect(cache.removeValue(forKey: "c") == true)  // middle
        #expect(cache.keysByRecency == ["e", "d", "b", "a"])
        #expect(cache.removeValue(forKey: "e") == true)  // newest
        #expect(cache.keysByRecency == ["d", "b", "a"])
        #expect(cache.removeValue(forKey: "a") == true)  // oldest
        #expect(cache.keysByRecency == ["d", "b"])
        #expect(cache.removeValue(forKey: "a") == false)
        #expect(cache.removeValue(forKey: "zz") == false)
        #expect(cache.count == 2)
        #expect(cache.value(forKey: "c", now: 0) == nil)
        // Freed slots are reused without disturbing the others.
        cache.insert(10, forKey: "x", now: 0)
        cache.insert(11, forKey: "y", now: 0)
        cache.insert(12, forKey: "z", now: 0)
        #expect(cache.keysByRecency == ["z", "y", "x", "d", "b"])
        #expect(cache.value(forKey: "d", now: 0) == 3)
        #expect(cache.value(forKey: "b", now: 0) == 1)
        #expect(cache.value(forKey: "x", now: 0) == 10)
        #expect(cache.keysByRecency == ["x", "b", "d", "z", "y"])
        cache.insert(13, forKey: "w", now: 0)  // evicts y, the least recently used now
        #expect(cache.keysByRecency == ["w", "x", "b", "d", "z"])
        #expect(cache.value(forKey: "y", now: 0) == nil)
    }

    @Test("Removing the only entry empties the list")
    func removeOnly() {
        var cache = LRUCache<Int, Int>(capacity: 2, timeToLive: 1_000)
        cache.insert(1, forKey: 1, now: 0)
        #expect(cache.removeValue(forKey: 1) == true)
        #expect(cache.keysByRecency.isEmpty)
        cache.insert(2, forKey: 2, now: 0)
        cache.insert(3, forKey: 3, now: 0)
        cache.insert(4, forKey: 4, now: 0)
        #expect(cache.keysByRecency == [4, 3])
    }

    @Test("removeAll empties the cache, which then works as new")
    func removeAllThenReuse() {
        var cache = LRUCache<Int, String>(capacity: 3, timeToLive: 1_000)
        for key in 0..<10 { cache.insert("v\(key)", forKey: key, now: 0) }
        _ = cache.removeValue(forKey: 8)
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.keysByRecency.isEmpty)
        #expect(cache.value(forKey: 9, now: 0) == nil)
        for key in 20..<25 { cache.insert("v\(key)", forKey: key, now: 0) }
        #expect(cache.count == 3)
        #expect(cache.keysByRecency == [24, 23, 22])
        #expect(cache.value(forKey: 22, now: 0) == "v22")
        cache.removeAll()
        cache.removeAll()
        #expect(cache.count == 0)
    }

    // MARK: Against a reference model

    /// A deliberately simple LRU: an array, most recent first.
    private struct ReferenceLRU {
        let capacity: Int
        let timeToLive: UInt64
        var entries: [(key: Int, value: Int, expiresAt: UInt64)] = []

        mutating func value(forKey key: Int, now: UInt64) -> Int? {
            guard let position = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let entry = entries.remove(at: position)
            if entry.expiresAt <= now { return nil }
            entries.insert(entry, at: 0)
            return entry.value
        }

        mutating func insert(_ value: Int, forKey key: Int, now: UInt64) {
            guard capacity > 0 else { return }
            if let position = entries.firstIndex(where: { $0.key == key }) {
                entries.remove(at: position)
            } else if entries.count >= capacity {
                entries.removeLast()
            }
            entries.insert((key, value, now + timeToLive), at: 0)
        }

        mutating func removeValue(forKey key: Int) -> Bool {
            guard let position = entries.firstIndex(where: { $0.key == key }) else { return false }
            entries.remove(at: position)
            return true
        }
    }

    @Test("Random operations agree with a reference model", arguments: [(1, 11), (2, 12), (7, 13), (50, 14), (0, 15)])
    func randomized(_ capacity: Int, _ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var cache = LRUCache<Int, Int>(capacity: capacity, timeToLive: 100)
        var model = ReferenceLRU(capacity: capacity, timeToLive: 100)
        var now: UInt64 = 0
        var disagreements: [String] = []
        let keySpace = max(4, capacity * 2)
        for step in 0..<20_000 {
            now += UInt64.random(in: 0...3, using: &generator)
            let key = Int.random(in: 0..<keySpace, using: &generator)
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<45:
                let got = cache.value(forKey: key, now: now)
                let want = model.value(forKey: key, now: now)
                if got != want { disagreements.append("step \(step): get \(key) gave \(String(describing: got)), want \(String(describing: want))") }
            case 45..<90:
                let value = Int.random(in: 0..<1_000_000, using: &generator)
                cache.insert(value, forKey: key, now: now)
                model.insert(value, forKey: key, now: now)
            case 90..<98:
                let got = cache.removeValue(forKey: key)
                let want = model.removeValue(forKey: key)
                if got != want { disagreements.append("step \(step): remove \(key) gave \(got), want \(want)") }
            default:
                cache.removeAll()
                model.entries.removeAll()
            }
            if cache.count != model.entries.count || cache.keysByRecency != model.entries.map(\.key) {
                disagreements.append("step \(step): order \(cache.keysByRecency) want \(model.entries.map(\.key))")
            }
            if disagreements.count > 5 { break }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(cache.count <= capacity)
    }
}

@Suite struct LRUCacheStaleRetentionTests {
    @Test func anEntryCanCarryItsOwnTimeToLive() {
        var cache = LRUCache<String, Int>(capacity: 4, timeToLive: 1_000)
        cache.insert(1, forKey: "long", now: 0)
        cache.insert(2, forKey: "short", now: 0, timeToLive: 10)
        #expect(cache.value(forKey: "short", now: 9) == 2)
        #expect(cache.value(forKey: "short", now: 10) == nil)
        #expect(cache.value(forKey: "long", now: 999) == 1)
    }

    @Test func anExpiredEntryIsOfferedStaleWithinTheRetentionOnly() {
        var cache = LRUCache<String, Int>(capacity: 4, timeToLive: 100, staleRetention: 50)
        cache.insert(1, forKey: "a", now: 0)
        #expect(cache.staleValue(forKey: "a", now: 99).map { [$0.value] } == [1])
        #expect(cache.staleValue(forKey: "a", now: 99)?.isStale == false)
        #expect(cache.value(forKey: "a", now: 120) == nil, "expired: not a fresh answer")
        #expect(cache.count == 1, "kept for stale use")
        #expect(cache.staleValue(forKey: "a", now: 120)?.isStale == true)
        #expect(cache.staleValue(forKey: "a", now: 149)?.value == 1)
        #expect(cache.staleValue(forKey: "a", now: 150) == nil)
        #expect(cache.value(forKey: "a", now: 150) == nil)
        #expect(cache.count == 0, "dropped once past the retention")
    }

    @Test func withoutRetentionAnExpiredEntryIsDroppedOnLookup() {
        var cache = LRUCache<String, Int>(capacity: 4, timeToLive: 100)
        cache.insert(1, forKey: "a", now: 0)
        #expect(cache.value(forKey: "a", now: 100) == nil)
        #expect(cache.count == 0)
        #expect(cache.staleValue(forKey: "a", now: 100) == nil)
    }

    @Test func aStaleLookupDoesNotChangeRecency() {
        var cache = LRUCache<String, Int>(capacity: 2, timeToLive: 100, staleRetention: 1_000)
        cache.insert(1, forKey: "a", now: 0)
        cache.insert(2, forKey: "b", now: 0)
        _ = cache.staleValue(forKey: "a", now: 200)
        #expect(cache.keysByRecency == ["b", "a"])
    }

    @Test("Shrinking evicts the least recently used entries; growing keeps them all")
    func resize() {
        var cache = LRUCache<String, Int>(capacity: 4, timeToLive: 1_000)
        for (value, key) in ["a", "b", "c", "d"].enumerated() { cache.insert(value, forKey: key, now: 0) }
        _ = cache.value(forKey: "a", now: 0)
        #expect(cache.resize(to: 2) == 2)
        #expect(cache.keysByRecency == ["a", "d"])
        #expect(cache.resize(to: 3) == 0)
        cache.insert(9, forKey: "e", now: 0)
        #expect(cache.keysByRecency == ["e", "a", "d"])
        cache.insert(10, forKey: "f", now: 0)
        #expect(cache.keysByRecency == ["f", "e", "a"])
        #expect(cache.resize(to: 0) == 3)
        #expect(cache.count == 0)
        cache.insert(1, forKey: "g", now: 0)
        #expect(cache.count == 0)
    }
}
