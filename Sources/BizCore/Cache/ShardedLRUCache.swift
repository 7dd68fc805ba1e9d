import Synchronization

/// An `LRUCache` split into independently locked shards by key hash, so that event loops
/// on different cores rarely wait for one another. Capacity is divided between the shards
/// so that their capacities add up to `capacity` exactly and differ by at most one.
///
/// A cache made with a capacity below the shard count gets one shard per entry. One resized
/// below its shard count leaves some shards, and the keys that fall in them, uncached.
public final class ShardedLRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private final class Shard: Sendable {
        let cache: Mutex<LRUCache<Key, Value>>
        init(_ cache: LRUCache<Key, Value>) { self.cache = Mutex(cache) }
    }

    private let shards: [Shard]

    /// - Parameters:
    ///   - capacity: entries kept in all; 0 disables caching.
    ///   - timeToLive: nanoseconds an entry stays valid, unless its insert says otherwise.
    ///   - staleRetention: nanoseconds an expired entry is kept for `staleValue`.
    ///   - shardCount: number of independently locked parts.
    public init(capacity: Int, timeToLive: UInt64, staleRetention: UInt64 = 0, shardCount: Int = 16) {
        // Capacity 0 keeps every shard, for a later resize; a small capacity gets fewer.
        let shardCount = capacity == 0 ? max(1, shardCount) : max(1, min(shardCount, capacity))
        shards = (0..<shardCount).map { number in
            Shard(LRUCache(
                capacity: Self.share(of: capacity, shard: number, of: shardCount), timeToLive: timeToLive,
                staleRetention: staleRetention))
        }
    }

    /// Shard `shard`'s part of `capacity`: an even split, the remainder going one each to
    /// the first shards.
    private static func share(of capacity: Int, shard: Int, of shardCount: Int) -> Int {
        capacity / shardCount + (shard < capacity % shardCount ? 1 : 0)
    }

    /// Changes the total capacity, evicting each shard's least recently used entries beyond
    /// its new share; entries within it stay.
    /// - Returns: how many entries were evicted.
    @discardableResult
    public func resize(to capacity: Int) -> Int {
        var evicted = 0
        for (number, shard) in shards.enumerated() {
            let share = Self.share(of: capacity, shard: number, of: shards.count)
            evicted += shard.cache.withLock { $0.resize(to: share) }
        }
        return evicted
    }

    /// Changes how long expired entries are kept for `staleValue`, in nanoseconds.
    public func setStaleRetention(_ nanoseconds: UInt64) {
        for shard in shards { shard.cache.withLock { $0.staleRetention = nanoseconds } }
    }

    /// The total capacity of all shards.
    public var capacity: Int {
        shards.reduce(0) { total, shard in total + shard.cache.withLock { $0.capacity } }
    }

    private func shard(for key: Key) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }

    /// The unexpired value for `key`, marked most recently used.
    public func value(forKey key: Key, now: UInt64) -> Value? {
        shard(for: key).cache.withLock { $0.value(forKey: key, now: now) }
    }

    /// The value for `key`, even expired within the stale retention; see `LRUCache.staleValue`.
    public func staleValue(forKey key: Key, now: UInt64) -> (value: Value, isStale: Bool)? {
        shard(for: key).cache.withLock { $0.staleValue(forKey: key, now: now) }
    }

    /// Inserts or replaces a value, valid for `timeToLive` (the cache's own unless given).
    public func insert(_ value: Value, forKey key: Key, now: UInt64, timeToLive: UInt64? = nil) {
        shard(for: key).cache.withLock { $0.insert(value, forKey: key, now: now, timeToLive: timeToLive) }
    }

    /// Inserts a value only if `isCurrent` still holds, checked under the shard's lock.
    ///
    /// This closes the race between a lookup that read a value and an invalidation of the
    /// same key: the invalidation first makes `isCurrent` false (for example by advancing
    /// a `GenerationTable`), then removes the key. Whichever takes the lock second sees the
    /// other's effect, so an old value can never be inserted after the removal.
    /// - Returns: whether the value was inserted.
    @discardableResult
    public func insert(
        _ value: Value, forKey key: Key, now: UInt64, timeToLive: UInt64? = nil, if isCurrent: () -> Bool
    ) -> Bool {
        shard(for: key).cache.withLock { cache in
            guard isCurrent() else { return false }
            cache.insert(value, forKey: key, now: now, timeToLive: timeToLive)
            return true
        }
    }

    /// Removes the entry for `key`, if any.
    @discardableResult
    public func removeValue(forKey key: Key) -> Bool {
        shard(for: key).cache.withLock { $0.removeValue(forKey: key) }
    }

    /// Removes every entry.
    public func removeAll() {
        for shard in shards { shard.cache.withLock { $0.removeAll() } }
    }

    /// Entries removed to make room for others or to fit a smaller capacity, in all shards,
    /// since the cache was made.
    public var evictions: Int {
        shards.reduce(0) { total, shard in total + shard.cache.withLock { $0.evictions } }
    }

    /// Entries held in all shards.
    public var count: Int {
        shards.reduce(0) { total, shard in total + shard.cache.withLock { $0.count } }
    }
}
