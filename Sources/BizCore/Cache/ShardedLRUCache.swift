import Synchronization

/// An `LRUCache` split into independently locked shards by key hash, so that event loops
/// on different cores rarely wait for one another. Capacity is divided evenly between
/// the shards (rounded up), so the total may exceed `capacity` by less than one entry per shard.
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
        let shardCount = max(1, min(shardCount, max(capacity, 1)))
        let perShard = capacity == 0 ? 0 : (capacity + shardCount - 1) / shardCount
        shards = (0..<shardCount).map { _ in Shard(LRUCache(capacity: perShard, timeToLive: timeToLive, staleRetention: staleRetention)) }
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

    /// Entries removed to make room for others, in all shards, since the cache was made.
    public var evictions: Int {
        shards.reduce(0) { total, shard in total + shard.cache.withLock { $0.evictions } }
    }

    /// Entries held in all shards.
    public var count: Int {
        shards.reduce(0) { total, shard in total + shard.cache.withLock { $0.count } }
    }
}
